"""Objects as the API shows them to one user: the pages' visibility rules decide which
fields are filled (confidential detail, a firm's own words, a confidential firm's name)."""

from __future__ import annotations

from ..achievements.models import Achievement
from ..achievements.services import EDITABLE_FIELDS
from ..deals import pipeline
from ..deals import services as deal_services
from ..deals.models import Deal
from ..needs.models import Need
from ..needs.services import NEED_FIELDS


def org_ref(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def organization_out(org) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "name_en": org.name_en,
        "type": str(org.type),
        "verified": org.is_verified,
    }


def _listing(obj) -> dict:
    return {
        "id": obj.id,
        "title": obj.title,
        "status": obj.effective_status,
        "field": obj.field,
        "keywords": list(obj.keywords or []),
        "cooperation_modes": list(obj.cooperation_modes or []),
        "valid_until": obj.valid_until,
        "external_ref": obj.external_ref,
        "published_at": obj.published_at,
        "updated_at": obj.updated_at,
    }


def achievement_out(a: Achievement, user) -> dict:
    return _listing(a) | {
        "organization": org_ref(a.organization),
        "summary": a.summary,
        "detail": a.detail if a.can_view_detail(user) else None,
        "trl": a.trl,
        "ip_form": a.ip_form,
        "patent_number": a.patent_number,
        "patent_status": a.patent_status,
        "patent_filing_date": a.patent_filing_date,
        "pricing_mode": a.pricing_mode,
        "price_fen": a.price_fen,
        "currency": a.currency,
        "indicators": list(a.indicators or []),
        "application_scenarios": a.application_scenarios or "",
        "inventors": [
            {"name": i.name, "share_percent": i.share_percent} for i in a.inventors
        ],
    }


def achievement_data(a: Achievement) -> dict:
    """The achievement's current values in the shape the services take (for PATCH)."""

    return {name: getattr(a, name) for name in EDITABLE_FIELDS} | {
        "inventors": [(i.name, i.share_percent) for i in a.inventors]
    }


def need_out(n: Need, user) -> dict:
    original = n.can_view_original(user)
    # As the detail page: the firm and the staff see the newest version, others the
    # approved one.
    shown = n.current_translation if original else n.approved_translation
    return _listing(n) | {
        "organization": org_ref(n.organization) if n.can_see_firm(user) else None,
        "description": n.description if original else None,
        "budget_min_fen": n.budget_min_fen,
        "budget_max_fen": n.budget_max_fen,
        "currency": n.currency,
        "deadline": n.deadline,
        "trl_min": n.trl_min,
        "confidential": n.confidential,
        "translation": None
        if shown is None
        else {
            "version": shown.version,
            "technical_problem": shown.technical_problem,
            "indicators": list(shown.indicators or []),
            "existing_conditions": shown.existing_conditions or "",
            "approved": shown.approved_at is not None,
        },
    }


def need_data(n: Need) -> dict:

    return {name: getattr(n, name) for name in NEED_FIELDS}


def deal_out(deal: Deal, user) -> dict:
    actions = [
        t.action
        for t in deal_services.available_actions(deal, user)
        if t.action not in pipeline.FORM_ACTIONS
    ]
    return {
        "id": deal.id,
        "title": deal.title,
        "stage": str(deal.stage),
        "version": deal.version,
        "origin": deal.origin,
        "achievement_id": deal.achievement_id,
        "need_id": deal.need_id,
        "supplier": org_ref(deal.supplier_org),
        "firm": org_ref(deal.firm_org),
        "pricing_mode": deal.pricing_mode,
        "agreed_price_fen": deal.agreed_price_fen,
        "currency": deal.currency,
        "created_at": deal.created_at,
        "stage_entered_at": deal.stage_entered_at,
        "available_actions": actions,
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                "reason": e.reason or "",
            }
            for e in deal.events
        ],
    }
