"""The roster: import preview with per-row errors, confirm, links, outreach, coverage."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook

from marketplace.accounts.models import Role
from marketplace.firms import roster
from marketplace.firms.models import FirmSize, OutreachEntry, RosterFirm, RosterImport
from marketplace.vouchers.models import Voucher
from tests.fixtures.factories import make_credit_code

HEADER = "企业名称,统一社会信用代码,镇街,主要产品,规模\n"


def upload(client, data: bytes, filename="roster.csv"):
    return client.post(
        "/roster/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_only_staff_reach_the_roster(client, login, create_user):
    login(create_user(role=Role.FIRM))
    assert client.get("/roster/").status_code == 403


def test_preview_lists_row_errors_and_saves_nothing_until_confirmed(
    client, login, create_user, create_org, db
):
    broker = create_user(role=Role.BROKER)
    org = create_org(name="瓯海明视眼镜有限公司")
    good = make_credit_code(900001)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    csv = (
        HEADER
        + f"瓯海明视眼镜有限公司,{org.credit_code},潘桥街道,镜架,小型\n"
        + f"瓯海光学配件厂,{good},郭溪街道,镜片,微型\n"
        + f"错码眼镜厂,{bad},郭溪街道,镜盒,小型\n"
        + ",,郭溪街道,镜盒,小型\n"
        + "规模错眼镜厂,,娄桥街道,镜架,超大\n"
        + f"重复码眼镜厂,{good},郭溪街道,镜片,小型\n"
    ).encode()
    login(broker)
    resp = upload(client, csv)
    assert resp.status_code == 302
    ri = db.session.scalars(sa.select(RosterImport)).one()
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "校验位不正确" in page
    assert "缺少企业名称" in page
    assert "规模应为" in page
    assert "文件中统一社会信用代码重复" in page
    assert "确认导入 2 行" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterFirm)) == 0
    assert [r["line"] for r in ri.error_rows] == [4, 5, 6, 7]

    resp = client.post(f"/roster/import/{ri.id}/confirm")
    assert resp.status_code == 302
    firms = {f.name: f for f in db.session.scalars(sa.select(RosterFirm))}
    assert set(firms) == {"瓯海明视眼镜有限公司", "瓯海光学配件厂"}
    # Linked by credit code; the other firm has no account and needs none.
    assert firms["瓯海明视眼镜有限公司"].organization_id == org.id
    assert firms["瓯海光学配件厂"].organization_id is None
    assert firms["瓯海光学配件厂"].size == FirmSize.MICRO
    # A second confirm is refused, nothing doubled.
    client.post(f"/roster/import/{ri.id}/confirm")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterFirm)) == 2


def test_xlsx_roster_links_by_name(client, login, create_user, create_org, db):
    org = create_org(name="瓯海精工眼镜", credit_code=None)
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "镇街", "规模"])
    ws.append(["瓯海精工眼镜", "潘桥街道", "中型"])
    buf = io.BytesIO()
    wb.save(buf)
    login(create_user(role=Role.OPERATOR))
    resp = upload(client, buf.getvalue(), "roster.xlsx")
    ri = db.session.scalars(sa.select(RosterImport)).one()
    assert resp.status_code == 302 and not ri.error_rows
    client.post(f"/roster/import/{ri.id}/confirm")
    firm = db.session.scalars(sa.select(RosterFirm)).one()
    assert firm.organization_id == org.id and firm.size == FirmSize.MEDIUM


def test_a_file_of_something_else_is_refused_with_a_message(
    client, login, create_user, db
):
    login(create_user(role=Role.BROKER))
    resp = upload(client, "标题,摘要\n一,二\n".encode())
    assert resp.status_code == 422
    assert "表头" in resp.get_data(as_text=True)
    resp = upload(client, b"x", "roster.pdf")
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport)) == 0


def test_outreach_is_logged_and_shown(client, login, create_user, db):
    broker = create_user(role=Role.BROKER, name="王经纪")
    firm = RosterFirm(name="瓯海走访眼镜厂", town="潘桥街道")
    db.session.add(firm)
    db.session.commit()
    login(broker)
    resp = client.post(
        f"/roster/{firm.id}",
        data={
            "happened_on": "2026-12-01",
            "contact": "李厂长",
            "outcome": "了解电镀难题",
            "next_step": "安排体检",
        },
    )
    assert resp.status_code == 302
    entry = db.session.scalars(sa.select(OutreachEntry)).one()
    assert entry.happened_on == date(2026, 12, 1) and entry.user_id == broker.id
    page = client.get(f"/roster/{firm.id}").get_data(as_text=True)
    assert "了解电镀难题" in page and "王经纪" in page
    resp = client.post(f"/roster/{firm.id}", data={"happened_on": "2026-12-01"})
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutreachEntry)) == 1


def test_coverage_counts_against_the_roster(db, create_org, create_need, create_user):
    served_org = create_org()
    need_org = create_org()
    create_need(org=need_org)  # a translated need: a served firm
    idle_org = create_org()
    db.session.add_all(
        [
            RosterFirm(name="甲", town="潘桥街道", organization_id=served_org.id),
            RosterFirm(name="乙", town="潘桥街道", organization_id=need_org.id),
            RosterFirm(name="丙", town="郭溪街道", organization_id=idle_org.id),
            RosterFirm(name="丁", town="郭溪街道", size=FirmSize.MICRO),
            RosterFirm(name="戊", town="郭溪街道", size=FirmSize.MICRO),
        ]
    )
    db.session.add(
        Voucher(
            code="V-R1",
            organization_id=served_org.id,
            face_value_fen=100,
            balance_fen=100,
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )
    )
    db.session.commit()
    c = roster.coverage()
    assert (c.total, c.served, c.share) == (5, 2, 40.0)
    unserved = {k: [f.name for f in v] for k, v in c.unserved.items()}
    assert unserved == {
        ("郭溪街道", FirmSize.MICRO): ["丁", "戊"],
        ("郭溪街道", FirmSize.SMALL): ["丙"],
    }
    history = roster.service_history(
        db.session.scalar(sa.select(RosterFirm).where(RosterFirm.name == "甲"))
    )
    assert [v.code for v in history.vouchers] == ["V-R1"]


def test_roster_page_shows_coverage_and_the_unserved(client, login, create_user, db):
    db.session.add(RosterFirm(name="未服务眼镜厂", town="娄桥街道"))
    db.session.commit()
    login(create_user(role=Role.OPERATOR))
    page = client.get("/roster/").get_data(as_text=True)
    assert "名录企业 1 家，已服务 0 家，覆盖率 0.0%" in page
    assert "未服务眼镜厂" in page
