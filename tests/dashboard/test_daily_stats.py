"""Daily statistics: the days `flask jobs tick` stores give the figures the rows give,
the refresh writes each day once, and today stays live."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.core.timeutil import today_shanghai
from marketplace.dashboard import daily, kpis
from marketplace.dashboard.daily import DailyStat, refresh_daily_stats
from marketplace.dashboard.kpis import Period

from .conftest import MARCH

YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))


def figures() -> list:
    return [
        (
            kpis.listings_published(p),
            kpis.interests_expressed(p),
            kpis.fields_of_activity(p),
            kpis.monthly_trends(p),
        )
        for p in (MARCH, YEAR_2024, Period(date(2024, 2, 29), date(2024, 3, 1)))
    ]


def test_stored_days_give_the_figures_the_rows_give(db, kpi_world):
    live = figures()
    assert live[0][0] == {"achievements": 1, "needs": 2, "total": 3}
    assert refresh_daily_stats() > 0
    db.session.commit()
    assert daily.done_through() == today_shanghai() - timedelta(days=1)
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(DailyStat)
        .where(DailyStat.metric == "achievements_published")
    )
    assert figures() == live


def test_each_day_is_written_once(db, kpi_world):
    today = today_shanghai()
    assert refresh_daily_stats(today) > 0
    assert refresh_daily_stats(today) == 0
    assert refresh_daily_stats(today + timedelta(days=1)) == 1
    assert daily.done_through() == today


def test_today_is_counted_live_after_a_refresh(db, kpi_world, create_achievement):
    refresh_daily_stats()
    db.session.commit()
    this_month = Period(today_shanghai().replace(day=1), today_shanghai())
    before = kpis.listings_published(this_month)["achievements"]
    create_achievement()
    assert kpis.listings_published(this_month)["achievements"] == before + 1


def test_an_empty_market_marks_yesterday_done(db):
    assert refresh_daily_stats() == 1
    assert daily.done_through() == today_shanghai() - timedelta(days=1)
    assert kpis.listings_published(MARCH)["total"] == 0
