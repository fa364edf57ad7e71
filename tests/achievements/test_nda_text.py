"""The NDA has a text: shown and linked where it is accepted, versioned by the operator,
and every acceptance records the version, the time and the account."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.achievements.models import NdaRequest
from marketplace.legal import texts
from marketplace.legal.models import LegalText, TextKind

SECRET = "机密：脉宽 3 ms"


def test_the_nda_text_is_shown_and_linked_where_it_is_accepted(
    client, login, people, create_achievement
):
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    html = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert "我已阅读并接受保密协议（NDA）条款" in html
    assert "第一条 适用范围" in html  # the text itself, not only a checkbox
    assert 'href="/nda/1"' in html
    assert 'name="nda_version" value="1"' in html


def test_an_acceptance_records_the_version_time_and_account(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    r = client.post(
        f"/achievements/{a.id}/nda", data={"accept_terms": "y", "nda_version": "1"}
    )
    assert r.status_code == 302
    nda = db.session.scalars(sa.select(NdaRequest)).one()
    assert nda.requester_id == people["firm"].id and nda.nda_accepted_at is not None
    assert (nda.nda_version.kind, nda.nda_version.version) == ("nda", 1)
    assert "第一条" in nda.nda_version.body  # the stored default is what was accepted


def test_an_acceptance_of_an_outdated_version_is_refused(
    client, login, people, create_achievement, create_user, db
):
    operator = create_user(Role.OPERATOR)
    texts.publish(TextKind.NDA, operator, "保密协议", "第 2 版正文", "Version 2")
    db.session.commit()
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    r = client.post(
        f"/achievements/{a.id}/nda", data={"accept_terms": "y", "nda_version": "1"}
    )
    assert r.status_code == 422
    assert "协议已更新为第 2 版" in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(NdaRequest.id))) == 0


def test_the_interest_form_shows_the_nda_and_records_its_version(
    client, login, people, create_achievement, db
):
    a = create_achievement(org=people["org"], detail=SECRET)
    login(people["firm"])
    html = client.get(f"/deals/interest/{a.id}").get_data(as_text=True)
    assert 'href="/nda/1"' in html and "第一条 适用范围" in html
    r = client.post(
        f"/deals/interest/{a.id}",
        data={"message": "想评估", "nda": "y", "nda_version": "1"},
    )
    assert r.status_code == 302
    nda = db.session.scalars(sa.select(NdaRequest)).one()
    assert nda.nda_version.version == 1 and nda.requester_id == people["firm"].id


def test_printable_pages_of_each_version(client, create_user, db):
    r = client.get("/nda/")
    assert r.status_code == 200 and "瓯海科技大市场保密协议" in r.text
    assert "Scope." in r.text  # the English text beside the Chinese
    operator = create_user(Role.OPERATOR)
    texts.publish(TextKind.NDA, operator, "保密协议（修订）", "新的正文", "New text")
    db.session.commit()
    assert "新的正文" in client.get("/nda/").text
    old = client.get("/nda/1")
    assert old.status_code == 200 and "第一条 适用范围" in old.text
    assert "新的正文" in client.get("/nda/2").text
    assert client.get("/nda/9").status_code == 404


def test_the_operator_publishes_a_new_version_and_old_ones_stay(
    client, login, create_user, db
):
    operator = create_user(Role.OPERATOR)
    login(operator)
    page = client.get("/admin/legal/nda")
    assert page.status_code == 200 and "第一条 适用范围" in page.text
    r = client.post(
        "/admin/legal/nda",
        data={"title": "保密协议 2027", "body": "第一条 修订后的条款", "body_en": "1."},
    )
    assert r.status_code == 302
    versions = db.session.scalars(
        sa.select(LegalText).where(LegalText.kind == "nda").order_by(LegalText.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert "第一条 适用范围" in versions[0].body  # the default kept as version 1
    assert versions[1].created_by_id == operator.id
    assert texts.current(TextKind.NDA).title == "保密协议 2027"


def test_an_empty_nda_text_is_refused(client, login, create_user, db):
    login(create_user(Role.OPERATOR))
    r = client.post("/admin/legal/nda", data={"title": "保密协议", "body": ""})
    assert r.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(LegalText.id))) == 0


def test_only_the_operator_edits_the_texts(client, login, people):
    login(people["firm"])
    assert client.get("/admin/legal/nda").status_code == 403
    assert client.post("/admin/legal/nda", data={"body": "x"}).status_code == 403
