"""Technology finance services: institutions, products, requests in scope, offers,
acceptance and the recorded outcome."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Organization, Role
from ..achievements.models import Achievement
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..deals.models import Deal
from ..deals.queue import my_deals
from ..extensions import db
from .models import Checkup
from .models_finance import (
    FinanceInstitution,
    FinanceKind,
    FinanceProduct,
    FinancingOffer,
    FinancingRequest,
    OfferStatus,
    RequestStatus,
    institution_of,
)

#: IP forms that can be pledged (patents and software copyright).
PLEDGEABLE = (
    "invention_patent",
    "utility_model",
    "design_patent",
    "software_copyright",
)


def register_institution(
    actor, org: Organization, kinds: list[str], fields: list[str]
) -> FinanceInstitution:
    """The operator names an organisation a finance institution, with its scope."""
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以登记金融机构。"))
    if not kinds:
        raise ValidationFailed([("kinds", _("请至少选择一种金融产品类型。"))])
    inst = db.session.scalar(
        sa.select(FinanceInstitution).where(
            FinanceInstitution.organization_id == org.id
        )
    )
    if inst is None:
        inst = FinanceInstitution(organization_id=org.id)
        db.session.add(inst)
    inst.kinds = sorted(set(kinds))
    inst.fields = sorted(set(fields))
    db.session.flush()
    return inst


def add_product(actor, data: dict) -> FinanceProduct:
    inst = institution_of(actor)
    if inst is None:
        raise PermissionDenied(_("只有金融机构可以发布金融产品。"))
    if data["kind"] not in inst.kinds:
        raise ValidationFailed([("kind", _("该类型不在贵机构登记的业务范围内。"))])
    lo, hi = data.get("amount_min_fen"), data.get("amount_max_fen")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationFailed([("amount_max", _("最高额度不能低于最低额度。"))])
    product = FinanceProduct(institution_id=inst.id, **data)
    db.session.add(product)
    db.session.flush()
    return product


def can_request(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.role == Role.FIRM
        and user.organization_id is not None
    )


def pledgeable_ip(org_id: int) -> list[Achievement]:
    """The IP the firm holds in the market's records: its own organisation's
    achievements in a pledgeable form."""
    return list(
        db.session.scalars(
            sa.select(Achievement)
            .where(
                Achievement.organization_id == org_id,
                Achievement.ip_form.in_(PLEDGEABLE),
            )
            .order_by(Achievement.id)
        )
    )


def create_request(actor, data: dict) -> FinancingRequest:
    """A firm posts a financing request; an IP pledge pledges only its own recorded IP."""
    if not can_request(actor):
        raise PermissionDenied(_("只有企业用户可以提出融资需求。"))
    errors: list[tuple[str | None, str]] = []
    if not data.get("amount_fen") or data["amount_fen"] <= 0:
        errors.append(("amount", _("请填写融资金额。")))
    pledged = sorted(set(data.get("pledged_achievement_ids") or []))
    own = {a.id for a in pledgeable_ip(actor.organization_id)}
    if pledged and not set(pledged) <= own:
        errors.append(
            ("pledged_achievement_ids", _("只能质押本企业在平台登记的知识产权。"))
        )
    checkup_id = data.get("checkup_id")
    if checkup_id is not None:
        checkup = db.session.get(Checkup, checkup_id)
        if checkup is None or not actor.belongs_to(checkup.organization_id):
            errors.append(("checkup_id", _("只能关联本企业的科技体检。")))
    deal_id = data.get("deal_id")
    if deal_id is not None:
        deal = db.session.get(Deal, deal_id)
        if deal is None or not _party_org(deal, actor):
            errors.append(("deal_id", _("只能关联本企业参与的技术交易。")))
    if data["kind"] == FinanceKind.IP_PLEDGE and not pledged:
        errors.append(
            ("pledged_achievement_ids", _("知识产权质押贷款请选择要质押的知识产权。"))
        )
    if errors:
        raise ValidationFailed(errors)
    req = FinancingRequest(
        organization_id=actor.organization_id,
        author_id=actor.id,
        kind=FinanceKind(data["kind"]),
        amount_fen=data["amount_fen"],
        purpose=data["purpose"],
        term_months=data["term_months"],
        collateral=data.get("collateral") or "",
        field=data.get("field") or None,
        pledged_achievement_ids=pledged,
        checkup_id=checkup_id,
        deal_id=deal_id,
    )
    db.session.add(req)
    db.session.flush()
    return req


def _party_org(deal: Deal, actor) -> bool:
    """The actor's organisation is the deal's firm or its supplier."""
    return actor.organization_id is not None and actor.organization_id in (
        deal.firm_org_id,
        deal.supplier_org_id,
    )


def linkable_deals(actor) -> list[Deal]:
    """The deals a firm's request may name: those its organisation is a party to."""
    return my_deals(actor)


