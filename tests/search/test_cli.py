"""The stable CLI: listings import, search reindex, match-need / match-achievement."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from marketplace.accounts.models import Organization
from marketplace.achievements.models import Achievement
from marketplace.needs.models import Need

ROWS = [
    {
        "kind": "achievement",
        "organization": "温州医科大学",
        "external_ref": "A-1",
        "title": "近视离焦镜片微透镜阵列设计",
        "summary": "多区正向离焦微透镜阵列，延缓青少年眼轴增长。",
        "field": "myopia_control",
        "keywords": "离焦,近视防控",
        "trl": "7",
        "cooperation_modes": "licence",
        "price_fen": "50000000",
    },
    {
        "kind": "achievement",
        "organization": "浙江工业大学",
        "external_ref": "A-2",
        "title": "镜架PVD镀膜附着力提升工艺",
        "summary": "等离子清洗与过渡层设计，使PVD膜层附着力达到5B。",
        "field": "surface_treatment",
        "keywords": "PVD,附着力",
        "trl": "6",
    },
    {
        "kind": "achievement",
        "organization": "Italy-China Eyewear Centre",
        "external_ref": "A-3",
        "title": "Acetate frame polishing robot",
        "summary": "A robot cell that polishes acetate frames.",
        "field": "automation",
        "trl": "5",
    },
    {
        "kind": "need",
        "organization": "温州明视眼镜有限公司",
        "external_ref": "N-1",
        "title": "镜架电镀层容易脱落",
        "description": "镜架镀膜用几个月就掉，退货多，希望提高镀层附着力。",
        "budget_max_fen": "30000000",
    },
    {
        "kind": "achievement",
        "organization": "温州医科大学",
        "title": "",
        "summary": "缺标题",
    },
    {"kind": "widget", "organization": "x", "title": "坏类型", "summary": "x"},
]


def _write_csv(path, rows):
    import csv

    keys = sorted({k for r in rows for k in r})
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)


def test_import_reports_bad_rows_and_imports_good_ones(app, db, tmp_path):
    path = tmp_path / "listings.csv"
    _write_csv(path, ROWS)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["listings", "import", str(path), "--create-orgs"])
    assert result.exit_code == 0, result.output
    assert "line 6" in result.output and "line 7" in result.output
    assert "4 created" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Achievement)) == 3
    need = db.session.scalar(sa.select(Need))
    assert need.status == "published" and need.current_translation is not None
    assert db.session.scalar(
        sa.select(Organization).where(Organization.name == "温州医科大学")
    ).is_verified


@pytest.mark.parametrize("header", ["a,b", "foo,bar\n1,2"])
def test_import_refuses_a_file_whose_first_row_is_no_known_header(
    app, db, tmp_path, header
):
    path = tmp_path / "other.csv"
    path.write_text(header + "\n", "utf-8")
    result = app.test_cli_runner().invoke(args=["listings", "import", str(path)])
    assert result.exit_code == 1
    assert "不是可识别的表头" in result.output and "kind" in result.output
    assert "imported:" not in result.output


def test_import_without_create_orgs_makes_missing_org_a_row_error(
    app, db, tmp_path, create_org
):
    create_org(name="温州医科大学", type="university")
    path = tmp_path / "l.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS[:2]), "utf-8"
    )
    result = app.test_cli_runner().invoke(args=["listings", "import", str(path)])
    assert "line 2" in result.output and "浙江工业大学" in result.output
    assert "1 created" in result.output and "1 row with errors" in result.output


def test_reimporting_the_same_external_ref_updates(app, db, tmp_path):
    path = tmp_path / "l.xlsx"
    wb = Workbook()
    ws = wb.active
    keys = ["kind", "organization", "external_ref", "title", "summary", "trl"]
    ws.append(keys)
    ws.append([ROWS[0][k] for k in keys])
    wb.save(path)
    runner = app.test_cli_runner()
    assert (
        "1 created"
        in runner.invoke(args=["listings", "import", str(path), "--create-orgs"]).output
    )
    ws.cell(row=2, column=4, value="近视离焦镜片（第二版）")
    wb.save(path)
    out = runner.invoke(args=["listings", "import", str(path), "--create-orgs"]).output
    assert "1 updated" in out
    rows = db.session.scalars(sa.select(Achievement)).all()
    assert [a.title for a in rows] == ["近视离焦镜片（第二版）"]
    assert rows[0].external_ref == "A-1"


def test_match_need_prints_json_best_first(app, db, tmp_path):
    path = tmp_path / "listings.csv"
    _write_csv(path, ROWS[:4])
    runner = app.test_cli_runner()
    runner.invoke(args=["listings", "import", str(path), "--create-orgs"])
    result = runner.invoke(
        args=["search", "match-need", "N-1", "--limit", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    matches = json.loads(result.output)
    assert matches[0]["external_ref"] == "A-2"
    assert set(matches[0]) == {"id", "external_ref", "title", "score", "reasons"}
    assert matches == sorted(matches, key=lambda m: -m["score"])
    back = json.loads(
        runner.invoke(args=["search", "match-achievement", "A-2", "--json"]).output
    )
    assert back[0]["external_ref"] == "N-1"


def test_match_with_an_unknown_ref_fails_clearly(app, db):
    result = app.test_cli_runner().invoke(
        args=["search", "match-need", "NOPE", "--json"]
    )
    assert result.exit_code != 0
    assert "NOPE" in result.output


def test_reindex_rebuilds_from_the_database(app, db, create_achievement):
    a = create_achievement(title="TR90镜架注塑工艺")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    from marketplace.search.service import get_index
    from search_index import search

    assert [h.id for h in search(get_index(), "achievement", "TR90").hits] == [a.id]


def test_reindex_if_outdated_rebuilds_only_an_index_of_an_older_schema(
    app, db, create_achievement
):
    from whoosh import fields
    from whoosh import index as whoosh_index

    from marketplace.search.service import get_index, reset_index
    from search_index import search

    a = create_achievement(title="TR90镜架注塑工艺")
    runner = app.test_cli_runner()
    args = ["search", "reindex", "--procs", "1", "--if-outdated"]
    result = runner.invoke(args=args)
    assert "up to date" in result.output
    # An index left by an older version: another schema, nothing findable.
    directory = app.config["SEARCH_INDEX_DIR"]
    reset_index(directory)
    old = fields.Schema(id=fields.ID(stored=True, unique=True))
    whoosh_index.create_in(directory, old, "achievements")
    assert get_index().outdated("achievement")
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "up to date" not in result.output
    assert not get_index().outdated("achievement")
    assert [h.id for h in search(get_index(), "achievement", "TR90").hits] == [a.id]
