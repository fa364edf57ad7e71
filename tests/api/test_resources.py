"""The resources through the API: the same services, engines and visibility as the pages."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement, NdaRequest, NdaState
from marketplace.deals.models import DealStage
from marketplace.listings.lifecycle import ListingStatus, NeedStatus
from marketplace.needs.models import Need
from marketplace.search.service import sync_outbox

ACH = {
    "title": "TR90 镜架低温注塑工艺",
    "summary": "降低注塑温度，减少镜架变形。",
    "detail": "机密：模温 60℃。",
    "field": "frame_materials",
    "trl": 6,
    "ip_form": "know_how",
    "inventors": [{"name": "王五", "share_percent": 100}],
    "cooperation_modes": ["licence", "assignment"],
    "pricing_mode": "agreement",
    "price_fen": 5_000_000,
    "keywords": ["TR90", "注塑"],
}


@pytest.fixture
def supplier(db, create_org, create_user):
    return create_user(Role.SUPPLIER, org=create_org(type=OrgType.UNIVERSITY))


def test_supplier_creates_updates_and_submits_an_achievement(
    client, db, supplier, auth
):
    headers = auth(supplier)
    created = client.post("/api/v1/achievements", json=ACH, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    a = db.session.get(Achievement, body["id"])
    assert (
        a.status == ListingStatus.DRAFT
        and a.organization_id == supplier.organization_id
    )
    assert (
        body["detail"] == "机密：模温 60℃。" and body["inventors"][0]["name"] == "王五"
    )
    patched = client.patch(
        f"/api/v1/achievements/{a.id}", json={"trl": 7}, headers=headers
    )
    assert patched.status_code == 200
    db.session.refresh(a)
    assert (
        a.trl == 7 and a.title == ACH["title"] and a.inventors[0].share_percent == 100
    )
    submitted = client.post(f"/api/v1/achievements/{a.id}/submit", headers=headers)
    assert submitted.get_json()["status"] == "in_review"
    db.session.refresh(a)
    assert a.status == ListingStatus.IN_REVIEW and a.submitted_at is not None
    # Now in review: no longer editable, as on the edit page.
    assert (
        client.patch(
            f"/api/v1/achievements/{a.id}", json={"trl": 5}, headers=headers
        ).status_code
        == 403
    )


def test_confidential_detail_only_for_owner_staff_and_accepted_nda(
    client, db, supplier, create_achievement, create_user, auth
):
    a = create_achievement(org=supplier.organization)
    firm, broker = create_user(Role.FIRM), create_user(Role.BROKER)
    url = f"/api/v1/achievements/{a.id}"
    assert client.get(url, headers=auth(firm)).get_json()["detail"] is None
    assert client.get(url, headers=auth(broker)).get_json()["detail"] == a.detail
    assert client.get(url, headers=auth(supplier)).get_json()["detail"] == a.detail
    db.session.add(
        NdaRequest(achievement=a, requester_id=firm.id, state=NdaState.ACCEPTED)
    )
    db.session.commit()
    assert client.get(url, headers=auth(firm)).get_json()["detail"] == a.detail


def test_firm_creates_a_need_and_its_words_stay_private(client, db, create_user, auth):
    firm = create_user(Role.FIRM)
    headers = auth(firm)
    created = client.post(
        "/api/v1/needs",
        json={
            "title": "镜框喷涂掉漆",
            "description": "我们的喷涂两个月就掉。",
            "confidential": True,
            "budget_min_fen": 100,
            "budget_max_fen": 50,
        },
        headers=headers,
    )
    assert created.status_code == 422  # the service's budget rule
    assert [e["field"] for e in created.get_json()["errors"]] == ["budget_max"]
    created = client.post(
        "/api/v1/needs",
        json={
            "title": "镜框喷涂掉漆",
            "description": "我们的喷涂两个月就掉。",
            "confidential": True,
        },
        headers=headers,
    )
    need = db.session.get(Need, created.get_json()["id"])
    assert need.status == NeedStatus.DRAFT and need.confidential
    submitted = client.post(f"/api/v1/needs/{need.id}/submit", headers=headers)
    assert submitted.get_json()["status"] == "submitted"
    broker = create_user(Role.BROKER)
    seen = client.get(f"/api/v1/needs/{need.id}", headers=auth(broker)).get_json()
    assert seen["description"] == "我们的喷涂两个月就掉。"


def test_published_confidential_need_hides_the_firm_and_its_words(
    client, db, create_need, create_user, auth
):
    need = create_need(confidential=True)
    seen = client.get(
        f"/api/v1/needs/{need.id}", headers=auth(create_user(Role.SUPPLIER))
    ).get_json()
    assert seen["organization"] is None and seen["description"] is None
    assert seen["translation"]["approved"] is True


def test_search_and_matches_use_the_sites_engine(
    client, db, supplier, create_achievement, create_need, create_user, auth
):
    a = create_achievement(
        org=supplier.organization,
        title="钛合金镜架激光焊接",
        field="surface_treatment",
        keywords=["PVD", "附着力"],
    )
    create_achievement(
        org=supplier.organization, status=ListingStatus.DRAFT, title="钛合金镜架草稿"
    )
    need = create_need()
    sync_outbox()
    firm = create_user(Role.FIRM)
    found = client.get("/api/v1/search?q=钛合金", headers=auth(firm)).get_json()
    assert [h["id"] for h in found["items"]] == [a.id]
    assert "<mark>" in "".join(found["items"][0]["highlights"].values())
    assert (
        client.get("/api/v1/search?kind=need&q=电镀", headers=auth(firm)).status_code
        == 200
    )
    owner = client.get(
        f"/api/v1/needs/{need.id}/matches", headers=auth(create_user(Role.OPERATOR))
    )
    assert owner.status_code == 200
    assert a.id in [m["listing"]["id"] for m in owner.get_json()["items"]]
    assert (
        client.get(f"/api/v1/needs/{need.id}/matches", headers=auth(firm)).status_code
        == 403
    )


def test_deal_action_needs_the_current_version_and_the_right_party(
    client, db, deal_parties, auth
):
    ns = deal_parties
    url = f"/api/v1/deals/{ns.deal.id}"
    staff = auth(ns.operator)
    deal = client.get(url, headers=staff).get_json()
    assert (
        deal["stage"] == "interest" and "start_matchmaking" in deal["available_actions"]
    )
    firm = client.post(
        f"{url}/actions",
        headers=auth(ns.firm),
        json={"action": "start_matchmaking", "expected_version": deal["version"]},
    )
    assert firm.status_code == 403
    stale = client.post(
        f"{url}/actions",
        headers=staff,
        json={"action": "start_matchmaking", "expected_version": deal["version"] + 5},
    )
    assert stale.status_code == 409 and stale.get_json()["type"].endswith("/stale")
    done = client.post(
        f"{url}/actions",
        headers=staff,
        json={"action": "start_matchmaking", "expected_version": deal["version"]},
    )
    assert done.status_code == 200
    assert done.get_json()["stage"] == "matchmaking"
    db.session.refresh(ns.deal)
    assert ns.deal.stage == DealStage.MATCHMAKING
    assert ns.deal.events[-1].action == "start_matchmaking"
    no_reason = client.post(
        f"{url}/actions",
        headers=auth(ns.firm),
        json={"action": "terminate", "expected_version": ns.deal.version},
    )
    assert no_reason.status_code == 409
    assert (
        client.post(
            f"{url}/actions",
            headers=auth(ns.outsider),
            json={"action": "terminate", "reason": "x", "expected_version": 1},
        ).status_code
        == 404
    )


def test_organizations_show_public_fields_of_verified_ones(
    client, db, create_org, create_user, auth
):
    verified, pending = create_org(), create_org(verified=False)
    headers = auth(create_user(Role.FIRM))
    body = client.get(
        f"/api/v1/organizations/{verified.id}", headers=headers
    ).get_json()
    assert set(body) == {"id", "name", "name_en", "type", "verified"}
    assert (
        client.get(f"/api/v1/organizations/{pending.id}", headers=headers).status_code
        == 404
    )
    member = create_user(Role.FIRM, org=pending)
    assert (
        client.get(
            f"/api/v1/organizations/{pending.id}", headers=auth(member)
        ).status_code
        == 200
    )


@pytest.mark.parametrize("kind", ["achievements", "needs"])
def test_editing_a_listing_the_organisation_may_not_edit_is_one_refusal(
    client, db, auth, create_org, create_user, create_achievement, create_need, kind
):
    """Issue 14: the API answered 403 for achievements and 409 for needs. One rule
    (the listing's can_edit, in its service), one answer: 403, nothing changed."""
    if kind == "achievements":
        org = create_org(type=OrgType.UNIVERSITY)
        owner = create_user(Role.SUPPLIER, org=org)
        listing = create_achievement(org=org, status=ListingStatus.IN_REVIEW)
        other = create_achievement()
    else:
        org = create_org(type=OrgType.FIRM)
        owner = create_user(Role.FIRM, org=org)
        listing = create_need(org=org, status=NeedStatus.SUBMITTED)
        other = create_need()
    title = listing.title
    headers = auth(owner)
    own = client.patch(
        f"/api/v1/{kind}/{listing.id}", json={"title": "新"}, headers=headers
    )
    others = client.patch(
        f"/api/v1/{kind}/{other.id}", json={"title": "新"}, headers=headers
    )
    assert (own.status_code, others.status_code) == (403, 403), own.get_json()
    assert own.content_type == "application/problem+json"
    db.session.refresh(listing)
    assert listing.title == title
