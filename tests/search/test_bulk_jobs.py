"""Bulk jobs (listings import, demo generate, reindex) write, index and match in batches
and send one summary alert per recipient, never one per listing."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.achievements.models import Achievement, Inventor
from marketplace.bulk.importer import import_records
from marketplace.core.mail_outbox import MailOutbox
from marketplace.needs.models import Need
from marketplace.notifications.models import Notification
from marketplace.search import commands as search_commands
from marketplace.search.bulkwork import rematch
from marketplace.search.models import ListingMatch, SearchNodeCursor, SearchOutbox
from marketplace.search.service import MODELS, get_index, store_matches, sync_outbox
from search_index import batch, search
from tests.scale.test_nodes import node_b, on  # noqa: F401 (a fixture)
from tests.search.test_alerts import PVD_ACH, PVD_NEED

PVD_TITLES = [
    "镜架PVD镀层高附着力镀膜工艺",
    "PVD离子镀膜附着力提升方案",
    "钛架PVD镀层结合力增强技术",
]


def _rows(n: int, org: str = "浙江工业大学", start: int = 0) -> list[dict]:
    return [
        {
            "kind": "achievement",
            "organization": org,
            "external_ref": f"B-{start + i}",
            "title": PVD_TITLES[i % len(PVD_TITLES)] + f"（{start + i}）",
            "summary": "PVD镀层附着力达5B，盐雾48小时",
            "field": "surface_treatment",
            "keywords": "PVD,附着力",
            "inventors": "",
        }
        for i in range(n)
    ]


def _csv(path, rows) -> str:
    keys = sorted({k for r in rows for k in r})
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    return str(path)


@pytest.fixture
def statements(db):
    """The SQL statements sent while the test runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def count(db, model, *where) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where)
    )


def test_import_inserts_a_batch_of_listings_in_one_statement_per_table(
    db, create_org, statements
):
    create_org(name="浙江工业大学", type="university")
    db.session.commit()
    rows = _rows(60)
    rows[0]["inventors"] = "张三:60;李四:40"
    statements.clear()
    report = import_records(enumerate(rows, start=2))
    db.session.commit()
    assert report.created == 60 and not report.errors
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len([s for s in inserts if "INTO achievements" in s]) == 1
    assert len([s for s in inserts if "INTO search_outbox" in s]) == 1
    assert len([s for s in inserts if "INTO inventors" in s]) == 1
    assert count(db, Achievement) == 60
    first = db.session.scalar(
        sa.select(Achievement).where(Achievement.external_ref == "B-0")
    )
    assert first.status == "published" and first.published_at is not None
    assert [(i.name, i.share_percent) for i in first.inventors] == [
        ("张三", 60),
        ("李四", 40),
    ]
    assert count(db, Inventor) == 2
    # One log row per listing, its once-only work marked done (the job matches).
    assert count(db, SearchOutbox) == 60
    assert count(db, SearchOutbox, SearchOutbox.processed_at.is_(None)) == 0


def test_import_in_batches_creates_needs_with_their_translation(db, create_org):
    create_org(name="温州明视眼镜有限公司", type="firm")
    db.session.commit()
    rows = [
        {
            "kind": "need",
            "organization": "温州明视眼镜有限公司",
            "external_ref": f"N-{i}",
            "title": f"镜架电镀层容易脱落{i}",
            "description": "镜架镀膜用几个月就掉，希望提高镀层附着力。",
        }
        for i in range(5)
    ]
    report = import_records(enumerate(rows, start=2), batch=2)
    db.session.commit()
    assert report.created == 5
    needs = db.session.scalars(sa.select(Need).order_by(Need.id)).all()
    assert [n.external_ref for n in needs] == [f"N-{i}" for i in range(5)]
    assert all(n.current_translation and n.approved_translation for n in needs)
    assert all(n.is_public for n in needs)


def test_a_ref_twice_in_one_batch_is_created_then_updated(db, create_org):
    create_org(name="浙江工业大学", type="university")
    db.session.commit()
    rows = _rows(2)
    rows[1]["external_ref"] = rows[0]["external_ref"]
    rows[1]["title"] = "第二行的标题"
    report = import_records(enumerate(rows, start=2))
    db.session.commit()
    assert (report.created, report.updated) == (1, 1)
    assert [a.title for a in db.session.scalars(sa.select(Achievement))] == [
        "第二行的标题"
    ]


def test_a_bulk_import_sends_one_summary_per_recipient_not_one_per_listing(
    app, db, tmp_path, create_need, create_user, smtp_server
):
    needs = [
        create_need(**PVD_NEED),
        create_need(**{**PVD_NEED, "title": "PVD镀层脱落"}),
    ]
    org = needs[0].organization
    needs[1].organization = org
    boss = create_user(role=Role.FIRM, org=org, email="boss@firm.example")
    db.session.commit()
    sync_outbox()
    app.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        result = app.test_cli_runner().invoke(
            args=[
                "listings",
                "import",
                _csv(tmp_path / "a.csv", _rows(6)),
                "--create-orgs",
            ]
        )
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    assert result.exit_code == 0, result.output
    assert "6 created" in result.output and "1 summary alerts" in result.output
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(boss.id, "match.bulk")]
    assert "6" in notes[0].title
    assert notes[0].link in {f"/needs/{n.id}" for n in needs}
    assert [m["To"] for m in smtp_server] == ["boss@firm.example"]
    assert count(db, MailOutbox) == 1
    # The new listings are searchable and matched, in one pass.
    hits = search(get_index(), "achievement", "PVD", per_page=50).hits
    assert len(hits) == 6
    for need in needs:
        assert count(db, ListingMatch, ListingMatch.need_id == need.id) == 6
    assert count(db, SearchOutbox, SearchOutbox.processed_at.is_(None)) == 0
    assert sync_outbox() == 0  # nothing left to apply one by one


