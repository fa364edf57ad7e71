"""The operator's broker assignment rule, manual reassignment, and declared conflicts.

Rule: round-robin among active brokers covering the deal's field (User.broker_fields),
least recently assigned first; brokers with a declared conflict for either organisation
are never candidates; if nobody covers the field, any broker without a conflict.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Organization, Role, User
from ..core import audit
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..notifications.services import notify
from .models import OPEN_STAGES, BrokerConflict, Deal, DealEvent
from .services import _check_version, deal_link, flush_deal


def conflicted_broker_ids(org_ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(BrokerConflict.broker_id).where(
                BrokerConflict.organization_id.in_(org_ids)
            )
        )
    )


def has_conflict(broker: User, deal: Deal) -> bool:
    return broker.id in conflicted_broker_ids([deal.supplier_org_id, deal.firm_org_id])


def pick_broker(deal: Deal, exclude: set[int] | None = None) -> User | None:
    """The broker the rule picks for `deal` (None when no broker may take it)."""
    blocked = conflicted_broker_ids([deal.supplier_org_id, deal.firm_org_id])
    blocked |= exclude or set()
    brokers = [
        b
        for b in db.session.scalars(
            sa.select(User).where(User.role == Role.BROKER, User.active.is_(True))
        )
        if b.id not in blocked
    ]
    if not brokers:
        return None
    last = dict(
        db.session.execute(
            sa.select(Deal.broker_id, sa.func.max(Deal.broker_assigned_at))
            .where(Deal.broker_id.in_([b.id for b in brokers]))
            .group_by(Deal.broker_id)
        ).all()
    )
    covering = [
        b for b in brokers if deal.field and deal.field in (b.broker_fields or [])
    ]
    pool = covering or brokers
    # Never-assigned brokers first, then the one whose last assignment is oldest.
    return min(
        pool,
        key=lambda b: (
            last.get(b.id) is not None,
            last.get(b.id) or datetime.min,
            b.id,
        ),
    )


def _set_broker(
    deal: Deal, broker: User | None, actor, reason: str, now: datetime
) -> None:
    old = deal.broker_id
    deal.broker_id = broker.id if broker else None
    deal.broker = broker
    deal.broker_assigned_at = now if broker else None
    db.session.add(
        DealEvent(
            deal=deal,
            at=now,
            actor_id=getattr(actor, "id", None),
            action="reassign",
            from_stage=str(deal.stage),
            to_stage=str(deal.stage),
            reason=reason,
        )
    )
    flush_deal()
    audit.record(
        actor,
        "deal.assign_broker",
        deal,
        old_broker=old,
        new_broker=deal.broker_id,
        reason=reason or None,
    )
    if broker is not None:
        notify(
            broker,
            "deal.assigned",
            _l("您被指派为交易“%(t)s”的经纪人", t=deal.title),
            reason,
            deal_link(deal),
            dedupe_key=f"deal:{deal.id}:assigned:{now.isoformat()}",
        )


def assign_broker(deal: Deal, now: datetime | None = None) -> User | None:
    """Apply the rule to a new deal (no event: the creation event covers it)."""
    now = now or utcnow()
    broker = pick_broker(deal)
    deal.broker = broker
    deal.broker_id = broker.id if broker else None
    deal.broker_assigned_at = now if broker else None
    return broker


def reassign(
    deal: Deal,
    actor,
    broker: User | None,
    reason: str,
    expected_version=None,
    now: datetime | None = None,
) -> None:
    """The operator assigns another broker (or re-runs the rule when `broker` is None)."""

    if not (actor and actor.is_operator):
        raise PermissionDenied(_("只有运营方可以重新指派经纪人。"))
    _check_version(deal, expected_version)
    if not (reason or "").strip():
        raise ValidationFailed([("reason", _("请填写原因。"))])
    now = now or utcnow()
    if broker is None:
        broker = pick_broker(deal, exclude={deal.broker_id} if deal.broker_id else None)
    elif broker.role != Role.BROKER or not broker.active:
        raise ValidationFailed([("broker_id", _("请选择一位在岗的技术经纪人。"))])
    elif has_conflict(broker, deal):
        raise ValidationFailed(
            [("broker_id", _("该经纪人已声明与交易一方存在利益冲突，不能指派。"))]
        )
    _set_broker(deal, broker, actor, reason.strip(), now)


def declare_conflict(
    broker: User, org: Organization, reason: str, now: datetime | None = None
) -> BrokerConflict:
    """A broker declares a conflict; their open deals with that org go to another broker."""
    if not broker.is_broker:
        raise PermissionDenied(_("只有技术经纪人可以声明利益冲突。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("请说明利益冲突的情况。"))])
    exists = db.session.scalar(
        sa.select(BrokerConflict).where(
            BrokerConflict.broker_id == broker.id,
            BrokerConflict.organization_id == org.id,
        )
    )
    if exists is not None:
        raise ValidationFailed(
            [("organization_id", _("您已声明过与该机构的利益冲突。"))]
        )
    now = now or utcnow()
    conflict = BrokerConflict(
        broker_id=broker.id, organization_id=org.id, reason=reason, declared_at=now
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        broker,
        "broker.declare_conflict",
        conflict,
        organization_id=org.id,
        reason=reason,
    )
    affected = db.session.scalars(
        sa.select(Deal).where(
            Deal.broker_id == broker.id,
            Deal.stage.in_(OPEN_STAGES),
            sa.or_(Deal.supplier_org_id == org.id, Deal.firm_org_id == org.id),
        )
    )
    for deal in list(affected):
        _set_broker(
            deal, pick_broker(deal), broker, _("原经纪人声明利益冲突，自动改派。"), now
        )
    return conflict
