"""The dashboard's activity KPIs as pure query functions over a period of Shanghai days.

Every function reads, never writes, and takes a Period: whole days in Asia/Shanghai,
start and end inclusive, compared with the UTC timestamps the database stores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, OrgType
from ..core.domain import Field
from ..core.timeutil import SHANGHAI, today_shanghai
from ..deals.models import Deal
from ..evaluation.models import Evaluation
from ..extensions import db
from ..needs.models import Need, NeedTranslation
from . import daily
from .events import MatchView
from .kpis_contracts_payments import contract_signing_times, voucher_firm_ids


@dataclass(frozen=True)
class Period:
    """Days `start`..`end` inclusive, in Asia/Shanghai."""

    start: date
    end: date

    @staticmethod
    def _utc(day: date) -> datetime:
        local = datetime.combine(day, time.min, SHANGHAI)
        return local.astimezone(UTC).replace(tzinfo=None)

    @property
    def lo(self) -> datetime:
        """First UTC instant of the period (naive, as stored)."""
        return self._utc(self.start)

    @property
    def hi(self) -> datetime:
        """First UTC instant after the period (exclusive bound)."""
        return self._utc(self.end + timedelta(days=1))

    def months(self) -> list[str]:
        """The months the period touches, as "YYYY-MM"."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def default_period(today: date | None = None) -> Period:
    """The last twelve months: from the first day of the month eleven months ago."""
    today = today or today_shanghai()
    y, m = today.year, today.month - 11
    if m <= 0:
        y, m = y - 1, m + 12
    return Period(date(y, m, 1), today)


def within(column, p: Period):
    return sa.and_(column >= p.lo, column < p.hi)


def month_of(moment: datetime) -> str:
    """The Shanghai month ("YYYY-MM") of a naive UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m")


def firms_served_ids(p: Period) -> set[int]:
    """Firms served: distinct firm organisations that, within the period, had

    (a) a translation of one of their needs approved (NeedTranslation.approved_at),
    (b) a deal started with them as the firm side (Deal.created_at),
    (c) an evaluation report written on one of their deals (Evaluation.created_at), or
    (d) an innovation voucher redeemed.
    """
    ids: set[int] = set()
    ids |= set(
        db.session.scalars(
            sa.select(Need.organization_id)
            .join(NeedTranslation, NeedTranslation.need_id == Need.id)
            .where(within(NeedTranslation.approved_at, p))
        )
    )
    ids |= set(
        db.session.scalars(
            sa.select(Deal.firm_org_id).where(within(Deal.created_at, p))
        )
    )
    ids |= set(
        db.session.scalars(
            sa.select(Deal.firm_org_id)
            .join(Evaluation, Evaluation.deal_id == Deal.id)
            .where(within(Evaluation.created_at, p))
        )
    )
    ids |= voucher_firm_ids(p)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Organization.id).where(
                Organization.id.in_(ids), Organization.type == OrgType.FIRM
            )
        )
    )


def firms_served(p: Period) -> int:
    """Number of firms served in the period (see firms_served_ids)."""
    return len(firms_served_ids(p))


def coverage_percent(served: int, cluster_firms: int) -> float:
    """Coverage = firms served / firms in the cluster × 100, one decimal (780 by default)."""
    if cluster_firms <= 0:
        return 0.0
    return round(served * 100 / cluster_firms, 1)


def listings_published(p: Period) -> dict[str, int]:
    """Achievements and needs published in the period (daily.py: stored days + live).

    Counted by published_at, whatever their status today (a listing published and
    later withdrawn still counts for the period it was published in).
    """
    out = {
        key: sum(daily.by_key(f"{key}_published", p.start, p.end).values())
        for key in ("achievements", "needs")
    }
    out["total"] = out["achievements"] + out["needs"]
    return out


def needs_translated(p: Period) -> int:
    """Needs with a translation version the firm approved within the period (distinct)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(NeedTranslation.need_id))).where(
                within(NeedTranslation.approved_at, p)
            )
        )
        or 0
    )


def matches_viewed(p: Period) -> int:
    """Match panels shown within the period: every rendering counts (MatchView.count)."""
    return (
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(MatchView.count), 0)).where(
                MatchView.day >= p.start, MatchView.day <= p.end
            )
        )
        or 0
    )


def interests_expressed(p: Period) -> dict[str, int]:
    """Deals started in the period: a firm's interest or a supplier's answer to a need."""
    rows = daily.by_key("deals_started", p.start, p.end)
    out = {"interest": 0, "answer": 0}
    out.update(rows)
    out["total"] = sum(rows.values())
    return out


def _per_month(metrics: tuple[str, ...], p: Period) -> Counter:
    out: Counter = Counter()
    for metric in metrics:
        for (day, _key), n in daily.per_day(metric, p.start, p.end).items():
            out[f"{day:%Y-%m}"] += n
    return out


def monthly_trends(p: Period) -> list[dict]:
    """Per Shanghai month: listings published, needs translated, deals started, contracts
    signed (the same definitions as the period KPIs, bucketed by month)."""
    series = {
        # A need counts once, in the month its first approved translation fell in.
        "needs_translated": [
            row[1]
            for row in db.session.execute(
                sa.select(
                    NeedTranslation.need_id, sa.func.min(NeedTranslation.approved_at)
                )
                .where(within(NeedTranslation.approved_at, p))
                .group_by(NeedTranslation.need_id)
            )
        ],
        "contracts_signed": contract_signing_times(p),
    }
    counts = {key: Counter(month_of(t) for t in times) for key, times in series.items()}
    counts["listings_published"] = _per_month(
        ("achievements_published", "needs_published"), p
    )
    counts["interests_expressed"] = _per_month(("deals_started",), p)
    keys = (
        "listings_published",
        "needs_translated",
        "interests_expressed",
        "contracts_signed",
    )
    return [
        {"month": month, **{key: counts[key][month] for key in keys}}
        for month in p.months()
    ]


def fields_of_activity(p: Period) -> list[dict]:
    """Per technical field: achievements and needs published and deals started in the
    period (a deal's field is its achievement's, else its need's)."""
    pub = {
        key: daily.by_key(f"{key}_published", p.start, p.end)
        for key in ("achievements", "needs")
    }
    deals = daily.by_key("deals_field", p.start, p.end)
    rows = []
    for code in [*(f.value for f in Field), None]:
        row = {
            "field": code,
            "achievements": pub["achievements"].get(code, 0),
            "needs": pub["needs"].get(code, 0),
            "deals": deals.get(code, 0),
        }
        if code is not None or any(row[k] for k in ("achievements", "needs", "deals")):
            rows.append(row)
    return rows
