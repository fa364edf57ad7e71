"""Starting deals: interest in an achievement, answers to needs, no duplicates."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.achievements.models import NdaRequest
from marketplace.deals.models import Deal, DealEvent, DealMessage
from marketplace.notifications.models import Notification


def test_firm_interest_creates_deal_with_broker_event_and_nda_request(
    client, login, parties, db
):
    ns = parties()
    login(ns.firm)
    r = client.post(
        f"/deals/interest/{ns.achievement.id}",
        data={"message": "想了解独占许可的条件。", "nda": "y"},
    )
    assert r.status_code == 302
    deal = db.session.scalars(sa.select(Deal)).one()
    assert (deal.supplier_org_id, deal.firm_org_id) == (
        ns.supplier_org.id,
        ns.firm_org.id,
    )
    assert deal.stage == "interest" and deal.broker_id == ns.broker.id
    assert r.headers["Location"].endswith(f"/deals/{deal.id}")
    assert [e.action for e in deal.events] == ["create"]
    assert db.session.scalar(sa.select(DealMessage.body)) == "想了解独占许可的条件。"
    nda = db.session.scalars(sa.select(NdaRequest)).one()
    assert nda.requester_id == ns.firm.id and nda.achievement_id == ns.achievement.id
    told = {n.user_id for n in db.session.scalars(sa.select(Notification))}
    assert {ns.supplier.id, ns.broker.id} <= told and ns.firm.id not in told


def test_second_interest_shows_the_open_deal_instead_of_a_new_one(
    client, login, parties, db
):
    ns = parties()
    login(ns.firm)
    client.post(f"/deals/interest/{ns.achievement.id}", data={"message": "第一次"})
    r = client.post(f"/deals/interest/{ns.achievement.id}", data={"message": "第二次"})
    assert r.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 1


def test_interest_form_rejects_empty_and_markup(client, login, parties, db):
    ns = parties()
    login(ns.firm)
    assert (
        client.post(
            f"/deals/interest/{ns.achievement.id}", data={"message": ""}
        ).status_code
        == 422
    )
    r = client.post(
        f"/deals/interest/{ns.achievement.id}",
        data={"message": "<script>alert(1)</script>"},
    )
    assert r.status_code == 422 and "纯文本" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0


def test_sql_looking_text_is_stored_verbatim(client, login, parties, db):
    ns = parties()
    login(ns.firm)
    text = "'; DROP TABLE deals; --"
    client.post(f"/deals/interest/{ns.achievement.id}", data={"message": text})
    assert db.session.scalar(sa.select(DealMessage.body)) == text


def test_supplier_cannot_express_interest(client, login, parties, db):
    ns = parties()
    login(ns.supplier)
    r = client.post(f"/deals/interest/{ns.achievement.id}", data={"message": "x"})
    assert r.status_code == 403


def test_unknown_achievement_is_404(client, login, parties):
    ns = parties()
    login(ns.firm)
    assert (
        client.post("/deals/interest/999999", data={"message": "x"}).status_code == 404
    )


def test_supplier_answers_need_naming_its_achievement(
    client, login, parties, create_need, db
):
    ns = parties()
    need = create_need(org=ns.firm_org)
    login(ns.supplier)
    r = client.post(
        f"/deals/answer/{need.id}",
        data={
            "proposal": "我们的激光焊接工艺可以解决。",
            "achievement_id": str(ns.achievement.id),
        },
    )
    assert r.status_code == 302
    deal = db.session.scalars(sa.select(Deal)).one()
    assert deal.need_id == need.id and deal.achievement_id == ns.achievement.id
    assert deal.origin == "answer"
    r = client.post(f"/deals/answer/{need.id}", data={"proposal": "再次响应"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 1


def test_answer_with_someone_elses_achievement_is_refused(
    client, login, parties, create_need, create_achievement, db
):
    ns = parties()
    need = create_need(org=ns.firm_org)
    other = create_achievement()
    login(ns.supplier)
    r = client.post(
        f"/deals/answer/{need.id}",
        data={"proposal": "方案", "achievement_id": str(other.id)},
    )
    assert r.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DealEvent)) == 0


def test_firm_cannot_answer_a_need(client, login, parties, create_need, create_user):
    ns = parties()
    need = create_need()
    login(ns.firm)
    assert (
        client.post(f"/deals/answer/{need.id}", data={"proposal": "x"}).status_code
        == 403
    )
    assert ns.firm.role == Role.FIRM


def test_answer_naming_an_achievement_that_does_not_exist_is_404(
    client, login, parties, create_need, db
):
    ns = parties()
    need = create_need(org=ns.firm_org)
    login(ns.supplier)
    r = client.post(
        f"/deals/answer/{need.id}",
        data={"proposal": "方案", "achievement_id": "999999"},
    )
    assert r.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DealEvent)) == 0
