"""The broker's queue and the operator's view: deals with age, next step and due dates.

Due dates: interest → a reply within DEAL_RESPONSE_DAYS (3); matchmaking, evaluation,
negotiation → DEAL_STAGE_DAYS (30) in the stage, or the auction's close; public notice →
its end. A signed contract has no due date: the parties apply for registration as soon
as they can and the law sets them no deadline (contracts/registration.py reminds them).
Everything is computed from stored times, so it is right without the tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.lifecycle import NeedStatus
from ..needs.models import Need
from ..needs.queries import age_text as age_since
from .models import OPEN_STAGES, Deal, DealStage
from .pipeline import NEXT_STEP


class DueKind(LabelledEnum):
    """Which deadline a deal in the queue waits on."""

    #: the supplier's reply to an expression of interest
    REPLY = "reply", _l("回复期限")
    #: the broker's time for the stage
    STAGE = "stage", _l("阶段期限")
    AUCTION = "auction", _l("拍卖截止")
    NOTICE = "notice", _l("公示截止")


SORTS = ("due", "age", "newest")


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(current_app.config.get(name, default)))


def due_of(deal: Deal) -> tuple[DueKind, datetime] | None:
    """(kind, moment) of the deal's next deadline, or None."""
    stage = deal.stage
    if stage == DealStage.INTEREST:
        return DueKind.REPLY, deal.stage_entered_at + _days("DEAL_RESPONSE_DAYS", 3)
    if stage == DealStage.NEGOTIATION and deal.auction and deal.auction.outcome is None:
        return DueKind.AUCTION, deal.auction.ends_at
    if stage in (DealStage.MATCHMAKING, DealStage.EVALUATION, DealStage.NEGOTIATION):
        return DueKind.STAGE, deal.stage_entered_at + _days("DEAL_STAGE_DAYS", 30)
    if stage == DealStage.PUBLIC_NOTICE and deal.notice is not None:
        return DueKind.NOTICE, deal.notice.ends_at
    return None


@dataclass
class QueueRow:
    deal: Deal
    age: timedelta
    next_step: object
    due_kind: str | None
    due_at: datetime | None
    overdue: bool

    @property
    def due_label(self):
        return DueKind(self.due_kind).label if self.due_kind else ""


def queue_rows(
    actor,
    stage: str | None = None,
    overdue_only: bool = False,
    sort: str = "due",
    broker_id: int | None = None,
    now: datetime | None = None,
) -> list[QueueRow]:
    """Open deals of the broker (operator or None: all, or one broker's); filtered."""
    now = now or utcnow()
    query = sa.select(Deal).where(Deal.stage.in_(OPEN_STAGES))
    if actor is None or actor.is_operator:
        if broker_id:
            query = query.where(Deal.broker_id == broker_id)
    else:
        query = query.where(Deal.broker_id == actor.id)
    if stage in {str(s) for s in OPEN_STAGES}:
        query = query.where(Deal.stage == stage)
    rows = []
    for deal in db.session.scalars(query):
        due = due_of(deal)
        rows.append(
            QueueRow(
                deal,
                now - deal.stage_entered_at,
                NEXT_STEP.get(deal.stage, ""),
                due[0] if due else None,
                due[1] if due else None,
                bool(due and due[1] < now),
            )
        )
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    if sort == "age":
        rows.sort(key=lambda r: (-r.age.total_seconds(), r.deal.id))
    elif sort == "newest":
        rows.sort(key=lambda r: -r.deal.id)
    else:
        rows.sort(key=lambda r: (r.due_at is None, r.due_at or now, r.deal.id))
    return rows


def stage_counts(actor, broker_id: int | None = None) -> dict[str, int]:
    query = sa.select(Deal.stage, sa.func.count()).where(Deal.stage.in_(OPEN_STAGES))
    if not actor.is_operator:
        query = query.where(Deal.broker_id == actor.id)
    elif broker_id:
        query = query.where(Deal.broker_id == broker_id)
    counts = {str(s): 0 for s in OPEN_STAGES}
    counts.update(
        {str(s): n for s, n in db.session.execute(query.group_by(Deal.stage))}
    )
    return counts


def workload() -> list[tuple[User, int]]:
    """Open deals per active broker (the operator's table), busiest first."""
    counts = dict(
        db.session.execute(
            sa.select(Deal.broker_id, sa.func.count())
            .where(Deal.stage.in_(OPEN_STAGES))
            .group_by(Deal.broker_id)
        ).all()
    )
    brokers = db.session.scalars(
        sa.select(User).where(User.role == Role.BROKER).order_by(User.name, User.id)
    ).all()
    table = [(b, counts.get(b.id, 0)) for b in brokers]
    table.sort(key=lambda row: -row[1])
    if counts.get(None):
        table.append((None, counts[None]))
    return table


def untranslated_needs(actor) -> list[Need]:
    """Needs waiting for a broker: unclaimed ones, and those this broker is translating."""
    query = sa.select(Need).where(
        Need.status.in_([NeedStatus.SUBMITTED, NeedStatus.TRANSLATING])
    )
    if not actor.is_operator:
        query = query.where(
            sa.or_(Need.status == NeedStatus.SUBMITTED, Need.broker_id == actor.id)
        )
    return list(db.session.scalars(query.order_by(Need.submitted_at, Need.id)))


def my_deals(user) -> list[Deal]:
    """Deals of the user's organisation, on either side, newest first."""
    if not user.organization_id:
        return []
    return list(
        db.session.scalars(
            sa.select(Deal)
            .where(
                sa.or_(
                    Deal.supplier_org_id == user.organization_id,
                    Deal.firm_org_id == user.organization_id,
                )
            )
            .order_by(Deal.id.desc())
        )
    )


def age_text(delta: timedelta) -> str:
    now = utcnow()
    return age_since(now - delta, now)
