"""Search documents built from listings: the PUBLIC text only, never confidential detail."""

from __future__ import annotations

from typing import Any

from ..achievements.models import Achievement
from ..needs.models import Need


def _indicator_lines(rows: list[dict[str, Any]] | None, value_key: str) -> list[str]:
    lines = []
    for r in rows or []:
        parts = [
            r.get("name"),
            r.get(value_key) or r.get("value") or r.get("target"),
            r.get("unit"),
            r.get("test_method"),
        ]
        line = " ".join(str(p) for p in parts if p)
        if line:
            lines.append(line)
    return lines


def achievement_doc(a: Achievement) -> dict[str, Any]:
    """Title, public summary, indicators, scenarios and keywords; `detail` stays out."""
    org = a.organization
    return {
        "id": a.id,
        "external_ref": a.external_ref,
        "title": a.title,
        "body": "\n".join(p for p in (a.summary, a.application_scenarios) if p),
        "keywords": list(a.keywords or []),
        "indicators": _indicator_lines(a.indicators, "value"),
        "field": a.field,
        "trl": a.trl,
        "cooperation_modes": list(a.cooperation_modes or []),
        "pricing_mode": a.pricing_mode,
        "price_fen": a.price_fen,
        "org_id": a.organization_id,
        "org_name": org.name if org else "",
        "org_type": str(org.type) if org else None,
        "status": "published",
        "published_at": a.published_at,
    }


def need_doc(n: Need) -> dict[str, Any]:
    """The approved technical translation; the firm's own words stay out.

    A confidential need is indexed without the firm's name, so searching for the
    firm cannot reveal which needs are its own.
    """
    t = n.approved_translation or n.current_translation
    org = n.organization
    body = "\n".join(
        p
        for p in (
            (t.technical_problem if t else ""),
            (t.existing_conditions if t else ""),
        )
        if p
    )
    return {
        "id": n.id,
        "external_ref": n.external_ref,
        "title": n.title,
        "body": body,
        "keywords": list((t.keywords if t else None) or n.keywords or []),
        "indicators": _indicator_lines(t.indicators if t else [], "target"),
        "field": (t.field if t else None) or n.field,
        "trl_min": n.trl_min,
        "cooperation_modes": list(n.cooperation_modes or []),
        "budget_min_fen": n.budget_min_fen,
        "budget_max_fen": n.budget_max_fen,
        "org_id": n.organization_id,
        "org_name": "" if n.confidential else (org.name if org else ""),
        # Listed to signed-in users only: anonymous counts and facets leave it out.
        "members_only": bool(n.confidential),
        "org_type": str(org.type) if org else None,
        "status": "published",
        "published_at": n.published_at,
    }
