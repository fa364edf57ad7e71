"""The API answers as the pages do: for each resource × role, the API's status matches
the page's (404 for what the user may not know exists, 403 for what they may see but
not change, success otherwise)."""

from __future__ import annotations

import types

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.listings.lifecycle import ListingStatus, NeedStatus

ROLES = ("owner", "other_supplier", "other_firm", "broker", "operator")

NEED_BODY = {"title": "镜腿铰链松动", "description": "用久了铰链松。"}
ACH_BODY = {
    "title": "TR90 注塑工艺",
    "summary": "一种 TR90 镜架注塑工艺。",
    "field": "frame_materials",
    "trl": 5,
    "ip_form": "know_how",
    "inventors": [{"name": "李四", "share_percent": 100}],
    "cooperation_modes": ["licence"],
    "pricing_mode": "agreement",
    "price_fen": 1_000_000,
}


@pytest.fixture
def world(db, create_org, create_user, create_achievement, create_need):
    uni, firm = create_org(type=OrgType.UNIVERSITY), create_org(type=OrgType.FIRM)
    w = types.SimpleNamespace(
        supplier=create_user(Role.SUPPLIER, org=uni),
        firm=create_user(Role.FIRM, org=firm),
        other_supplier=create_user(Role.SUPPLIER),
        other_firm=create_user(Role.FIRM),
        broker=create_user(Role.BROKER),
        operator=create_user(Role.OPERATOR),
    )
    # Valid as the edit page requires (no patent fields for know-how).
    w.draft_ach = create_achievement(
        org=uni, status=ListingStatus.DRAFT, ip_form="know_how"
    )
    w.published_ach = create_achievement(org=uni)
    w.draft_need = create_need(org=firm, status=NeedStatus.DRAFT)
    w.published_need = create_need(org=firm)
    return w


def _user(w, role: str, owner_kind: str):
    if role == "owner":
        return w.supplier if owner_kind == "achievement" else w.firm
    return getattr(w, role)


#: name → (owner kind, page request, API request); requests are (method, url, body).
CASES = {
    "read draft achievement": (
        "achievement",
        lambda w: ("GET", f"/achievements/{w.draft_ach.id}", None),
        lambda w: ("GET", f"/api/v1/achievements/{w.draft_ach.id}", None),
    ),
    "read published achievement": (
        "achievement",
        lambda w: ("GET", f"/achievements/{w.published_ach.id}", None),
        lambda w: ("GET", f"/api/v1/achievements/{w.published_ach.id}", None),
    ),
    "edit draft achievement": (
        "achievement",
        lambda w: ("GET", f"/achievements/{w.draft_ach.id}/edit", None),
        lambda w: (
            "PATCH",
            f"/api/v1/achievements/{w.draft_ach.id}",
            {"title": "新名称"},
        ),
    ),
    "edit published achievement": (
        "achievement",
        lambda w: ("GET", f"/achievements/{w.published_ach.id}/edit", None),
        lambda w: (
            "PATCH",
            f"/api/v1/achievements/{w.published_ach.id}",
            {"title": "新"},
        ),
    ),
    "submit draft achievement": (
        "achievement",
        lambda w: (
            "POST",
            f"/achievements/{w.draft_ach.id}/action",
            {"action": "submit"},
        ),
        lambda w: ("POST", f"/api/v1/achievements/{w.draft_ach.id}/submit", None),
    ),
    "create achievement": (
        "achievement",
        lambda w: ("GET", "/achievements/new", None),
        lambda w: ("POST", "/api/v1/achievements", ACH_BODY),
    ),
    "read draft need": (
        "need",
        lambda w: ("GET", f"/needs/{w.draft_need.id}", None),
        lambda w: ("GET", f"/api/v1/needs/{w.draft_need.id}", None),
    ),
    "read published need": (
        "need",
        lambda w: ("GET", f"/needs/{w.published_need.id}", None),
        lambda w: ("GET", f"/api/v1/needs/{w.published_need.id}", None),
    ),
    "edit draft need": (
        "need",
        lambda w: ("GET", f"/needs/{w.draft_need.id}/edit", None),
        lambda w: ("PATCH", f"/api/v1/needs/{w.draft_need.id}", {"title": "新标题"}),
    ),
    "create need": (
        "need",
        lambda w: ("GET", "/needs/new", None),
        lambda w: ("POST", "/api/v1/needs", NEED_BODY),
    ),
}


def _outcome(status: int) -> str:
    return "ok" if status < 400 else str(status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_api_status_matches_the_page(app, world, auth, login, case, role):
    owner_kind, page_req, api_req = CASES[case]
    user = _user(world, role, owner_kind)
    method, url, data = page_req(world)
    page_client = app.test_client()
    login(user, c=page_client)
    page = page_client.open(url, method=method, data=data)
    # A fresh world state for the API: the page request may have changed it.
    method, url, body = api_req(world)
    api = app.test_client().open(url, method=method, json=body, headers=auth(user))
    if case == "submit draft achievement" and role == "owner":
        # The page submitted it already; the API's second submit is a conflict.
        assert (page.status_code, api.status_code) == (302, 409)
        return
    assert _outcome(api.status_code) == _outcome(page.status_code), (
        page.status_code,
        api.status_code,
    )


@pytest.mark.parametrize("who", ["firm", "supplier", "broker", "operator", "outsider"])
def test_deal_is_visible_to_its_parties_only_on_both(
    app, deal_parties, auth, login, who
):
    ns = deal_parties
    user = getattr(ns, who)
    page_client = app.test_client()
    login(user, c=page_client)
    page = page_client.get(f"/deals/{ns.deal.id}")
    api = app.test_client().get(f"/api/v1/deals/{ns.deal.id}", headers=auth(user))
    assert _outcome(api.status_code) == _outcome(page.status_code)
    listed = app.test_client().get("/api/v1/deals", headers=auth(user)).get_json()
    assert (ns.deal.id in [d["id"] for d in listed["items"]]) == (
        page.status_code == 200
    )
