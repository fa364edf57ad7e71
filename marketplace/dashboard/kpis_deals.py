"""Deal KPIs from the deal history (DealEvent): the funnel, conversion between stages,
the median days a deal spends in each stage, and the brokers' workloads."""

from __future__ import annotations

from collections import defaultdict
from statistics import median
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..deals.models import OPEN_STAGES, Deal, DealEvent, DealStage
from ..evaluation.models import Evaluation
from ..extensions import db
from ..listings.lifecycle import NeedStatus
from ..needs.models import Need, NeedTranslation

if TYPE_CHECKING:
    from .kpis import Period

S = DealStage
#: The pipeline in order; evaluation and public notice are optional steps on the way.
STAGE_ORDER = (
    S.INTEREST,
    S.MATCHMAKING,
    S.EVALUATION,
    S.NEGOTIATION,
    S.PUBLIC_NOTICE,
    S.CONTRACT_SIGNED,
    S.REGISTERED,
    S.PERFORMING,
    S.CLOSED,
)
RANK = {str(s): i for i, s in enumerate(STAGE_ORDER)}
#: The funnel's steps: the stages every completed deal passes through.
FUNNEL_STAGES = (
    S.INTEREST,
    S.MATCHMAKING,
    S.NEGOTIATION,
    S.CONTRACT_SIGNED,
    S.REGISTERED,
    S.PERFORMING,
    S.CLOSED,
)


def _within(column, p: Period):
    return sa.and_(column >= p.lo, column < p.hi)


def funnel(p: Period) -> list[tuple[str, int]]:
    """For the deals started in the period, how many reached each funnel stage.

    A deal "reached" a stage when its history (any DealEvent.to_stage, or its current
    stage) holds that stage or a later one in STAGE_ORDER; so a deal that skipped the
    optional evaluation still counts for negotiation, and a terminated deal counts for
    every stage up to the furthest it got.
    """
    started = sa.select(Deal.id).where(_within(Deal.created_at, p))
    furthest: dict[int, int] = {}
    rows = [
        *db.session.execute(sa.select(Deal.id, Deal.stage).where(Deal.id.in_(started))),
        *db.session.execute(
            sa.select(DealEvent.deal_id, DealEvent.to_stage).where(
                DealEvent.deal_id.in_(started)
            )
        ),
    ]
    for deal_id, stage in rows:
        rank = RANK.get(str(stage), 0)
        furthest[deal_id] = max(furthest.get(deal_id, 0), rank)
    return [
        (str(s), sum(1 for r in furthest.values() if r >= RANK[str(s)]))
        for s in FUNNEL_STAGES
    ]


def conversion(steps: list[tuple[str, int]]) -> list[tuple[str, str, float | None]]:
    """Conversion between consecutive funnel steps: reached(next) / reached(this) × 100,
    one decimal; None when no deal reached this step."""
    out = []
    for (a, n), (b, m) in zip(steps, steps[1:], strict=False):
        out.append((a, b, round(m * 100 / n, 1) if n else None))
    return out


def deals_per_stage(p: Period) -> list[tuple[str, int]]:
    """The deals started in the period by their stage today (all stages, terminated too)."""
    counts = dict(
        db.session.execute(
            sa.select(Deal.stage, sa.func.count())
            .where(_within(Deal.created_at, p))
            .group_by(Deal.stage)
        ).all()
    )
    return [(str(s), counts.get(s, 0)) for s in DealStage]


def stage_stays(p: Period) -> dict[str, list[float]]:
    """Days spent in each stage, for every stay that ENDED within the period.

    A stay starts at the event that moved the deal into the stage (or at the deal's
    creation for its first stage) and ends at the next event that moved it elsewhere;
    events that keep the stage (e.g. accepting a listed price) do not end a stay.
    """
    ended_here = sa.select(DealEvent.deal_id).where(_within(DealEvent.at, p))
    rows = db.session.execute(
        sa.select(
            DealEvent.deal_id,
            DealEvent.at,
            DealEvent.from_stage,
            DealEvent.to_stage,
            Deal.created_at,
        )
        .join(Deal, Deal.id == DealEvent.deal_id)
        .where(DealEvent.deal_id.in_(ended_here))
        .order_by(DealEvent.deal_id, DealEvent.at, DealEvent.id)
    ).all()
    stays: dict[str, list[float]] = defaultdict(list)
    current: dict[int, tuple[str, object]] = {}
    for deal_id, at, from_stage, to_stage, created_at in rows:
        if deal_id not in current:
            if from_stage is None:  # the "create" event: the first stage starts here
                current[deal_id] = (to_stage, at)
                continue
            current[deal_id] = (from_stage, created_at)
        stage, since = current[deal_id]
        if to_stage == stage:
            continue
        if p.lo <= at < p.hi:
            stays[stage].append((at - since).total_seconds() / 86400)
        current[deal_id] = (to_stage, at)
    return stays


def median_days_per_stage(p: Period) -> list[tuple[str, int, float | None]]:
    """(stage, number of stays, median days, one decimal) per pipeline stage."""
    stays = stage_stays(p)
    return [
        (
            str(s),
            len(stays.get(str(s), [])),
            round(median(stays[str(s)]), 1) if stays.get(str(s)) else None,
        )
        for s in STAGE_ORDER
        if s != S.CLOSED
    ]


def broker_workloads(p: Period) -> list[dict]:
    """Per active broker: open deals now, deals assigned in the period, needs being
    translated now, translation versions written and evaluation reports written in
    the period."""
    brokers = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.BROKER, User.active.is_(True))
        .order_by(User.name, User.id)
    ).all()

    def per_broker(column, *where) -> dict[int, int]:
        return dict(
            db.session.execute(
                sa.select(column, sa.func.count())
                .where(column.is_not(None), *where)
                .group_by(column)
            ).all()
        )

    open_deals = per_broker(Deal.broker_id, Deal.stage.in_(OPEN_STAGES))
    assigned = per_broker(Deal.broker_id, _within(Deal.broker_assigned_at, p))
    translating = per_broker(Need.broker_id, Need.status == NeedStatus.TRANSLATING)
    versions = per_broker(
        NeedTranslation.author_id, _within(NeedTranslation.created_at, p)
    )
    reports = per_broker(Evaluation.created_by_id, _within(Evaluation.created_at, p))
    return [
        {
            "broker": b.name,
            "broker_id": b.id,
            "open_deals": open_deals.get(b.id, 0),
            "assigned": assigned.get(b.id, 0),
            "translating": translating.get(b.id, 0),
            "translations": versions.get(b.id, 0),
            "evaluations": reports.get(b.id, 0),
        }
        for b in brokers
    ]