def test_a_large_job_rebuilds_the_index_and_moves_the_cursor_past_its_rows(
    app, db, tmp_path, create_need, create_user, monkeypatch
):
    need = create_need(**PVD_NEED)
    create_user(role=Role.FIRM, org=need.organization)
    sync_outbox()
    monkeypatch.setattr(search_commands, "REBUILD_MIN", 1)
    app.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        result = app.test_cli_runner().invoke(
            args=[
                "listings",
                "import",
                _csv(tmp_path / "a.csv", _rows(4)),
                "--create-orgs",
            ]
        )
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    assert result.exit_code == 0, result.output
    assert (
        "search: rebuilt" in result.output and "indexing achievements" in result.output
    )
    cursor = db.session.get(SearchNodeCursor, app.config["MARKET_NODE_NAME"])
    log = db.session.execute(sa.select(SearchOutbox.xid, SearchOutbox.id)).all()
    # Past the cursor, or (PostgreSQL, another transaction of the server still
    # running) listed as applied: nothing is applied again.
    behind = {r.id for r in log if (r.xid, r.id) > (cursor.last_xid, cursor.last_id)}
    assert behind <= set(cursor.applied_ids)
    assert sync_outbox() == 0
    assert len(search(get_index(), "achievement", "PVD").hits) == 4
    assert count(db, ListingMatch, ListingMatch.need_id == need.id) == 4
    assert count(db, Notification) == 1


def test_another_node_follows_a_bulk_job_in_batches_without_redoing_its_work(
    app,
    db,
    node_b,  # noqa: F811 (the fixture imported above)
    tmp_path,
    create_need,
    create_user,
    statements,
):
    app.config["MARKET_NODE_NAME"] = "node-a"
    need = create_need(**PVD_NEED)
    create_user(role=Role.FIRM, org=need.organization)
    sync_outbox()
    with on(node_b):
        assert sync_outbox() == 1
    app.test_cli_runner().invoke(
        args=["listings", "import", _csv(tmp_path / "a.csv", _rows(5)), "--create-orgs"]
    )
    matches, notes = count(db, ListingMatch), count(db, Notification)
    assert notes == 1  # node A's job: one summary
    statements.clear()
    with on(node_b):
        assert sync_outbox() == 5
        assert len(search(get_index(), "achievement", "PVD").hits) == 5
        assert sync_outbox() == 0
    # Node B applied the rows to its index only: no matching, no alert.
    assert not [s for s in statements if "listing_matches" in s.lower()]
    assert count(db, ListingMatch) == matches
    assert count(db, Notification) == notes


def _old_recompute(session) -> dict:
    """The stored matches as the one-by-one recompute made them (each need, then
    each achievement, through store_matches)."""
    session.execute(sa.delete(ListingMatch))
    for kind in ("need", "achievement"):
        model = MODELS[kind]
        for obj in session.scalars(sa.select(model).order_by(model.id)):
            store_matches(kind, obj)
    return _stored(session)


def _stored(session) -> dict:
    rows = session.execute(
        sa.select(
            ListingMatch.need_id,
            ListingMatch.achievement_id,
            ListingMatch.score,
            ListingMatch.reasons,
        )
    ).all()
    return {(r.need_id, r.achievement_id): (r.score, r.reasons) for r in rows}


@pytest.mark.parametrize("procs", [1, 2])
def test_batch_matching_stores_what_one_by_one_matching_stored(
    db, create_need, create_achievement, monkeypatch, procs
):
    monkeypatch.setattr(batch, "CHUNK", 1)  # the forked path even for a few sources
    for i, title in enumerate(PVD_TITLES):
        create_achievement(**{**PVD_ACH, "title": title})
        create_need(**{**PVD_NEED, "title": f"{PVD_NEED['title']}{i}"})
    create_achievement(title="近视离焦镜片微透镜阵列设计", summary="多区正向离焦")
    create_need(
        title="青少年近视防控镜片", description="希望延缓眼轴增长", keywords=["离焦"]
    )
    sync_outbox()
    before = _old_recompute(db.session)
    db.session.commit()
    assert len(before) >= 9
    rematch(procs=procs)
    db.session.commit()
    assert _stored(db.session) == before


def test_demo_generate_writes_in_batches_and_shows_each_phase(app, db, statements):
    statements.clear()
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--achievements", "40", "--needs", "6"]
    )
    assert result.exit_code == 0, result.output
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len([s for s in inserts if "INTO achievements" in s]) == 1
    assert len([s for s in inserts if "INTO needs" in s]) == 1
    assert len([s for s in inserts if "INTO listing_matches" in s]) <= 1
    for label in ("achievements", "needs", "matching needs", "matching achievements"):
        assert label in result.output
    assert "search: updated" in result.output
    assert count(db, SearchOutbox, SearchOutbox.processed_at.is_(None)) == 0
    assert count(db, ListingMatch) > 0
    assert not [
        n for n in db.session.scalars(sa.select(Notification.kind)) if n != "match.bulk"
    ]


def test_reindex_matches_in_one_pass_and_prints_matching_beside_indexing(
    app, db, create_need, create_achievement
):
    need = create_need(**PVD_NEED)
    create_achievement(**PVD_ACH)
    sync_outbox()
    db.session.execute(sa.delete(ListingMatch))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "matching needs" in result.output and "matching: " in result.output
    assert "(indexing: " in result.output
    assert count(db, ListingMatch, ListingMatch.need_id == need.id) == 1
