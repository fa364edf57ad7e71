"""Bulk import: preview before saving, cancel saves nothing, confirm saves only the good
rows in one go, re-import updates by external_ref, members stay in their organisation."""

from __future__ import annotations

import time

import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement
from marketplace.bulk import services
from marketplace.bulk.models import BulkImport
from marketplace.bulk.sheets import COLUMNS
from marketplace.core.audit import AuditEntry
from marketplace.listings.files import HEADER_ALIASES

from .conftest import ach_row, csv_bytes


def _supplier(create_org, create_user, name="温州大学测试"):
    org = create_org(name=name, type=OrgType.UNIVERSITY)
    return create_user(role=Role.SUPPLIER, org=org)


def _mixed():
    return csv_bytes(
        [
            ach_row("R-1", "钛合金镜架激光焊接"),
            ach_row("R-2", "", 成熟度="12"),  # no title, TRL out of range
            ach_row("R-3", "板材镜架抛光工艺", 技术领域="nonsense"),
            ach_row("R-4", "防蓝光镀膜", 发明人="张三:60；李四:30"),  # shares sum to 90
            ach_row("R-5", "<script>alert(1)</script>镜片"),
            ach_row("R-6", "镜腿铰链冷锻工艺"),
        ]
    )


def _achievements(db):
    return db.session.scalars(sa.select(Achievement).order_by(Achievement.id)).all()


def test_preview_shows_each_row_and_cancel_saves_nothing(
    client, login, db, create_org, create_user, upload
):
    login(_supplier(create_org, create_user))
    bi = upload(_mixed())
    assert (bi.state, bi.new_rows, bi.update_rows, bi.error_rows) == (
        "previewed",
        2,
        0,
        4,
    )
    assert _achievements(db) == []  # nothing saved by the preview
    page = client.get(f"/bulk/{bi.id}").get_data(as_text=True)
    assert "缺少 title（标题）" in page and "发明人份额之和必须为 100%" in page
    assert "请只填写纯文本" in page
    errors = client.get(f"/bulk/{bi.id}/errors.csv").get_data().decode("utf-8-sig")
    assert [line.split(",")[0] for line in errors.splitlines()[1:]] == [
        "3",
        "4",
        "5",
        "6",
    ]

    assert client.post(f"/bulk/{bi.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(BulkImport, bi.id).state == "cancelled"
    assert _achievements(db) == []
    assert client.post(f"/bulk/{bi.id}/confirm").status_code == 302
    assert _achievements(db) == []  # a cancelled import cannot be confirmed


def test_confirm_imports_only_the_good_rows_in_the_chosen_status(
    client, login, db, create_org, create_user, upload
):
    user = _supplier(create_org, create_user)
    login(user)
    bi = upload(_mixed(), status="in_review")
    assert client.post(f"/bulk/{bi.id}/confirm").status_code == 302
    rows = _achievements(db)
    assert [(a.external_ref, a.title, str(a.status)) for a in rows] == [
        ("R-1", "钛合金镜架激光焊接", "in_review"),
        ("R-6", "镜腿铰链冷锻工艺", "in_review"),
    ]
    assert all(a.organization_id == user.organization_id for a in rows)
    assert all(a.created_by_id == user.id for a in rows)
    assert [i.name for i in rows[0].inventors] == ["张三"]
    db.session.expire_all()
    bi = db.session.get(BulkImport, bi.id)
    assert (bi.state, bi.created_count, bi.updated_count) == ("done", 2, 0)
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "bulk.import")
    )


def test_reimport_updates_by_external_ref(
    client, login, db, create_org, create_user, upload
):
    login(_supplier(create_org, create_user))
    bi = upload(
        csv_bytes([ach_row("R-1", "旧标题"), ach_row("R-2", "第二条")]), status="draft"
    )
    client.post(f"/bulk/{bi.id}/confirm")
    bi = upload(
        csv_bytes([ach_row("R-1", "新标题", 成熟度="7"), ach_row("R-9", "第三条")]),
        status="draft",
    )
    assert (bi.new_rows, bi.update_rows) == (1, 1)
    page = client.get(f"/bulk/{bi.id}").get_data(as_text=True)
    assert "更新" in page and "新增" in page
    client.post(f"/bulk/{bi.id}/confirm")
    rows = {a.external_ref: a for a in _achievements(db)}
    assert set(rows) == {"R-1", "R-2", "R-9"}
    assert (rows["R-1"].title, rows["R-1"].trl) == ("新标题", 7)


def test_duplicate_refs_in_one_file_are_errors(
    client, login, db, create_org, create_user, upload
):
    login(_supplier(create_org, create_user))
    bi = upload(csv_bytes([ach_row("R-1", "甲"), ach_row("R-1", "乙")]))
    assert (bi.new_rows, bi.error_rows) == (1, 1)


