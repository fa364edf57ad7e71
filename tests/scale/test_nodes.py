"""Several web nodes on one database: each node's index follows the outbox log with a
cursor of its own; stored matches and alerts happen once, whichever node claims them."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.config import TestingConfig
from marketplace.notifications.models import Notification
from marketplace.search import alerts
from marketplace.search.models import ListingMatch, SearchNodeCursor, SearchOutbox
from marketplace.search.service import get_index, reset_index, sync_outbox
from search_index import search
from tests.search.test_alerts import PVD_ACH, PVD_NEED

ON_PG = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
pg_only = pytest.mark.skipif(
    not ON_PG,
    reason="row locks (SKIP LOCKED) and transaction ids need PostgreSQL; "
    "SQLite is one node",
)


@pytest.fixture
def node_b(app_config, tmp_path, db):
    """A second node: its own app (engine, config), its own index folder."""
    other = create_app(
        TestingConfig,
        **app_config
        | {"SEARCH_INDEX_DIR": str(tmp_path / "index-b"), "MARKET_NODE_NAME": "node-b"},
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    reset_index(str(tmp_path / "index-b"))


@contextmanager
def on(node):
    with node.app_context():
        try:
            yield
        finally:
            from marketplace.extensions import db

            db.session.remove()


def _found(q: str, kind: str = "achievement") -> list[int]:
    return sorted(h.id for h in search(get_index(), kind, q).hits)


@pytest.fixture
def alert_calls(monkeypatch):
    """Every call of the (real) alert step, from any thread."""
    calls: list[tuple[str, int]] = []
    real = alerts.new_listing_published

    def counting(kind, obj, matches):
        calls.append((kind, obj.id))
        return real(kind, obj, matches)

    monkeypatch.setattr(alerts, "new_listing_published", counting)
    return calls


def test_both_nodes_apply_every_change_and_the_alert_goes_out_once(
    app, db, node_b, create_need, create_achievement, create_user, alert_calls
):
    app.config["MARKET_NODE_NAME"] = "node-a"
    need = create_need(**PVD_NEED)
    create_user(role=Role.FIRM, org=need.organization)
    app.config["MATCH_ALERT_THRESHOLD"] = node_b.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        ach = create_achievement(**PVD_ACH)
        gone = create_achievement(title="醋酸纤维板抛光工艺")
        gone_id = gone.id
        assert sync_outbox() == 3  # node A: need, two achievements
        with on(node_b):
            assert sync_outbox() == 3
            assert _found("PVD") == [ach.id]
            assert _found("醋酸纤维板") == [gone.id]
            assert _found("附着力", "need") == [need.id]
        # Changes later: an edit and a delete reach both nodes too.
        ach.title = "镜架PVD镀层高附着力镀膜工艺（第二代）"
        db.session.delete(gone)
        db.session.commit()
        assert sync_outbox() == 2
        with on(node_b):
            assert sync_outbox() == 2
            assert _found("第二代") == [ach.id]
            assert _found("醋酸纤维板") == []
            assert sync_outbox() == 0  # nothing is applied twice
        assert _found("第二代") == [ach.id] and _found("醋酸纤维板") == []
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    # One alert step per published listing, on whichever node claimed it.
    assert sorted(alert_calls) == [
        ("achievement", ach.id),
        ("achievement", gone_id),
        ("need", need.id),
    ]
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [n.link for n in notes] == [f"/achievements/{ach.id}"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
        )
        == 0
    )
    cursors = dict(
        db.session.execute(
            sa.select(SearchNodeCursor.node, SearchNodeCursor.last_id)
        ).all()
    )
    assert set(cursors) == {"node-a", "node-b"}


def test_a_node_that_was_down_catches_up(app, db, node_b, create_achievement):
    app.config["MARKET_NODE_NAME"] = "node-a"
    first = create_achievement(title="钛合金鼻托激光焊接")
    with on(node_b):
        assert sync_outbox() == 1
    # Node B is stopped; node A alone sees three more changes.
    later = [create_achievement(title=f"防蓝光膜层配方{i}") for i in range(3)]
    first.status = "withdrawn"
    db.session.commit()
    sync_outbox()
    assert _found("防蓝光") == sorted(a.id for a in later)
    with on(node_b):
        assert _found("防蓝光") == []  # behind while it was down
        assert sync_outbox() == 4
        assert _found("防蓝光") == sorted(a.id for a in later)
        assert _found("鼻托") == []


def test_a_new_node_builds_its_index_from_the_database_then_follows(
    app, db, node_b, create_achievement
):
    old = create_achievement(title="偏光镜片贴合工艺")
    sync_outbox()
    with on(node_b):
        result = node_b.test_cli_runner().invoke(
            args=["search", "reindex", "--procs", "1"]
        )
        assert result.exit_code == 0, result.output
        assert _found("偏光") == [old.id]
    new = create_achievement(title="离焦镜片微结构设计")
    with on(node_b):
        assert sync_outbox() >= 1
        assert _found("离焦") == [new.id]
        assert sync_outbox() == 0


@pg_only
def test_a_row_committed_late_is_not_skipped_by_the_cursor(
    app, db, create_org, create_achievement
):
    """A transaction writes its outbox row first but commits last: the cursor of a
    node that synced in between must not move past that row."""
    from sqlalchemy.orm import Session

    from marketplace.achievements.models import Achievement

    org = create_org(type="university")
    db.session.commit()
    slow = Session(bind=db.engine)
    try:
        late = Achievement(
            organization_id=org.id,
            title="钛合金鼻托激光焊接",
            summary="鼻托焊接",
            status="published",
        )
        slow.add(late)
        slow.flush()  # its outbox row now has the lower id, not yet committed
        fast = create_achievement(title="醋酸纤维板抛光工艺")
        assert sync_outbox() == 1
        assert _found("醋酸纤维板") == [fast.id]
        slow.commit()
        late_id = late.id
    finally:
        slow.close()
    assert sync_outbox() == 1
    assert _found("鼻托") == [late_id]
    assert sync_outbox() == 0


@pg_only
def test_two_nodes_syncing_at_once_index_everything_and_alert_once(
    app, db, node_b, create_need, create_achievement, create_user, alert_calls
):
    app.config["MARKET_NODE_NAME"] = "node-a"
    need = create_need(**PVD_NEED)
    create_user(role=Role.FIRM, org=need.organization)
    achs = [
        create_achievement(**PVD_ACH | {"title": f"{PVD_ACH['title']}{i}"})
        for i in range(8)
    ]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    found: dict[str, list[int]] = {}

    def run(node, name):
        with on(node):
            node.config["MATCH_ALERT_THRESHOLD"] = 10
            barrier.wait()
            try:
                while sync_outbox(batch=2):
                    pass
                found[name] = _found("PVD")
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                errors.append(exc)
            finally:
                node.config["MATCH_ALERT_THRESHOLD"] = 60

    threads = [
        threading.Thread(target=run, args=(app, "a")),
        threading.Thread(target=run, args=(node_b, "b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    ids = sorted(a.id for a in achs)
    assert found == {"a": ids, "b": ids}
    assert sorted(alert_calls) == sorted(
        [("need", need.id)] + [("achievement", i) for i in ids]
    )
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
        )
        == 0
    )
    pairs = db.session.execute(
        sa.select(ListingMatch.need_id, ListingMatch.achievement_id)
    ).all()
    assert len(pairs) == len(set(pairs))