def linkable_checkups(actor) -> list[Checkup]:
    """The check-ups a firm's request may name: its own organisation's."""
    if not actor.organization_id:
        return []
    return list(
        db.session.scalars(
            sa.select(Checkup)
            .where(Checkup.organization_id == actor.organization_id)
            .order_by(Checkup.created_at.desc())
        )
    )


def linked_requests(user, *, deal_id: int | None = None, checkup_id: int | None = None):
    """The financing requests naming a deal (or a check-up) that `user` may see."""
    query = sa.select(FinancingRequest).order_by(FinancingRequest.id.desc())
    if deal_id is not None:
        query = query.where(FinancingRequest.deal_id == deal_id)
    elif checkup_id is not None:
        query = query.where(FinancingRequest.checkup_id == checkup_id)
    else:
        return []
    return [r for r in db.session.scalars(query) if r.can_view(user)]


def visible_requests(user):
    """Requests `user` may list: staff all, a firm its own, an institution its scope."""
    query = sa.select(FinancingRequest).order_by(FinancingRequest.id.desc())
    if user.is_staff:
        return list(db.session.scalars(query))
    inst = institution_of(user)
    if inst is not None:
        rows = db.session.scalars(
            query.where(FinancingRequest.kind.in_(inst.kinds or ["-"]))
        )
        return [r for r in rows if inst.covers(r)]
    return list(
        db.session.scalars(
            query.where(
                FinancingRequest.organization_id == (user.organization_id or -1)
            )
        )
    )


def make_offer(req: FinancingRequest, actor, data: dict) -> FinancingOffer:
    inst = institution_of(actor)
    if inst is None or not inst.covers(req):
        raise PermissionDenied(_("该融资需求不在贵机构的业务范围内。"))
    if req.status != RequestStatus.OPEN:
        raise InvalidTransition(_("该融资需求已不再征集报价。"))
    if not data.get("amount_fen") or data["amount_fen"] <= 0:
        raise ValidationFailed([("amount", _("请填写报价金额。"))])
    offer = FinancingOffer(
        request=req, institution_id=inst.id, author_id=actor.id, **data
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def accept_offer(offer: FinancingOffer, actor) -> None:
    """The firm accepts one offer; the others are declined."""
    req = offer.request
    if not actor.belongs_to(req.organization_id):
        raise PermissionDenied(_("只有提出需求的企业可以接受报价。"))
    if req.status != RequestStatus.OPEN or offer.status != OfferStatus.OPEN:
        raise InvalidTransition(_("该报价已不能接受。"))
    for o in req.offers:
        o.status = OfferStatus.ACCEPTED if o.id == offer.id else OfferStatus.DECLINED
    req.status = RequestStatus.ACCEPTED
    db.session.flush()


def record_outcome(req: FinancingRequest, actor, outcome: str) -> None:
    """The firm or a broker records what came of the request (the loan is outside)."""
    if not (actor.is_staff or actor.belongs_to(req.organization_id)):
        raise PermissionDenied(_("您不能记录该融资需求的结果。"))
    if not outcome.strip():
        raise ValidationFailed([("outcome", _("请填写结果。"))])
    req.outcome = outcome.strip()
    req.status = RequestStatus.CLOSED
    db.session.flush()
