"""The notice board publishes the objection procedure (who handles, how, within how
many days), an operator setting; each notice links to it."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.deals import services
from marketplace.deals.models import DealStage
from marketplace.legal.models import LegalText


def _noticed(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(ns.deal, ns.broker, 1_000_000, {"transfer_mode": "licence"})
    db.session.commit()
    return ns


def test_the_board_and_each_notice_link_to_the_procedure(client, make_deal, db):
    ns = _noticed(make_deal, db)
    for path in ("/notices/", f"/notices/{ns.deal.notice.id}"):
        html = client.get(path).text
        assert 'href="/notices/objection-procedure"' in html, path
        assert "10 日内" in html and "瓯海科技大市场运营方" in html, path
    page = client.get("/notices/objection-procedure")
    assert page.status_code == 200
    assert "受理和处理异议的机构" in page.text and "异议成立的，公示不通过" in page.text


def test_the_operator_sets_the_procedure(client, login, make_deal, db):
    ns = _noticed(make_deal, db)
    login(ns.operator)
    form = client.get("/admin/legal/objection_procedure")
    assert form.status_code == 200 and 'value="10"' in form.text
    r = client.post(
        "/admin/legal/objection_procedure",
        data={
            "title": "异议处理程序",
            "handler": "温州医科大学技术转移中心",
            "days": "7",
            "body": "书面实名提出，七日内答复。",
        },
    )
    assert r.status_code == 302
    html = client.get(f"/notices/{ns.deal.notice.id}").text
    assert "温州医科大学技术转移中心" in html and "7 日内" in html
    text = db.session.scalars(
        sa.select(LegalText).where(LegalText.kind == "objection_procedure")
    ).all()[-1]
    assert text.facts == {
        "handler": "温州医科大学技术转移中心",
        "handler_en": "",
        "days": 7,
    }


def test_a_bad_procedure_is_refused_and_nothing_saved(client, login, make_deal, db):
    ns = _noticed(make_deal, db)
    login(ns.operator)
    for days in ("0", "abc", ""):
        r = client.post(
            "/admin/legal/objection_procedure",
            data={"title": "t", "handler": "h", "days": days, "body": "b"},
        )
        assert r.status_code == 422, days
    assert db.session.scalar(sa.select(sa.func.count(LegalText.id))) == 0
    assert client.get("/admin/legal/unknown").status_code == 404
