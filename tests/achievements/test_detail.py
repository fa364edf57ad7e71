"""Who sees an achievement and its confidential detail; NDA requests and decisions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.achievements.models import NdaRequest, NdaState
from marketplace.core.audit import AuditEntry
from marketplace.listings.lifecycle import ListingStatus

SECRET = "机密：脉宽 3 ms"
VIEWERS = ["anonymous", "firm", "other_supplier", "owner", "broker", "operator"]
#: status → the viewers who get 200 (everyone else 404).
VISIBLE = {
    ListingStatus.PUBLISHED: set(VIEWERS),
    ListingStatus.DRAFT: {"owner", "broker", "operator"},
    ListingStatus.IN_REVIEW: {"owner", "broker", "operator"},
    ListingStatus.RETURNED: {"owner", "broker", "operator"},
    ListingStatus.WITHDRAWN: {"owner", "broker", "operator"},
    ListingStatus.EXPIRED: {"owner", "broker", "operator"},
}


@pytest.mark.parametrize("status", list(VISIBLE))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_detail_visibility_by_status_and_viewer(
    client, login, people, create_achievement, status, viewer
):
    a = create_achievement(org=people["org"], status=status)
    if viewer != "anonymous":
        login(people[viewer])
    response = client.get(f"/achievements/{a.id}")
    expected = 200 if viewer in VISIBLE[status] else 404
    assert response.status_code == expected
    if expected == 404:
        assert a.title not in response.get_data(as_text=True)


def test_published_detail_shows_public_fields(client, people, create_achievement):
    a = create_achievement(
        org=people["org"],
        keywords=["钛合金", "激光焊接"],
        patent_number="CN202110123456.7",
        patent_status="granted",
        patent_filing_date=__import__("datetime").date(2021, 3, 15),
        indicators=[
            {
                "name": "抗拉强度",
                "value": "≥450",
                "unit": "MPa",
                "test_method": "GB/T 228.1",
            }
        ],
        application_scenarios="镜架铰链焊接",
        price_fen=30_000_000,
    )
    html = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    for text in (
        "钛合金",
        "TRL 6",
        "发明专利",
        "CN202110123456.7",
        "已授权",
        "2041-03-15",
        "张三（100%）",
        "许可",
        "挂牌交易",
        "¥300,000",
        "抗拉强度",
        "GB/T 228.1",
        "镜架铰链焊接",
        people["org"].name,
    ):
        assert text in html, text


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", False),
        ("firm", False),
        ("other_supplier", False),
        ("owner", True),
        ("colleague", True),
        ("broker", True),
        ("operator", True),
    ],
)
def test_confidential_detail_only_for_owner_and_staff(
    client, login, people, create_achievement, viewer, sees
):
    a = create_achievement(org=people["org"], detail=SECRET)
    if viewer != "anonymous":
        login(people[viewer])
    html = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert (SECRET in html) is sees
    assert ('data-confidential="hidden"' in html) is not sees


def test_nda_form_needs_the_terms_ticked(client, login, people, create_achievement, db):
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    response = client.post(f"/achievements/{a.id}/nda", data={"message": "想评估"})
    assert response.status_code == 422
    assert "请先勾选接受保密协议条款" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NdaRequest)) == 0


def test_nda_accepted_requester_then_sees_detail(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    response = client.post(
        f"/achievements/{a.id}/nda",
        data={"accept_terms": "y", "message": "用于产线评估"},
    )
    assert response.status_code == 302
    nda = db.session.scalars(sa.select(NdaRequest)).one()
    assert nda.requester_id == people["firm"].id and nda.state == NdaState.PENDING
    assert nda.nda_accepted_at is not None
    # Pending: still hidden, and a second request is refused.
    assert SECRET not in client.get(f"/achievements/{a.id}").get_data(as_text=True)
    again = client.post(f"/achievements/{a.id}/nda", data={"accept_terms": "y"})
    assert again.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NdaRequest)) == 1

    client.post("/account/logout")
    login(people["colleague"])
    owner_page = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert "用于产线评估" in owner_page
    decided = client.post(
        f"/achievements/nda/{nda.id}/decide", data={"decision": "accept"}
    )
    assert decided.status_code == 302
    db.session.expire_all()
    assert (
        nda.state == NdaState.ACCEPTED and nda.decided_by_id == people["colleague"].id
    )
    assert db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.action == "achievement.nda_accept"
        )
    ).one()

    client.post("/account/logout")
    login(people["firm"])
    assert SECRET in client.get(f"/achievements/{a.id}").get_data(as_text=True)
    # Another firm member without a request still does not see it.
    client.post("/account/logout")
    login(people["other_supplier"])
    assert SECRET not in client.get(f"/achievements/{a.id}").get_data(as_text=True)


def test_declined_requester_does_not_see_detail(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], detail=SECRET)
    nda = NdaRequest(achievement=a, requester_id=people["firm"].id)
    db.session.add(nda)
    db.session.commit()
    login(people["owner"])
    assert (
        client.post(
            f"/achievements/nda/{nda.id}/decide", data={"decision": "decline"}
        ).status_code
        == 302
    )
    # A decided request cannot be decided again.
    assert (
        client.post(
            f"/achievements/nda/{nda.id}/decide", data={"decision": "accept"}
        ).status_code
        == 409
    )
    client.post("/account/logout")
    login(people["firm"])
    html = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert SECRET not in html
    db.session.expire_all()
    assert nda.state == NdaState.DECLINED


@pytest.mark.parametrize("viewer", ["firm", "other_supplier", "broker", "operator"])
def test_only_owner_org_decides_nda(
    client, login, people, create_achievement, db, viewer
):
    a = create_achievement(org=people["org"], detail=SECRET)
    nda = NdaRequest(achievement=a, requester_id=people["firm"].id)
    db.session.add(nda)
    db.session.commit()
    login(people[viewer])
    response = client.post(
        f"/achievements/nda/{nda.id}/decide", data={"decision": "accept"}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert nda.state == NdaState.PENDING


def test_nda_decision_needs_a_valid_choice(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"])
    nda = NdaRequest(achievement=a, requester_id=people["firm"].id)
    db.session.add(nda)
    db.session.commit()
    login(people["owner"])
    assert (
        client.post(
            f"/achievements/nda/{nda.id}/decide", data={"decision": "maybe"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/achievements/nda/999999/decide", data={"decision": "accept"}
        ).status_code
        == 404
    )


def test_anonymous_cannot_request_nda(client, people, create_achievement, db):
    a = create_achievement(org=people["org"])
    response = client.post(f"/achievements/{a.id}/nda", data={"accept_terms": "y"})
    assert response.status_code == 302 and "/account/login" in response.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NdaRequest)) == 0


def test_nda_request_on_private_achievement_is_404(
    client, login, people, create_achievement
):
    a = create_achievement(org=people["org"], status=ListingStatus.DRAFT)
    login(people["firm"])
    assert (
        client.post(f"/achievements/{a.id}/nda", data={"accept_terms": "y"}).status_code
        == 404
    )


def test_malformed_ids_are_404(client):
    assert client.get("/achievements/abc").status_code == 404
    assert client.get("/achievements/99999").status_code == 404
