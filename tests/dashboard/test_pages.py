"""Dashboard pages: operator only, period validation, charts with tables, exports,
targets; the public statistics page shows aggregates and nothing private."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from marketplace.accounts.models import Role
from marketplace.dashboard.events import MatchView, record_match_view
from marketplace.dashboard.targets import KpiTarget, current_targets

MARCH_ARGS = "?start=2024-03-01&end=2024-03-31"


def test_operator_sees_kpis_funnel_and_tables(client, login, create_user, kpi_world):
    login(create_user(role=Role.OPERATOR))
    resp = client.get("/dashboard/" + MARCH_ARGS)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'class="funnel-step"' in html and "<svg" in html
    assert 'id="table-funnel"' in html and "交易漏斗" in html
    assert "经纪人甲" in html  # broker workload table
    assert "¥300,000" in html  # contract value signed
    assert "style=" not in html  # CSP: no inline styles


def test_dashboard_is_operator_only(client, login, create_user, kpi_world):
    assert client.get("/dashboard/").status_code == 302  # anonymous → login
    for role in (Role.FIRM, Role.SUPPLIER, Role.BROKER):
        c = client.application.test_client()
        login(create_user(role=role), c=c)
        assert c.get("/dashboard/").status_code == 403
        assert c.get("/dashboard/export/funnel.csv").status_code == 403
        assert c.get("/dashboard/targets").status_code == 403


def test_a_bad_period_is_refused_with_422(client, login, create_user, db):
    login(create_user(role=Role.OPERATOR))
    resp = client.get("/dashboard/?start=2024-05-01&end=2024-04-01")
    assert resp.status_code == 422
    assert "结束日期不能早于开始日期" in resp.get_data(as_text=True)
    assert client.get("/dashboard/?start=not-a-date").status_code == 422


def test_every_table_exports_as_csv_and_xlsx(client, login, create_user, kpi_world):
    login(create_user(role=Role.OPERATOR))
    resp = client.get("/dashboard/export/funnel.csv" + MARCH_ARGS)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = resp.get_data().decode("utf-8-sig").splitlines()
    assert lines[1] == "意向,3,"
    resp = client.get("/dashboard/export/all.xlsx" + MARCH_ARGS)
    wb = load_workbook(io.BytesIO(resp.data))
    assert len(wb.sheetnames) == 13
    kpi_sheet = wb.worksheets[0]
    values = {
        row[0]: row[1] for row in kpi_sheet.iter_rows(min_row=4, values_only=True)
    }
    assert values["合同成交额"] == 300000  # exported in yuan
    assert client.get("/dashboard/export/nope.csv").status_code == 404
    assert client.get("/dashboard/export/funnel.pdf").status_code == 404


def test_operator_sets_targets_and_the_change_is_audited(
    client, login, create_user, db
):
    login(create_user(role=Role.OPERATOR))
    assert client.get("/dashboard/targets").status_code == 200
    resp = client.post(
        "/dashboard/targets",
        data={
            "firms_served": "650",
            "coverage_percent": "75",
            "cluster_firms": "800",
            "contract_value_fen": "5000000",
        },
    )
    assert resp.status_code == 302
    targets = current_targets()
    assert (targets["firms_served"], targets["coverage_percent"]) == (650, 75)
    assert targets["cluster_firms"] == 800
    assert targets["contract_value_fen"] == 500_000_000  # 5 000 000 yuan in fen
    assert db.session.query(KpiTarget).count() == 4
    bad = client.post(
        "/dashboard/targets", data={"coverage_percent": "170", "firms_served": "abc"}
    )
    assert bad.status_code == 422
    assert current_targets()["coverage_percent"] == 75


def test_public_stats_shows_aggregates_and_nothing_private(client, kpi_world):
    resp = client.get("/stats/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "市场统计" in html and "<svg" in html
    for private in (
        "保密成果甲",
        "私密需求一",
        "经纪人甲",
        "测试眼镜厂",
        "温州医大测试",
        "300,000",
        "2024330300000123",
    ):
        assert private not in html


def test_dashboard_headers_have_their_own_english(
    client, login, create_user, kpi_world
):
    """The same Chinese words are a button and a spec column elsewhere."""
    login(create_user(role=Role.OPERATOR))
    html = client.get("/dashboard/" + MARCH_ARGS + "&lang=en").get_data(as_text=True)
    assert "Achievements published" in html and "Needs published" in html
    assert ">Indicator<" in html
    assert "Publish achievement" not in html and ">Specification<" not in html


def test_match_views_are_counted_per_user_and_day(db, create_user, create_achievement):
    user = create_user(role=Role.SUPPLIER)
    a = create_achievement(org=user.organization)
    record_match_view(a, user)
    record_match_view(a, user)
    db.session.expire_all()
    rows = db.session.query(MatchView).all()
    assert [(r.kind, r.listing_id, r.user_id, r.count) for r in rows] == [
        ("achievement", a.id, user.id, 2)
    ]
