"""Check-ups: the form, the report's gaps, recommendations, posting a need, who sees it."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.firms.models import Checkup, RosterFirm
from marketplace.needs.models import Need
from marketplace.search.service import sync_outbox

#: 100 staff, 20 in R&D (12 points), R&D 50万 of 1000万 (5%: 40), 1 utility model (6): 58.
FORM = {
    "staff": "100",
    "rd_staff": "20",
    "revenue": "1000",
    "rd_spend": "50",
    "ip_class1": "0",
    "ip_class2": "1",
    "registered_on": "2015-03-01",
    "clean_record": "y",
    "products": "钛合金镜架",
    "problems": "钛合金镜架激光焊接焊点强度不够，焊接后变色",
    "plans": "申报科技型中小企业",
}


def test_broker_checkup_of_a_roster_firm_reports_the_gaps(
    client, login, create_user, create_org, create_achievement, db
):
    ach = create_achievement(title="钛合金镜架激光焊接工艺")
    sync_outbox()
    org = create_org(name="瓯海体检眼镜厂")
    firm = RosterFirm(name="瓯海体检眼镜厂", town="潘桥街道", organization_id=org.id)
    db.session.add(firm)
    db.session.commit()
    login(create_user(role=Role.BROKER))
    resp = client.post(f"/checkups/new?firm={firm.id}", data=FORM)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    c = db.session.scalars(sa.select(Checkup)).one()
    assert c.roster_firm_id == firm.id and c.organization_id == org.id
    assert c.revenue_fen == 1000 * 1_000_000
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "得分 58 分，需达到 60 分（差 2 分）" in page
    assert "科技人员占比 20%，需达到 25%" in page
    assert "国科发政〔2017〕115号" in page and "国科发火〔2016〕32号" in page
    assert ach.title in page  # the matcher's recommendation


def test_firm_fills_its_own_checkup_and_posts_the_problem_as_a_need(
    client, login, create_user, db
):
    firm_user = create_user(role=Role.FIRM)
    login(firm_user)
    resp = client.post("/checkups/new", data=FORM)
    assert resp.status_code == 302
    c = db.session.scalars(sa.select(Checkup)).one()
    assert c.organization_id == firm_user.organization_id
    report = client.get(f"/checkups/{c.id}").get_data(as_text=True)
    assert "将技术难题发布为需求" in report
    form = client.get(f"/checkups/{c.id}/need").get_data(as_text=True)
    assert "焊接后变色" in form  # prefilled
    resp = client.post(
        f"/checkups/{c.id}/need",
        data={"title": "激光焊接焊点强度不够", "description": FORM["problems"]},
    )
    assert resp.status_code == 302
    need = db.session.scalars(sa.select(Need)).one()
    assert need.organization_id == firm_user.organization_id
    assert need.status == "submitted"
    db.session.refresh(c)
    assert c.need_id == need.id
    # Posting twice is refused, no second need.
    resp = client.post(
        f"/checkups/{c.id}/need", data={"title": "再来", "description": "再来一次"}
    )
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 1


def test_a_firm_sees_only_its_own_checkups(app, client, login, create_user, db):
    owner = create_user(role=Role.FIRM)
    login(owner)
    client.post("/checkups/new", data=FORM)
    c = db.session.scalars(sa.select(Checkup)).one()
    assert "查看报告" in client.get("/checkups/").get_data(as_text=True)
    other = app.test_client()
    login(create_user(role=Role.FIRM), c=other)
    assert other.get(f"/checkups/{c.id}").status_code == 404
    assert other.get(f"/checkups/{c.id}/need").status_code == 404
    assert "查看报告" not in other.get("/checkups/").get_data(as_text=True)
    staff = app.test_client()
    login(create_user(role=Role.OPERATOR), c=staff)
    assert staff.get(f"/checkups/{c.id}").status_code == 200
    # Staff cannot post a need in the firm's name.
    assert staff.get(f"/checkups/{c.id}/need").status_code == 403


def test_bad_figures_are_refused_and_nothing_saved(client, login, create_user, db):
    login(create_user(role=Role.FIRM))
    resp = client.post("/checkups/new", data={**FORM, "rd_staff": "101"})
    assert resp.status_code == 422
    assert "科技人员不能多于职工总数" in resp.get_data(as_text=True)
    resp = client.post("/checkups/new", data={**FORM, "revenue": "很多"})
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkup)) == 0


def test_repeated_checkups_make_a_history(client, login, create_user, db):
    login(create_user(role=Role.FIRM))
    client.post("/checkups/new", data=FORM)
    client.post("/checkups/new", data={**FORM, "rd_staff": "30", "ip_class1": "1"})
    latest = db.session.scalars(sa.select(Checkup).order_by(Checkup.id.desc())).first()
    page = client.get(f"/checkups/{latest.id}").get_data(as_text=True)
    assert "历次体检" in page
    assert page.count('href="/checkups/') >= 1
    assert "符合条件" in page  # 20 + 40 + 30 = 90 now
    # The history shows the change: 58 → 90.
    history = page[page.index('id="history"') :]
    assert "90 <span" in history and "+32" in history and "58</td>" in history


def test_the_report_downloads_as_a_pdf(app, client, login, create_user, db):
    import pytest

    from marketplace.core.pdf import FontUnavailable, find_cjk_font

    try:
        find_cjk_font()
    except FontUnavailable:
        pytest.skip("no Chinese font installed")
    login(create_user(role=Role.FIRM))
    client.post("/checkups/new", data=FORM)
    c = db.session.scalars(sa.select(Checkup)).one()
    resp = client.get(f"/checkups/{c.id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    other = app.test_client()
    login(create_user(role=Role.FIRM), c=other)
    assert other.get(f"/checkups/{c.id}.pdf").status_code == 404


def test_direct_qualifications_and_the_innovation_estimate_on_the_report(
    client, login, create_user, db
):
    """58 points, but 主导制定行业标准 confirms it directly (第八条（四）); the
    innovation estimate lists what would raise it to 71."""
    login(create_user(role=Role.FIRM))
    data = {
        **FORM,
        "led_standard": "y",
        "ip_advancement": "B",  # 5–6
        "ip_core_support": "C",  # 3–4
        "ip_acquisition": "own",  # 1–6
        "conversions_3y": "6",  # 2 a year: 7–12
        "rd_system": "y",  # 3–6
        "revenue_y1": "800",
        "revenue_y2": "900",  # 1/2 × (900/800 + 1000/900) − 1 = 11.8%: 3–4
    }
    resp = client.post("/checkups/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    c = db.session.scalars(sa.select(Checkup)).one()
    assert c.led_standard and c.ip_advancement == "B" and c.conversions_3y == 6
    assert c.revenue_y1_fen == 800 * 1_000_000
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "得分 58 分，需达到 60 分（差 2 分）" in page
    sme = page[page.index('id="sme"') : page.index('id="hnte"')]
    assert "符合条件" in sme and "国科发政〔2017〕115号 第八条（四）" in sme
    # IP 5+3+1+1+1 = 11 … 6+4+2+6+2 = 20; conversion 7–12; management 3–6;
    # growth 0 (net assets not entered) + 3–4: 24–42.
    assert "24–42 分（需 71 分）" in page
    assert "按各档上限估算还差 29 分" in page
    assert "近三年科技成果转化达到 9 项（年均 3 项），可得 13–18 分" in page
    assert "填写近三年的净资产增长率所需数据" in page


def test_a_grade_outside_the_table_is_refused(client, login, create_user, db):
    login(create_user(role=Role.FIRM))
    resp = client.post("/checkups/new", data={**FORM, "ip_advancement": "Z"})
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkup)) == 0


def test_a_repeated_checkup_starts_from_the_last_answers(
    app, client, login, create_user, db
):
    login(create_user(role=Role.FIRM))
    client.post("/checkups/new", data={**FORM, "ip_advancement": "B", "assets": "800"})
    c = db.session.scalars(sa.select(Checkup)).one()
    report = client.get(f"/checkups/{c.id}").get_data(as_text=True)
    assert f'href="/checkups/new?repeat={c.id}"' in report
    page = client.get(f"/checkups/new?repeat={c.id}").get_data(as_text=True)
    assert 'name="staff" required type="number" value="100"' in page
    assert 'name="revenue" required step="any" type="number" value="1000.00"' in page
    assert 'name="assets" step="any" type="number" value="800.00"' in page
    assert 'name="net_assets_y1" step="any" type="number" value=""' in page
    assert '<option selected value="B">' in page
    assert "钛合金镜架激光焊接焊点强度不够" in page
    # Another firm cannot start from this one's answers.
    other = app.test_client()
    login(create_user(role=Role.FIRM), c=other)
    assert other.get(f"/checkups/new?repeat={c.id}").status_code == 404
