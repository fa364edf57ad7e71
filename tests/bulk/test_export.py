"""Exports of an organisation's own listings and deals; an export imports back to the
same listings; the downloadable template imports as it is."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement, Inventor
from marketplace.deals.models import Deal
from marketplace.needs.models import Need

FIELDS = (
    "external_ref",
    "title",
    "summary",
    "detail",
    "field",
    "keywords",
    "trl",
    "ip_form",
    "patent_number",
    "patent_status",
    "patent_filing_date",
    "pricing_mode",
    "price_fen",
    "cooperation_modes",
    "indicators",
    "application_scenarios",
    "valid_until",
)


def _snapshot(a: Achievement) -> dict:
    snap = {f: getattr(a, f) for f in FIELDS}
    snap["inventors"] = [(i.name, i.share_percent) for i in a.inventors]
    return snap


def test_xlsx_round_trip_gives_the_same_listings(
    client, login, db, create_org, create_user, create_achievement, upload
):
    org = create_org(name="温州大学测试", type=OrgType.UNIVERSITY)
    login(create_user(role=Role.SUPPLIER, org=org))
    a = create_achievement(
        org=org,
        external_ref="WZU-1",
        title="=SUM(A1) 不是公式",
        status="draft",
        patent_number="ZL2020100000011",
        patent_status="granted",
        patent_filing_date=date(2020, 3, 15),
        valid_until=date(2027, 1, 31),
        indicators=[
            {
                "name": "抗拉强度",
                "value": "≥600",
                "unit": "MPa",
                "test_method": "GB/T 228.1",
            }
        ],
        application_scenarios="钛架焊接",
        cooperation_modes=["licence", "assignment"],
    )
    a.inventors = [
        Inventor(name="张三", share_percent=60, position=0),
        Inventor(name="李四", share_percent=40, position=1),
    ]
    b = create_achievement(
        org=org,
        external_ref="WZU-2",
        status="draft",
        trl=None,
        ip_form=None,
        price_fen=None,
        pricing_mode="negotiable",
    )
    db.session.commit()
    before = [_snapshot(a), _snapshot(b)]

    resp = client.get("/bulk/export/achievements.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    assert ws["C2"].data_type == "s"  # a title starting with "=" stays text
    for listing in (a, b):
        db.session.delete(listing)
    db.session.commit()

    bi = upload(resp.data, filename="export.xlsx", status="draft")
    assert (bi.new_rows, bi.error_rows) == (2, 0)
    client.post(f"/bulk/{bi.id}/confirm")
    after = [
        _snapshot(x)
        for x in db.session.scalars(
            sa.select(Achievement).order_by(Achievement.external_ref)
        )
    ]
    assert after == before


def test_the_template_imports_as_it_is(
    client, login, db, create_org, create_user, upload
):
    org = create_org(name="瓯海某眼镜厂", type=OrgType.FIRM)
    login(create_user(role=Role.FIRM, org=org))
    for fmt in ("xlsx", "csv"):
        resp = client.get(f"/bulk/template/need.{fmt}")
        assert resp.status_code == 200
        bi = upload(resp.data, filename=f"template.{fmt}", kind="need", status="draft")
        assert (bi.new_rows, bi.error_rows) == (1, 0), fmt
    wb = load_workbook(io.BytesIO(client.get("/bulk/template/need.xlsx").data))
    assert wb.worksheets[0]["A1"].value == "机构名称"
    assert wb.worksheets[0]["A2"].value == "瓯海某眼镜厂"
    assert "填写说明" in wb.sheetnames
    assert client.get("/bulk/template/achievement.xlsx").status_code == 404


def test_export_of_needs_and_deals_holds_only_the_own_organisation(
    client, login, db, create_org, create_user, create_need, create_achievement
):
    mine = create_org(name="我的眼镜厂", type=OrgType.FIRM)
    theirs = create_org(name="别家眼镜厂", type=OrgType.FIRM)
    login(create_user(role=Role.FIRM, org=mine))
    create_need(org=mine, title="我的需求")
    create_need(org=theirs, title="别人的需求")
    a = create_achievement()
    for firm in (mine, theirs):
        db.session.add(
            Deal(
                origin="interest",
                supplier_org_id=a.organization_id,
                firm_org_id=firm.id,
                achievement=a,
            )
        )
    db.session.commit()
    ws = load_workbook(
        io.BytesIO(client.get("/bulk/export/needs.xlsx").data)
    ).worksheets[0]
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True)] == ["我的需求"]
    ws = load_workbook(
        io.BytesIO(client.get("/bulk/export/deals.xlsx").data)
    ).worksheets[0]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][3] == a.organization.name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 2
    assert client.get("/bulk/export/other.xlsx").status_code == 404
