"""`flask jobs tick` deletes the search log rows every node has applied (and only those)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.clock import run_due
from marketplace.core.timeutil import utcnow
from marketplace.search.models import SearchNodeCursor, SearchOutbox
from marketplace.search.retention import prune_outbox
from marketplace.search.service import sync_outbox


def _log(db) -> list[int]:
    return list(db.session.scalars(sa.select(SearchOutbox.object_id).order_by("id")))


def _cursor_at(db, node: str, row: SearchOutbox) -> None:
    """`node` has applied the log up to `row` (set directly: on PostgreSQL a sync
    only moves a cursor past transactions older than every one running on the
    server, and other sessions may be running)."""
    cursor = db.session.get(SearchNodeCursor, node)
    if cursor is None:
        cursor = SearchNodeCursor(node=node, applied_ids=[])
        db.session.add(cursor)
    cursor.last_xid, cursor.last_id, cursor.applied_ids = row.xid, row.id, []
    db.session.commit()


def _rows(db) -> list[SearchOutbox]:
    return list(db.session.scalars(sa.select(SearchOutbox).order_by(SearchOutbox.id)))


def _age(db, days: int) -> None:
    db.session.execute(
        sa.update(SearchOutbox).values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_rows_every_node_passed_go_and_a_lagging_node_keeps_its_own(
    app, db, create_achievement
):
    old = [create_achievement(title=f"镜架镀膜工艺{i}") for i in range(3)]
    sync_outbox()
    node = app.config["MARKET_NODE_NAME"]
    _cursor_at(db, node, _rows(db)[-1])  # this node: all three applied
    _cursor_at(db, "lagging", _rows(db)[0])  # another: only the first
    _age(db, 30)
    assert prune_outbox() == 1
    db.session.commit()
    assert _log(db) == [old[1].id, old[2].id]
    # The lagging node catches up: now the rest may go, once old enough.
    db.session.delete(db.session.get(SearchNodeCursor, "lagging"))
    db.session.commit()
    fresh = create_achievement(title="新的镜片工艺")
    sync_outbox()
    _cursor_at(db, node, _rows(db)[-1])
    assert run_due()["search_log_pruned"] == 2  # the fresh row is too young
    db.session.commit()
    assert _log(db) == [fresh.id]


def test_rows_whose_once_only_work_is_pending_or_that_are_young_stay(
    app, db, create_achievement
):
    create_achievement(title="钛架焊接")
    sync_outbox()
    _cursor_at(db, app.config["MARKET_NODE_NAME"], _rows(db)[-1])
    assert prune_outbox() == 0  # a week's retention by default
    _age(db, 30)
    db.session.execute(sa.update(SearchOutbox).values(processed_at=None))
    db.session.commit()
    assert prune_outbox() == 0
    app.config["SEARCH_OUTBOX_RETENTION_HOURS"] = 24 * 60
    db.session.execute(sa.update(SearchOutbox).values(processed_at=utcnow()))
    try:
        assert prune_outbox() == 0  # younger than sixty days
    finally:
        app.config["SEARCH_OUTBOX_RETENTION_HOURS"] = 168
    assert prune_outbox() == 1


def test_nothing_goes_while_no_node_has_a_cursor(db, create_achievement):
    create_achievement(title="钛架焊接")
    _age(db, 30)
    db.session.execute(sa.update(SearchOutbox).values(processed_at=utcnow()))
    assert prune_outbox() == 0
