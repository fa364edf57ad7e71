"""Records every change to a searchable row in the outbox, inside the same transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..achievements.models import Achievement
from ..core.timeutil import utcnow
from ..needs.models import Need, NeedTranslation
from .models import SearchOutbox

#: Session.info key: searchable rows changed in the transaction being committed.
DIRTY_KEY = "search_outbox_dirty"
#: Session.info key: such a transaction was committed; the outbox has work.
COMMITTED_KEY = "search_outbox_committed"
#: PostgreSQL: the id of the transaction writing the row (see SearchOutbox.xid).
PG_XID = "pg_current_xact_id()::text::bigint"


def _published_now(obj) -> bool:
    history = sa.inspect(obj).attrs.status.history
    return any(str(v) == "published" for v in history.added or ())


def _collect(session: Session) -> dict[tuple[str, int], dict]:
    changes: dict[tuple[str, int], dict] = {}

    def add(kind: str, obj_id: int | None, op: str, published: bool = False):
        if obj_id is None:
            return
        entry = changes.setdefault((kind, obj_id), {"op": op, "published": False})
        entry["op"] = "delete" if op == "delete" else entry["op"]
        entry["published"] = entry["published"] or published

    for obj in session.deleted:
        if isinstance(obj, Achievement):
            add("achievement", obj.id, "delete")
        elif isinstance(obj, Need):
            add("need", obj.id, "delete")
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Achievement | Need) and obj not in session.deleted:
            kind = "achievement" if isinstance(obj, Achievement) else "need"
            add(kind, obj.id, "upsert", _published_now(obj))
        elif isinstance(obj, NeedTranslation):
            add("need", obj.need_id or (obj.need.id if obj.need else None), "upsert")
    return changes


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, flush_context) -> None:
    # after_flush: new rows have their ids now; writing through the connection keeps
    # the outbox rows in this very transaction (rolled back with it).
    changes = _collect(session)
    if not changes:
        return
    now = utcnow()
    conn = session.connection()
    insert = sa.insert(SearchOutbox.__table__)
    if conn.dialect.name == "postgresql":
        insert = insert.values(xid=sa.literal_column(PG_XID))
    conn.execute(
        insert,
        [
            {
                "kind": kind,
                "object_id": obj_id,
                "op": c["op"],
                "published": c["published"],
                "created_at": now,
            }
            for (kind, obj_id), c in changes.items()
        ],
    )
    session.info[DIRTY_KEY] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(DIRTY_KEY, False):
        session.info[COMMITTED_KEY] = True


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(DIRTY_KEY, None)
