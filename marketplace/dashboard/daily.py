"""Activity counted once per Shanghai day, so the dashboard and /stats/ never rescan history.

`flask jobs tick` runs `refresh_daily_stats`: every whole day since the last one it
wrote (up to yesterday) gets one row per metric and key (a field code, a deal origin)
and a `_done` row. A page reads the stored days of its period plus a live count of
the days not stored yet (normally just today, a few rows on an index). Before the
first tick every day is live: the figures are the same, only slower.

A stored day is frozen: a listing published on it and republished later counts on
both days (publications in the period), where the live count sees only its latest.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Mapped, mapped_column

from ..achievements.models import Achievement
from ..core.timeutil import SHANGHAI, today_shanghai
from ..deals.models import Deal
from ..extensions import db
from ..needs.models import Need

DONE = "_done"


class DailyStat(db.Model):
    """One count of one metric on one Shanghai day (key "" where a metric has none)."""

    __tablename__ = "daily_stats"

    day: Mapped[date] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True, default="")
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def _deal_sides(q: sa.Select) -> sa.Select:
    return (
        q.select_from(Deal)
        .outerjoin(Achievement, Achievement.id == Deal.achievement_id)
        .outerjoin(Need, Need.id == Deal.need_id)
    )


def _plain(q: sa.Select) -> sa.Select:
    return q


#: metric → (timestamp column, key column, the joins its SELECT needs).
METRICS = {
    "achievements_published": (Achievement.published_at, Achievement.field, _plain),
    "needs_published": (Need.published_at, Need.field, _plain),
    "deals_started": (Deal.created_at, Deal.origin, _plain),
    "deals_field": (
        Deal.created_at,
        sa.func.coalesce(Achievement.field, Need.field),
        _deal_sides,
    ),
}


def _utc(day: date) -> datetime:
    local = datetime.combine(day, datetime.min.time(), SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _day_of(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).date()


def _live(metric: str, first: date, last: date) -> Counter:
    """Counter[(day, key)] of `metric` on days first..last, counted from the rows.

    One day (today, once the tick runs) is grouped by the database; a longer stretch
    (before the first tick) is bucketed into Shanghai days here.
    """
    at, key, joins = METRICS[metric]
    span = sa.and_(at >= _utc(first), at < _utc(last + timedelta(days=1)))
    if first == last:
        rows = db.session.execute(
            joins(sa.select(key, sa.func.count())).where(span).group_by(key)
        )
        return Counter({(first, k or ""): n for k, n in rows})
    rows = db.session.execute(joins(sa.select(at, key)).where(span))
    return Counter((_day_of(moment), k or "") for moment, k in rows)


def done_through() -> date | None:
    """The last day written by refresh_daily_stats (None before the first run)."""
    return db.session.scalar(
        sa.select(sa.func.max(DailyStat.day)).where(DailyStat.metric == DONE)
    )


def activity(first: date, last: date) -> dict[str, Counter]:
    """Every metric as Counter[(day, key)] over first..last: the stored days in one
    query, the days after them counted live. Kept for the rest of the request (the
    dashboard asks for the same period several times)."""
    cache = g.setdefault("daily_activity", {}) if has_request_context() else {}
    if (first, last) in cache:
        return cache[first, last]
    out: dict[str, Counter] = {metric: Counter() for metric in METRICS}
    done = done_through()
    live_from = first
    if done is not None and done >= first:
        rows = db.session.execute(
            sa.select(
                DailyStat.metric, DailyStat.day, DailyStat.key, DailyStat.value
            ).where(
                DailyStat.metric.in_(list(METRICS)),
                DailyStat.day >= first,
                DailyStat.day <= min(last, done),
            )
        )
        for metric, day, key, value in rows:
            out[metric][day, key] = value
        live_from = done + timedelta(days=1)
    if live_from <= last:
        for metric in METRICS:
            out[metric].update(_live(metric, live_from, last))
    cache[first, last] = out
    return out


def per_day(metric: str, first: date, last: date) -> Counter:
    """Counter[(day, key)] of one metric over first..last."""
    return activity(first, last)[metric]


def by_key(metric: str, first: date, last: date) -> Counter:
    """Counter[key] summed over the days (the key None stands for "")."""
    out: Counter = Counter()
    for (_day, key), n in per_day(metric, first, last).items():
        out[key or None] += n
    return out


def _first_day() -> date | None:
    firsts = [
        db.session.scalar(joins(sa.select(sa.func.min(at))))
        for at, _key, joins in METRICS.values()
    ]
    firsts = [_day_of(f) for f in firsts if f is not None]
    return min(firsts) if firsts else None


def refresh_daily_stats(today: date | None = None) -> int:
    """Write the whole days not written yet, up to yesterday; returns how many. Flushes."""
    last = (today or today_shanghai()) - timedelta(days=1)
    done = done_through()
    first = done + timedelta(days=1) if done is not None else (_first_day() or last)
    if first > last:
        return 0
    db.session.execute(
        sa.delete(DailyStat).where(DailyStat.day >= first, DailyStat.day <= last)
    )
    rows = [
        {"day": day, "metric": metric, "key": key, "value": n}
        for metric in METRICS
        for (day, key), n in _live(metric, first, last).items()
    ]
    days = (last - first).days + 1
    rows += [
        {"day": first + timedelta(days=i), "metric": DONE, "key": "", "value": 1}
        for i in range(days)
    ]
    db.session.execute(sa.insert(DailyStat), rows)
    db.session.flush()
    return days
