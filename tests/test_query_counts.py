"""Each page's SQL statements are counted at N listings and at 10 N: the count must not
grow with the market (and stays ≤ 10 on the lists and the home page).

Counting statements is deterministic; these tests never look at the clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.api import tokens
from marketplace.core.timeutil import utcnow
from marketplace.pages.querycount import counting

N = 2
LIST_LIMIT = 10


@pytest.fixture
def grow(db, create_org, create_achievement, create_need):
    """Add `n` achievements and `n` needs, each of its own organisation, half of them
    published 40 days ago (days the daily statistics store), half today."""

    def add(n: int) -> None:
        for i in range(n):
            when = utcnow() - timedelta(days=40 if i % 2 else 0)
            a = create_achievement(org=create_org(type=OrgType.UNIVERSITY))
            need = create_need(org=create_org(type=OrgType.FIRM))
            a.published_at = need.published_at = when
        db.session.commit()

    return add


def statements(client, url: str, headers: dict | None = None) -> list[str]:
    client.get(url, headers=headers or {})  # anything done once per process
    with counting() as found:
        resp = client.get(url, headers=headers or {})
    assert resp.status_code == 200, (url, resp.status_code)
    return found


def counts_at_n_and_10n(grow, client, url, headers=None, between=None) -> tuple:
    grow(N)
    if between:
        between()
    small = statements(client, url, headers)
    grow(9 * N)
    if between:
        between()
    large = statements(client, url, headers)
    return len(small), len(large), large


@pytest.mark.parametrize("url", ["/", "/achievements/", "/needs/"])
def test_home_and_lists_cost_the_same_few_queries_at_10x(grow, client, url):
    small, large, found = counts_at_n_and_10n(grow, client, url)
    assert small == large, found
    assert large <= LIST_LIMIT, found


def test_lists_of_a_signed_in_user_cost_the_same_at_10x(
    grow, client, login, create_user
):
    login(create_user(role=Role.FIRM))
    small, large, found = counts_at_n_and_10n(grow, client, "/needs/")
    assert small == large <= LIST_LIMIT, found


def test_api_achievement_list_costs_the_same_at_10x(grow, client, create_user, db):
    _row, secret = tokens.create_token(create_user(), "计数", ["read"], None)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    small, large, found = counts_at_n_and_10n(
        grow, client, "/api/v1/achievements?limit=50", headers
    )
    assert small == large <= LIST_LIMIT, found
    small, large, found = counts_at_n_and_10n(
        grow, client, "/api/v1/needs?limit=50", headers
    )
    assert small == large <= LIST_LIMIT, found


def _tick(client):
    def run():
        result = client.application.test_cli_runner().invoke(args=["jobs", "tick"])
        assert result.exit_code == 0, result.output
        assert "daily_stats=" in result.output

    return run


@pytest.mark.parametrize("tick", [False, True], ids=["live", "after-tick"])
def test_stats_page_costs_the_same_at_10x(grow, client, tick):
    small, large, found = counts_at_n_and_10n(
        grow, client, "/stats/", between=_tick(client) if tick else None
    )
    assert small == large, found


@pytest.mark.parametrize("tick", [False, True], ids=["live", "after-tick"])
def test_dashboard_costs_the_same_at_10x_and_reflects_no_table(
    grow, client, login, create_user, tick
):
    login(create_user(role=Role.OPERATOR))
    small, large, found = counts_at_n_and_10n(
        grow, client, "/dashboard/", between=_tick(client) if tick else None
    )
    assert small == large, found
    # Every module is installed: nothing asks the database which tables exist.
    reflections = [
        s
        for s in found
        if "table_info" in s or "pg_catalog" in s or "information_schema" in s
    ]
    assert reflections == []
