"""Keeping the search outbox log short: rows every node has applied are deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..core.timeutil import utcnow
from ..extensions import db
from .models import SearchNodeCursor, SearchOutbox
from .service import after_cursor


def prune_outbox(now: datetime | None = None) -> int:
    """Delete the log rows that every known node's cursor has passed, whose
    once-only work is done, and that are older than SEARCH_OUTBOX_RETENTION_HOURS;
    returns how many went. Nothing goes while no node has a cursor yet.

    A node that was down keeps its cursor, so the rows it has still to apply
    stay; a node retired for good must have its row removed from
    search_node_cursors, or the log grows again. A new node builds its index
    from the database (`flask search reindex`) and needs no old rows.
    """
    now = now or utcnow()
    hours = current_app.config["SEARCH_OUTBOX_RETENTION_HOURS"]
    cursors = db.session.execute(
        sa.select(SearchNodeCursor.last_xid, SearchNodeCursor.last_id)
    ).all()
    if not cursors:
        return 0
    passed = [sa.not_(after_cursor(c.last_xid, c.last_id)) for c in cursors]
    result = db.session.execute(
        sa.delete(SearchOutbox).where(
            SearchOutbox.processed_at.is_not(None),
            SearchOutbox.created_at < now - timedelta(hours=hours),
            *passed,
        )
    )
    return result.rowcount or 0
