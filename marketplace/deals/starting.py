"""Starting a deal: a firm's interest in an achievement, a supplier's answer to a need."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..achievements.models import Achievement, NdaRequest, NdaState
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..legal.models import TextKind
from ..legal.texts import accepted_version
from ..needs.models import Need
from .assignment import assign_broker
from .models import OPEN_STAGES, Deal, DealEvent, DealMessage, MessageKind
from .services import tell_parties

MESSAGE_MAX = 2000


def _lock(model, object_id: int) -> None:
    """Serialise deal starts on one listing (a row lock on PostgreSQL), so two
    simultaneous clicks cannot both find no open deal and create two."""
    db.session.execute(
        sa.select(model.id).where(model.id == object_id).with_for_update()
    )


def open_deal_for(
    supplier_org_id: int,
    firm_org_id: int,
    achievement_id: int | None,
    need_id: int | None,
) -> Deal | None:
    """The open deal between these two organisations about this listing, if any."""
    query = sa.select(Deal).where(
        Deal.supplier_org_id == supplier_org_id,
        Deal.firm_org_id == firm_org_id,
        Deal.stage.in_(OPEN_STAGES),
    )
    if need_id is not None:
        query = query.where(Deal.need_id == need_id)
    else:
        query = query.where(
            Deal.achievement_id == achievement_id, Deal.need_id.is_(None)
        )
    return db.session.scalars(query.order_by(Deal.id)).first()


def _check_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed([(field, _("请填写内容。"))])
    if len(text) > MESSAGE_MAX:
        raise ValidationFailed([(field, _("内容不能超过 %(n)d 字。", n=MESSAGE_MAX))])
    return text


def _create(
    actor,
    origin: str,
    supplier_org_id: int,
    firm_org_id: int,
    achievement: Achievement | None,
    need: Need | None,
    text: str,
    now: datetime,
) -> Deal:
    pricing = (
        achievement.pricing_mode
        if achievement and achievement.pricing_mode
        else "agreement"
    )
    deal = Deal(
        origin=origin,
        supplier_org_id=supplier_org_id,
        firm_org_id=firm_org_id,
        achievement=achievement,
        need=need,
        pricing_mode=pricing,
        stage_entered_at=now,
        created_at=now,
    )
    db.session.add(deal)
    db.session.flush()
    assign_broker(deal, now)
    db.session.add(
        DealEvent(
            deal=deal,
            at=now,
            actor_id=actor.id,
            action="create",
            from_stage=None,
            to_stage=str(deal.stage),
            reason="",
        )
    )
    db.session.add(
        DealMessage(
            deal=deal,
            author_id=actor.id,
            kind=MessageKind.MESSAGE,
            body=text,
            created_at=now,
        )
    )
    db.session.flush()
    tell_parties(
        deal,
        actor,
        "deal.new",
        _l("新的交易意向：%(t)s", t=deal.title),
        text,
        f"deal:{deal.id}:new",
    )
    return deal


def start_from_award(
    actor,
    supplier_org_id: int,
    firm_org_id: int,
    need: Need,
    text: str,
    now: datetime | None = None,
) -> Deal:
    """A call's winning proposal as a deal (origin "challenge"): the sponsor is the firm,
    the solver the supplier, about the call's need; the open deal between them about
    that need if there is one."""
    _lock(Need, need.id)
    existing = open_deal_for(supplier_org_id, firm_org_id, None, need.id)
    if existing is not None:
        return existing
    return _create(
        actor,
        "challenge",
        supplier_org_id,
        firm_org_id,
        None,
        need,
        _check_text(text[:MESSAGE_MAX], "message"),
        now or utcnow(),
    )


def express_interest(
    achievement: Achievement,
    actor,
    message: str,
    nda: bool = False,
    now: datetime | None = None,
    nda_version: int | None = None,
) -> tuple[Deal, bool]:
    """A firm member's interest in a published achievement; returns (deal, created).

    An open deal between the same organisations about it is returned instead of a new one.
    """
    if not (
        actor
        and actor.is_authenticated
        and actor.role == "firm"
        and actor.organization is not None
    ):
        raise PermissionDenied(_("只有企业用户可以表达合作意向。"))
    if not achievement.is_public:
        raise PermissionDenied(_("该成果未发布。"))
    text = _check_text(message, "message")
    now = now or utcnow()
    if nda and not achievement.can_view_detail(actor):
        pending = db.session.scalar(
            sa.select(NdaRequest.id).where(
                NdaRequest.achievement_id == achievement.id,
                NdaRequest.requester_id == actor.id,
                NdaRequest.state == NdaState.PENDING,
            )
        )
        if pending is None:
            # Ticking the box accepts the NDA version the page showed.
            terms = accepted_version(TextKind.NDA, nda_version, field="nda")
            db.session.add(
                NdaRequest(
                    achievement=achievement,
                    requester_id=actor.id,
                    message=text,
                    nda_accepted_at=now,
                    nda_version_id=terms.id,
                    created_at=now,
                )
            )
    _lock(Achievement, achievement.id)
    existing = open_deal_for(
        achievement.organization_id, actor.organization_id, achievement.id, None
    )
    if existing is not None:
        db.session.flush()
        return existing, False
    return _create(
        actor,
        "interest",
        achievement.organization_id,
        actor.organization_id,
        achievement,
        None,
        text,
        now,
    ), True


def answer_need(
    need: Need,
    actor,
    proposal: str,
    achievement: Achievement | None = None,
    now: datetime | None = None,
) -> tuple[Deal, bool]:
    """A supplier member answers a published need, optionally naming its achievement."""
    org = getattr(actor, "organization", None)
    if not (actor and actor.is_authenticated and actor.role == "supplier" and org):
        raise PermissionDenied(_("只有高校院所等成果方用户可以响应需求。"))
    if not need.is_public:
        raise PermissionDenied(_("该需求未发布。"))
    if achievement is not None and not (
        achievement.organization_id == org.id and achievement.is_public
    ):
        raise ValidationFailed([("achievement_id", _("请选择本机构已发布的成果。"))])
    text = _check_text(proposal, "proposal")
    _lock(Need, need.id)
    existing = open_deal_for(org.id, need.organization_id, None, need.id)
    if existing is not None:
        return existing, False
    return _create(
        actor,
        "answer",
        org.id,
        need.organization_id,
        achievement,
        need,
        text,
        now or utcnow(),
    ), True