def test_a_member_cannot_import_into_another_organisation(
    client, login, db, create_org, create_user, upload
):
    other = create_org(name="浙江大学测试", type=OrgType.UNIVERSITY)
    login(_supplier(create_org, create_user))
    bi = upload(
        csv_bytes(
            [
                ach_row("R-1", "别人的成果", org=other.name),
                ach_row("R-2", "自己的成果", org="温州大学测试"),
            ]
        )
    )
    assert (bi.new_rows, bi.error_rows) == (1, 1)
    client.post(f"/bulk/{bi.id}/confirm")
    assert [a.organization.name for a in _achievements(db)] == ["温州大学测试"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Achievement)
            .where(Achievement.organization_id == other.id)
        )
        == 0
    )


def test_members_import_only_their_kind_and_statuses(
    client, login, db, create_user, upload
):
    login(create_user(role=Role.FIRM))
    resp = upload(csv_bytes([ach_row("R-1", "成果")]), kind="achievement")
    assert resp.status_code == 422
    resp = upload(csv_bytes([ach_row("R-1", "成果")]), kind="need", status="published")
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BulkImport)) == 0


def test_others_cannot_see_or_touch_an_import(
    client, login, db, create_org, create_user, upload, app
):
    login(_supplier(create_org, create_user))
    bi = upload(csv_bytes([ach_row("R-1", "甲")]))
    other = app.test_client()
    login(create_user(role=Role.SUPPLIER), c=other)
    assert other.get(f"/bulk/{bi.id}").status_code == 404
    assert other.post(f"/bulk/{bi.id}/confirm").status_code == 404
    assert other.get(f"/bulk/{bi.id}/errors.csv").status_code == 404
    broker = app.test_client()
    login(create_user(role=Role.BROKER), c=broker)
    assert broker.get("/bulk/").status_code == 403


def test_bad_files_are_refused_with_reasons(
    client, login, create_org, create_user, upload
):
    login(_supplier(create_org, create_user))
    resp = upload(b"not a spreadsheet", filename="x.pdf")
    assert resp.status_code == 422 and "请上传 CSV 或 XLSX 文件" in resp.get_data(
        as_text=True
    )
    resp = upload(b"PK\x03\x04garbage", filename="x.xlsx")
    assert resp.status_code == 422
    resp = upload(csv_bytes([]), filename="x.csv")
    assert resp.status_code == 422 and "没有数据行" in resp.get_data(as_text=True)


def test_operator_imports_for_any_organisation_and_may_publish(
    client, login, db, create_org, create_user, upload
):
    wmu = create_org(name="温医大测试", type=OrgType.UNIVERSITY)
    pending = create_org(name="未认证研究所", type=OrgType.INSTITUTE, verified=False)
    login(create_user(role=Role.OPERATOR))
    bi = upload(
        csv_bytes(
            [
                ach_row("R-1", "甲", org=wmu.name),
                ach_row("R-2", "乙", org=pending.name),
                ach_row("R-3", "丙", org="不存在的机构"),
                ach_row("R-4", "丁"),
            ]
        ),
        status="published",
        organization_id=str(wmu.id),
    )
    assert (bi.new_rows, bi.error_rows) == (
        2,
        2,
    )  # R-4's empty 机构 filled with 温医大测试
    client.post(f"/bulk/{bi.id}/confirm")
    rows = _achievements(db)
    assert {(a.external_ref, str(a.status)) for a in rows} == {
        ("R-1", "published"),
        ("R-4", "published"),
    }


def test_large_files_preview_in_chunks_with_progress(
    client, login, db, create_org, create_user, upload, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK", 4)
    login(_supplier(create_org, create_user))
    data = csv_bytes([ach_row(f"R-{i}", f"成果{i}") for i in range(10)])
    bi = upload(data, preview=False)
    assert (bi.state, bi.total_rows, bi.processed_rows) == ("previewing", 10, 0)
    page = client.get(f"/bulk/{bi.id}").get_data(as_text=True)
    assert "data-bulk-progress" in page and "js/bulk.js" in page
    seen = []
    for _ in range(3):
        seen.append(
            client.post(
                f"/bulk/{bi.id}/step", headers={"Accept": "application/json"}
            ).get_json()
        )
    assert [(s["processed"], s["finished"]) for s in seen] == [
        (4, False),
        (8, False),
        (10, True),
    ]
    assert client.get(f"/bulk/{bi.id}/status").get_json()["total"] == 10


def test_a_big_import_runs_in_the_background_and_reports_done(
    client, login, db, create_org, create_user, upload, app, monkeypatch
):
    monkeypatch.setitem(app.config, "BULK_IMPORT_INLINE_MAX", 0)
    login(_supplier(create_org, create_user))
    bi = upload(csv_bytes([ach_row(f"R-{i}", f"成果{i}") for i in range(5)]))
    assert client.post(f"/bulk/{bi.id}/confirm").status_code == 302
    for _ in range(100):
        db.session.expire_all()  # the test shares one session with its requests
        status = client.get(f"/bulk/{bi.id}/status").get_json()
        if status["finished"]:
            break
        time.sleep(0.1)
    assert status["state"] == "done"
    db.session.expire_all()
    assert len(_achievements(db)) == 5


def test_template_headers_are_the_importers_headers():
    for columns in COLUMNS.values():
        for header, field in columns:
            assert HEADER_ALIASES[header] == field
