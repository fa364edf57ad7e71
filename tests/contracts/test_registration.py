"""技术合同认定登记: recording it moves the deal on; reminders; the office's export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from marketplace.contracts import registration, services
from marketplace.core import exports
from marketplace.core.timeutil import today_shanghai, utcnow
from marketplace.deals.models import DealStage
from marketplace.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def signed(app, db, deal, people, body):
    with app.test_request_context():
        c = services.draft_contract(deal, people["broker"], body())
        services.sign(c, people["supplier"], 1)
        services.sign(c, people["firm"], 1)
        db.session.commit()
    return c


def _form(**overrides):
    data = {
        "applied_on": today_shanghai().isoformat(),
        "office": "温州市技术合同登记处",
        "registration_number": "2026330304000123",
        "technical_income": "280000",
        "period_start": today_shanghai().isoformat(),
        "period_end": (today_shanghai() + timedelta(days=1825)).isoformat(),
        "technical_field": "advanced_manufacturing",
        "ip_category": "invention_patent",
        "socio_economic_goal": "industry",
        "seller_entity_type": "university",
        "seller_region_code": "330302",
        "buyer_entity_type": "enterprise",
        "buyer_region_code": "330304",
        "expected_investment": "500000",
        "expected_output": "3000000",
    }
    data.update(overrides)
    return data


def _data(**overrides) -> dict:
    """The service's plain values for the same registration."""
    form = _form(**overrides)
    day = date.fromisoformat
    return {
        **{k: form[k] for k in RegistrationFields},
        "applied_on": day(form["applied_on"]),
        "period_start": day(form["period_start"]),
        "period_end": day(form["period_end"]),
        "technical_income_fen": 28_000_000,
        "expected_investment_fen": 50_000_000,
        "expected_output_fen": 300_000_000,
    }


RegistrationFields = (
    "office",
    "registration_number",
    "technical_field",
    "ip_category",
    "socio_economic_goal",
    "seller_entity_type",
    "seller_region_code",
    "buyer_entity_type",
    "buyer_region_code",
)


