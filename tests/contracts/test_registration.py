"""技术合同认定登记: recording it moves the deal on; reminders; the office's export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from marketplace.contracts import registration, services
from marketplace.core import exports
from marketplace.core.timeutil import utcnow
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
        "applied_on": utcnow().date().isoformat(),
        "office": "温州市技术合同登记处",
        "registration_number": "2026330304000123",
        "technical_income": "280000",
    }
    data.update(overrides)
    return data


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


def test_remind_due_tells_the_supplier_and_broker_once(app, db, signed, people):
    with app.app_context():
        assert registration.remind_due(signed.signed_at + timedelta(days=10)) == 0
        day_25 = signed.signed_at + timedelta(days=25)
        assert registration.remind_due(day_25) == 2  # supplier + broker, not the firm
        assert registration.remind_due(day_25) == 0  # idempotent
        assert (
            registration.remind_due(signed.signed_at + timedelta(days=31)) == 2
        )  # overdue
        db.session.commit()
    told = {
        n.user_id
        for n in db.session.scalars(
            db.select(Notification).where(Notification.kind == "contract.registration")
        )
    }
    assert told == {people["supplier"].id, people["broker"].id}


def _register(app, db, contract, people):
    with app.test_request_context():
        registration.record_registration(
            contract,
            people["broker"],
            utcnow().date(),
            "温州市技术合同登记处",
            "REG-001",
            28_000_000,
        )
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
    assert record["登记编号"] == "REG-001"

    wb = load_workbook(io.BytesIO(firm.get(f"/contracts/{signed.id}/export.xlsx").data))
    ws = wb.active
    assert ws.cell(1, 1).value == "合同名称"
    assert ws.cell(2, 12).value == "REG-001"
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
    assert "REG-001" in r.data.decode("utf-8-sig")
    r = op.get(f"/contracts/export?format=csv&date_from={today + timedelta(days=5)}")
    assert "REG-001" not in r.data.decode("utf-8-sig")
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
