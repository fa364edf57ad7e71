"""Contract pages: who sees and signs what, the diff's escaping, print view and PDF."""

from __future__ import annotations

import pytest

from marketplace.contracts import services
from marketplace.contracts.models import Contract
from marketplace.deals.models import DealStage

from .conftest import contract_form


@pytest.fixture
def contract(app, db, deal, people, body):
    with app.test_request_context():
        c = services.draft_contract(deal, people["broker"], body())
        db.session.commit()
    return c


def test_broker_drafts_from_the_form_and_the_firm_edits_to_version_two(
    db, deal, people, client_for
):
    broker = client_for(people["broker"])
    page = broker.get(f"/contracts/deal/{deal.id}/draft")
    assert page.status_code == 200
    assert "温州医科大学眼视光学院" in page.get_data(as_text=True)  # prefilled party
    r = broker.post(f"/contracts/deal/{deal.id}/draft", data=contract_form())
    assert r.status_code == 302
    contract = db.session.scalar(db.select(Contract))
    assert contract.latest.body["licence_scope"] is None
    assert contract.latest.licence_scope == "non_exclusive"  # silence: non-exclusive

    firm = client_for(people["firm"])
    r = firm.post(
        f"/contracts/{contract.id}/edit",
        data=contract_form(base_version="1", scope="浙江省，五年", note="扩大地域"),
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert contract.latest.number == 2
    assert contract.latest.body["scope"] == "浙江省，五年"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "payment_mode": "instalments",
                "instalments-0-due": "2026-01-01",
                "instalments-0-amount": "100000",
            },
            "各期金额之和必须等于合同价款",
        ),
        (
            {
                "payment_mode": "royalty",
                "royalty_base": "sales",
                "royalty_trend": "fixed",
            },
            "提成比例",
        ),
        ({"price": "三十万"}, "有效金额"),
        ({"subject": "<script>alert(1)</script>"}, "纯文本"),
        ({"dispute_body": ""}, "请填写此项"),
    ],
)
def test_bad_contract_terms_are_refused_with_422(
    db, deal, people, client_for, overrides, message
):
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft", data=contract_form(**overrides)
    )
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert db.session.scalar(db.select(Contract)) is None


def test_instalments_summing_to_the_price_are_accepted(db, deal, people, client_for):
    r = client_for(people["broker"]).post(
        f"/contracts/deal/{deal.id}/draft",
        data=contract_form(
            payment_mode="instalments",
            **{
                "instalments-0-due": "2026-01-01",
                "instalments-0-amount": "100000",
                "instalments-1-due": "2026-06-01",
                "instalments-1-amount": "200000",
            },
        ),
    )
    assert r.status_code == 302
    body = db.session.scalar(db.select(Contract)).latest.body
    assert body["instalments"] == [
        {"due": "2026-01-01", "amount_fen": 10_000_000},
        {"due": "2026-06-01", "amount_fen": 20_000_000},
    ]


def test_non_parties_get_404_on_every_contract_page(contract, people, client_for):
    for user in (people["outsider"], people["other_broker"]):
        c = client_for(user)
        for path in ("", "/print", "/pdf", "/diff", "/edit", "/registration"):
            assert c.get(f"/contracts/{contract.id}{path}").status_code == 404, path
        assert (
            c.post(f"/contracts/{contract.id}/sign", data={"version": 1}).status_code
            == 404
        )
        assert c.get(f"/contracts/deal/{contract.deal_id}").status_code == 404


def test_a_firm_signs_only_for_the_firm_and_the_broker_cannot_sign(
    db, contract, people, client_for
):
    assert (
        client_for(people["broker"])
        .post(f"/contracts/{contract.id}/sign", data={"version": 1})
        .status_code
        == 403
    )
    client_for(people["firm"]).post(
        f"/contracts/{contract.id}/sign", data={"version": 1}
    )
    db.session.expire_all()
    assert contract.latest.signed_parties() == {"firm"}
    page = (
        client_for(people["firm"])
        .get(f"/contracts/{contract.id}")
        .get_data(as_text=True)
    )
    assert "确认并签署" not in page  # no button to sign again, nor for the supplier


def test_both_signing_through_the_pages_moves_the_deal(
    db, contract, deal, people, client_for
):
    client_for(people["supplier"]).post(
        f"/contracts/{contract.id}/sign", data={"version": 1}
    )
    r = client_for(people["firm"]).post(
        f"/contracts/{contract.id}/sign", data={"version": 1}, follow_redirects=True
    )
    assert "合同已签订" in r.get_data(as_text=True)
    db.session.expire_all()
    assert deal.stage == DealStage.CONTRACT_SIGNED
    assert "认定登记" in r.get_data(as_text=True)  # the deadline reminder shows


def test_the_version_diff_escapes_what_people_typed(
    app, db, contract, people, body, client_for
):
    with app.test_request_context():
        services.save_version(
            contract,
            people["broker"],
            body(scope='全国 &lt;b&gt; "引号" <img src=x onerror=alert(1)>'),
            base_version=1,
        )
        db.session.commit()
    html = (
        client_for(people["firm"])
        .get(f"/contracts/{contract.id}/diff?a=1&b=2")
        .get_data(as_text=True)
    )
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp;lt;b&amp;gt;" in html
    assert "<del>温州地区，五年</del>" in html or "<del>" in html
    assert "<ins>" in html


def test_print_view_follows_the_licence_model_text(contract, people, client_for):
    html = (
        client_for(people["supplier"])
        .get(f"/contracts/{contract.id}/print")
        .get_data(as_text=True)
    )
    for heading in (
        "一、许可实施的专利（技术）",
        "二、许可方式与范围",
        "四、使用费及支付方式",
        "九、争议的解决办法",
        "许可人（甲方）",
        "被许可人（乙方）",
        "普通许可",
    ):
        assert heading in html


def test_pdf_is_a_pdf_with_an_embedded_chinese_font(contract, people, client_for):
    r = client_for(people["firm"]).get(f"/contracts/{contract.id}/pdf")
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    data = r.data
    assert data.startswith(b"%PDF")
    assert b"/FontFile" in data
    assert b"CJK" in data  # the Noto CJK face's name in the font descriptor


def test_pdf_without_a_chinese_font_says_so(
    app, contract, people, client_for, monkeypatch
):
    from marketplace.core import pdf

    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    app.config["CJK_FONT_PATH"] = "/nonexistent/font.ttc"
    try:
        r = client_for(people["firm"]).get(
            f"/contracts/{contract.id}/pdf", follow_redirects=True
        )
    finally:
        app.config.pop("CJK_FONT_PATH")
    assert "中文字体" in r.get_data(as_text=True)
