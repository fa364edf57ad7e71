"""Cursor pagination: walking the cursors gives exactly the list page's order, with no
duplicates or gaps, for every sort; bad cursors are a 400 problem."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import utcnow


def _walk(client, url: str, headers: dict, limit: int) -> list[int]:
    ids, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in url else "?"
        full = f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(full, headers=headers).get_json()
        ids += [item["id"] for item in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            return ids
        assert pages < 50


def _page_ids(client, url: str, kind: str) -> list[int]:
    html = client.get(url).get_data(as_text=True)
    return [int(i) for i in re.findall(rf'href="/{kind}/(\d+)"', html)]


@pytest.fixture
def achievements(db, create_org, create_achievement):
    uni = create_org(type=OrgType.UNIVERSITY)
    now = utcnow()
    made = []
    # Ties in price and in publication time, and prices missing: the hard cases.
    for n, price in enumerate([500, 300, None, 300, 800, None, 300, 100]):
        a = create_achievement(
            org=uni,
            price_fen=price,
            pricing_mode="negotiable" if price is None else "listing",
        )
        a.published_at = now - timedelta(minutes=n % 3)
        made.append(a)
    db.session.commit()
    return made


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc"])
@pytest.mark.parametrize("limit", [1, 3])
def test_achievement_cursors_follow_the_list_pages_order(
    client, achievements, create_user, auth, sort, limit
):
    headers = auth(create_user(Role.FIRM))
    walked = _walk(client, f"/api/v1/achievements?sort={sort}", headers, limit)
    assert walked == _page_ids(client, f"/achievements/?sort={sort}", "achievements")
    assert sorted(walked) == sorted(a.id for a in achievements)


@pytest.mark.parametrize("sort", ["newest", "budget"])
def test_need_cursors_follow_the_list_pages_order(
    client, db, create_need, create_user, auth, sort
):
    now = utcnow()
    for n, budget in enumerate([None, 300, 300, 900, None, 100]):
        need = create_need(budget_max_fen=budget, budget_min_fen=None)
        need.published_at = now - timedelta(minutes=n % 2)
    db.session.commit()
    headers = auth(create_user(Role.FIRM))
    walked = _walk(client, f"/api/v1/needs?sort={sort}", headers, 2)
    assert len(walked) == 6
    assert walked == _page_ids(client, f"/needs/?sort={sort}", "needs")


def test_filters_are_the_list_pages_filters(client, achievements, create_user, auth):
    headers = auth(create_user(Role.FIRM))
    url = "/api/v1/achievements?price_min=3&price_max=5&sort=price_asc"
    got = [a["id"] for a in client.get(url, headers=headers).get_json()["items"]]
    expected = [a.id for a in achievements if a.price_fen in (300, 500)]
    assert sorted(got) == sorted(expected)
    assert got == _page_ids(
        client, "/achievements/?price_min=3&price_max=5&sort=price_asc", "achievements"
    )


@pytest.mark.parametrize("cursor", ["%%%", "bm9wZQ", "W10", "WyJ4IiwxXQ", "eyJhIjoxfQ"])
def test_bad_cursor_is_a_400_problem(client, db, create_user, auth, cursor):
    response = client.get(
        f"/api/v1/achievements?cursor={cursor}", headers=auth(create_user())
    )
    assert response.status_code == 400
    assert response.get_json()["type"].endswith("/invalid-cursor")


def test_deals_and_organizations_page_by_cursor(
    client, db, create_org, create_user, auth
):
    for _ in range(5):
        create_org()
    headers = auth(create_user(Role.OPERATOR))
    ids = _walk(client, "/api/v1/organizations", headers, 2)
    assert ids == sorted(ids) and len(ids) == len(set(ids)) >= 5