def test_recording_the_registration_registers_the_deal(
    db, signed, deal, people, client_for
):
    data = _form(certificate=(io.BytesIO(PDF), "登记证明.pdf"))
    r = client_for(people["supplier"]).post(
        f"/contracts/{signed.id}/registration",
        data=data,
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert deal.stage == DealStage.REGISTERED
    reg = signed.registration
    assert reg.technical_income_fen == 28_000_000
    assert reg.certificate.owner_type == "contract_registration"
    # The certificate: deal parties and staff download it, outsiders do not.
    path = f"/files/{reg.certificate.id}"
    assert client_for(people["firm"]).get(path).status_code == 200
    assert client_for(people["operator"]).get(path).status_code == 200
    assert client_for(people["outsider"]).get(path).status_code == 404


def test_the_firm_cannot_record_the_registration(signed, people, client_for):
    assert (
        client_for(people["firm"])
        .post(f"/contracts/{signed.id}/registration", data=_form())
        .status_code
        == 403
    )


def test_registration_needs_both_signatures(app, db, deal, people, body, client_for):
    with app.test_request_context():
        c = services.draft_contract(deal, people["broker"], body())
        db.session.commit()
    r = client_for(people["broker"]).post(
        f"/contracts/{c.id}/registration", data=_form()
    )
    assert r.status_code == 422
    assert "签署后" in r.get_data(as_text=True)
    assert deal.stage == DealStage.NEGOTIATION


def test_technical_income_above_the_price_is_refused(db, signed, people, client_for):
    r = client_for(people["broker"]).post(
        f"/contracts/{signed.id}/registration", data=_form(technical_income="400000")
    )
    assert r.status_code == 422
    assert signed.registration is None


def test_reminders_name_no_deadline_and_come_once_per_phase(app, db, signed, people):
    with app.app_context():
        assert registration.remind_due(signed.signed_at) == 2  # supplier + broker
        assert registration.remind_due(signed.signed_at + timedelta(days=2)) == 0
        assert registration.remind_due(signed.signed_at + timedelta(days=7)) == 2
        assert registration.remind_due(signed.signed_at + timedelta(days=40)) == 0
        db.session.commit()
    notes = db.session.scalars(
        db.select(Notification).where(Notification.kind == "contract.registration")
    ).all()
    assert {n.user_id for n in notes} == {people["supplier"].id, people["broker"].id}
    for n in notes:
        assert "前" not in n.title and "逾期" not in n.title and "30" not in n.title
        assert "尽快" in n.title


def test_the_contract_page_reminds_without_a_deadline(signed, people, client_for):
    html = client_for(people["supplier"]).get(f"/contracts/{signed.id}").text
    assert "请尽快向技术合同登记机构申请认定登记" in html
    assert "请于" not in html and "30 天" not in html


def test_the_old_deadline_setting_is_gone(app):
    assert "REGISTRATION_DEADLINE_DAYS" not in app.config


def _register(app, db, contract, people):
    with app.test_request_context():
        registration.record_registration(contract, people["broker"], _data())
        db.session.commit()


def test_export_one_contract_as_csv_and_xlsx(app, db, signed, deal, people, client_for):
    _register(app, db, signed, people)
    firm = client_for(people["firm"])
    text = firm.get(f"/contracts/{signed.id}/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["合同名称"] == "离焦镜片微结构设计专利实施许可合同"
    assert record["合同类型"] == "技术许可合同"
    assert record["卖方（成果方）"] == "温州医科大学眼视光学院"
    assert (
        record["买方统一社会信用代码"] == deal.firm_org.credit_code
        or record["买方统一社会信用代码"] == ""
    )
    assert record["合同价款（元）"] == "300000.00"
    assert record["核定技术性收入（元）"] == "280000.00"
    assert record["登记编号"] == "2026330304000123"

    # The 技术合同登记表 fields (DOMAIN.md, Registration).
    assert record["合同有效期自"] == today_shanghai().isoformat()
    assert record["技术领域"] == "先进制造"
    assert record["知识产权类别"] == "发明专利"
    assert record["社会经济目标"] == "工商业发展"
    assert (record["卖方主体性质"], record["卖方行政区划代码"]) == (
        "高等院校",
        "330302",
    )
    assert (record["买方主体性质"], record["买方行政区划代码"]) == ("企业", "330304")
    assert record["支付方式"] == "一次总算、一次总付"
    assert record["预计新增投资（元）"] == "500000.00"
    assert record["预计新增产值（元）"] == "3000000.00"

    wb = load_workbook(io.BytesIO(firm.get(f"/contracts/{signed.id}/export.xlsx").data))
    ws = wb.active
    xlsx_header = [c.value for c in ws[1]]
    assert xlsx_header == header
    assert ws.cell(1, 1).value == "登记编号"
    assert ws.cell(2, 1).value == "2026330304000123"
    assert ws.cell(2, header.index("技术领域") + 1).value == "先进制造"
    assert firm.get(f"/contracts/{signed.id}/export.pdf").status_code == 404


def test_operator_exports_contracts_registered_in_a_date_range(
    app, db, signed, people, client_for
):
    _register(app, db, signed, people)
    op = client_for(people["operator"])
    today = utcnow().date()
    r = op.get(
        f"/contracts/export?format=csv&date_from={today - timedelta(days=1)}"
        f"&date_to={today + timedelta(days=1)}"
    )
    assert "2026330304000123" in r.data.decode("utf-8-sig")
    r = op.get(f"/contracts/export?format=csv&date_from={today + timedelta(days=5)}")
    assert "2026330304000123" not in r.data.decode("utf-8-sig")
    assert (
        client_for(people["broker"]).get("/contracts/export?format=csv").status_code
        == 403
    )
    assert op.get("/contracts/export?format=csv&date_from=notadate").status_code == 422


def test_formula_like_cells_are_neutralised():
    # The registration export writes through core.exports, whose cell() does this.
    assert exports.cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert exports.cell("-3") == "'-3"
    assert exports.cell("温州") == "温州"
    assert exports.cell(12) == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("registration_number", "REG-001"),
        ("registration_number", "202633030400012"),  # 15 digits
        ("registration_number", "1999330304000123"),  # not a year of registration
        ("seller_region_code", "33030"),
        ("buyer_region_code", "abcdef"),
        ("technical_field", "astrology"),
        ("period_end", "2020-01-01"),
        ("expected_output", ""),  # a licence is a transfer: required
    ],
)
def test_a_malformed_registration_is_refused_and_nothing_saved(
    db, signed, deal, people, client_for, field, value
):
    r = client_for(people["broker"]).post(
        f"/contracts/{signed.id}/registration", data=_form(**{field: value})
    )
    assert r.status_code == 422
    db.session.expire_all()
    assert signed.registration is None and deal.stage == DealStage.CONTRACT_SIGNED


def test_a_registration_dated_before_the_signing_is_refused(
    db, signed, deal, people, client_for
):
    signed_on = registration.local_date(signed.signed_at)
    day_before = (signed_on - timedelta(days=1)).isoformat()
    r = client_for(people["broker"]).post(
        f"/contracts/{signed.id}/registration", data=_form(applied_on=day_before)
    )
    assert r.status_code == 422
    assert "不能早于合同签订日期" in r.text
    db.session.expire_all()
    assert signed.registration is None and deal.stage == DealStage.CONTRACT_SIGNED
    # The signing day itself is accepted.
    r = client_for(people["broker"]).post(
        f"/contracts/{signed.id}/registration",
        data=_form(applied_on=signed_on.isoformat()),
    )
    assert r.status_code == 302


def test_the_form_prefills_the_parties_entity_types(signed, people, client_for):
    html = client_for(people["broker"]).get(f"/contracts/{signed.id}/registration").text
    assert '<option selected value="university">' in html
    assert '<option selected value="enterprise">' in html


def test_a_certificate_over_the_upload_limit_is_413_and_nothing_saved(
    app, db, signed, deal, people, client_for, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(PDF) - 1)
    r = client_for(people["broker"]).post(
        f"/contracts/{signed.id}/registration",
        data=_form(certificate=(io.BytesIO(PDF), "登记证明.pdf")),
        content_type="multipart/form-data",
    )
    assert r.status_code == 413
    db.session.expire_all()
    assert signed.registration is None and deal.stage == DealStage.CONTRACT_SIGNED
