"""Formula injection (issue 12 item 3): text such as `=HYPERLINK(...)` or `=1+1` in a
title or name is exported as text through EVERY CSV/XLSX route, and only core/exports.py
writes CSV or XLSX for a download."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from marketplace.core import exports
from marketplace.core.timeutil import today_shanghai
from marketplace.vouchers import services as voucher_services
from tests.bulk.conftest import ach_row, csv_bytes, upload  # noqa: F401 (fixtures)
from tests.payments.conftest import deal, people, sign_contract  # noqa: F401
from tests.vouchers.conftest import fee_request, voucher, world  # noqa: F401

HYPERLINK = '=HYPERLINK("http://evil.example/steal","点此查看")'
SUM = "=1+1"
DANGEROUS = tuple(exports.FORMULA_START)


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def _xlsx_cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def assert_neutralised(response, poison: str) -> None:
    """The poison is in the file, as text with a leading apostrophe; nothing in the
    file is a formula."""
    assert response.status_code == 200, response.status_code
    data = response.data
    if data[:2] == b"PK":
        cells = _xlsx_cells(data)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = [c.value for c in cells if isinstance(c.value, str)]
    else:
        texts = _csv_cells(data)
    assert "'" + poison in texts, texts
    assert not [t for t in texts if t.startswith(DANGEROUS)]


@pytest.fixture
def poisoned(db, people, deal, sign_contract):  # noqa: F811
    """A signed contract (with its payment requests) whose parties, broker and
    achievement carry formula-like text."""
    people.firm.organization.name = HYPERLINK
    people.broker.name = SUM
    deal.achievement.title = SUM + " 离焦镜片"
    db.session.commit()
    contract = sign_contract(
        title=HYPERLINK, supplier={"name": SUM}, firm={"name": HYPERLINK}
    )
    return people, contract


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payments_export(client, login, poisoned, fmt):
    who, _contract = poisoned
    login(who.operator)
    response = client.get(f"/payments/export.{fmt}")
    assert_neutralised(response, HYPERLINK)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_payments_export_keeps_amounts_numeric(client, login, poisoned):
    who, _contract = poisoned
    login(who.operator)
    wb = load_workbook(io.BytesIO(client.get("/payments/export.xlsx").data))
    due = [row[6] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert due and all(isinstance(v, int | float) for v in due)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contract_export(client, login, poisoned, fmt):
    who, contract = poisoned
    login(who.firm)
    response = client.get(f"/contracts/{contract.id}/export.{fmt}")
    assert_neutralised(response, HYPERLINK)
    assert_neutralised(response, SUM)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dashboard_export(client, login, poisoned, fmt):
    who, _contract = poisoned
    login(who.operator)
    today = today_shanghai()
    args = f"?start={today.replace(day=1)}&end={today}"
    assert_neutralised(client.get(f"/dashboard/export/brokers.{fmt}" + args), SUM)
    if fmt == "xlsx":
        assert_neutralised(client.get("/dashboard/export/all.xlsx" + args), SUM)


@pytest.mark.parametrize("what", ["achievements", "deals"])
def test_bulk_exports(client, login, poisoned, what):
    who, _contract = poisoned
    login(who.supplier)
    assert_neutralised(client.get(f"/bulk/export/{what}.xlsx"), SUM + " 离焦镜片")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bulk_template_with_a_formula_like_organisation_name(
    client, login, db, create_org, create_user, fmt
):
    from marketplace.accounts.models import OrgType, Role

    org = create_org(type=OrgType.UNIVERSITY, name=SUM)
    login(create_user(role=Role.SUPPLIER, org=org))
    assert_neutralised(client.get(f"/bulk/template/achievement.{fmt}"), SUM)


def test_bulk_error_file(client, login, db, create_org, create_user, upload):  # noqa: F811
    from marketplace.accounts.models import OrgType, Role

    org = create_org(type=OrgType.UNIVERSITY)
    login(create_user(role=Role.SUPPLIER, org=org))
    # A row with an error (its inventors' shares do not add up) and a formula title.
    bi = upload(csv_bytes([ach_row("R-1", HYPERLINK, 发明人="张三:50")]))
    assert bi.error_rows == 1
    assert_neutralised(client.get(f"/bulk/{bi.id}/errors.csv"), HYPERLINK)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_voucher_settlement_export(
    app,
    client,
    login,
    db,
    world,  # noqa: F811
    fee_request,  # noqa: F811
    voucher,  # noqa: F811
    fmt,
):
    world.uni.name = HYPERLINK
    db.session.commit()
    v = voucher(face=600_000, share=100)
    with app.test_request_context():
        voucher_services.redeem(v, fee_request(200_000, payee=world.uni.id), world.firm)
    db.session.commit()
    today = today_shanghai()
    half = 1 if today.month <= 6 else 2
    login(world.operator)
    response = client.get(
        f"/vouchers/settlement?year={today.year}&half={half}&fmt={fmt}"
    )
    assert_neutralised(response, HYPERLINK)


@pytest.mark.parametrize(
    "value",
    [SUM, "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", HYPERLINK],
)
def test_the_writer_neutralises_every_formula_start(value):
    (row,) = load_workbook(
        io.BytesIO(exports.to_xlsx(exports.Sheet("t", ["h"], [[value]])))
    ).active.iter_rows(min_row=2)
    assert row[0].data_type != "f"
    # XML keeps no bare CR: the XLSX reads it back as LF.
    assert row[0].value == "'" + value.replace("\r", "\n")
    assert _csv_cells(exports.to_csv(["h"], [[value]]))[1] == "'" + value


def test_the_writer_keeps_numbers_and_dates_typed_and_drops_control_characters():
    values = [-5, 12.5, Decimal("-3.20"), date(2026, 12, 3), None, "a\x01b"]
    wb = load_workbook(
        io.BytesIO(exports.to_xlsx(exports.Sheet("t", ["h"] * 6, [values])))
    )
    (row,) = wb.active.iter_rows(min_row=2, values_only=True)
    assert row[0] == -5 and row[1] == 12.5 and row[2] == pytest.approx(-3.2)
    assert row[3].date() == date(2026, 12, 3)
    assert row[4] is None and row[5] == "ab"
    assert _csv_cells(exports.to_csv(["h"] * 6, [values]))[6:] == [
        "-5",
        "12.5",
        "-3.20",
        "2026-12-03",
        "",
        "ab",
    ]


WRITER = Path(exports.__file__).resolve()
#: How code writes a spreadsheet: only core/exports.py may.
WRITES_SHEETS = re.compile(
    r"csv\.writer\(|csv\.DictWriter\(|\bDictWriter\(|\bWorkbook\(|"
    r"from openpyxl import[^\n]*\bWorkbook\b|openpyxl\.Workbook\b|xlsxwriter"
)


def test_only_the_export_writer_writes_csv_or_xlsx():
    package = WRITER.parent.parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.resolve() != WRITER
        and WRITES_SHEETS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
