"""Lifecycle actions on achievements and needs: the one place their status changes."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..core.workflow import Transition, Workflow
from ..extensions import db
from .lifecycle import (
    ACHIEVEMENT_FLOW,
    NEED_FLOW,
    NEW,
    STATUS_LABELS,
    SYSTEM,
    ListingStatus,
    NeedStatus,
    import_action,
)

log = logging.getLogger("marketplace.listings")

#: Which workflow governs which model (by table name).
FLOWS: dict[str, Workflow] = {"achievements": ACHIEVEMENT_FLOW, "needs": NEED_FLOW}
#: The same by kind, as records and imports name them.
KIND_FLOWS: dict[str, Workflow] = {"achievement": ACHIEVEMENT_FLOW, "need": NEED_FLOW}


def flow_of(listing) -> Workflow:
    return FLOWS[listing.__tablename__]


def available_actions(listing, user) -> list:
    """The lifecycle buttons `user` may press on `listing` now."""
    return flow_of(listing).available(
        listing, listing.effective_status, listing.parties(user)
    )


def apply_listing_action(
    listing,
    action: str,
    actor,
    reason: str = "",
    version=None,
    now=None,
    *,
    system: bool = False,
    **details,
):
    """Move `listing` through its lifecycle table; records timestamps and an audit entry.

    `actor` None is the market itself (SYSTEM: the expiry); it acts on the stored status,
    as a listing past its validity stays "published" until the expiry moves it.
    `system`: the market acts although `actor` is named, the person whose job it runs
    (a bulk import), who goes into the audit entry. A listing not stored yet is NEW.
    `version` is the updated_at the page was rendered with: when given and different,
    someone else changed the listing meanwhile and the action is refused. `details`
    go into the audit entry.
    """
    if (
        version is not None
        and listing.updated_at
        and version != listing.updated_at.isoformat()
    ):
        raise InvalidTransition(_("该条目已被他人修改，请刷新页面后重试。"))
    if actor is None or system:
        state, parties = str(listing.status or NEW), {SYSTEM}
    else:
        state, parties = listing.effective_status, listing.parties(actor)
    t = flow_of(listing).check(listing, state, action, parties, reason, now=now)
    now = now or utcnow()
    for name, value in status_columns(t, now, listing.submitted_at).items():
        setattr(listing, name, value)
    if t.needs_reason:
        listing.review_note = reason.strip()
    audit.record(
        actor,
        f"{listing.__tablename__[:-1]}.{action}",
        listing,
        from_status=state,
        to_status=str(t.target),
        reason=reason.strip() or None,
        **details,
    )
    db.session.flush()
    return t


def status_columns(
    t: Transition, now: datetime, submitted_at: datetime | None = None
) -> dict[str, Any]:
    """The columns a move by `t` sets: the status, and when the listing was submitted
    or published. An import past draft counts as submitted when it was not before."""
    out: dict[str, Any] = {"status": t.target, "updated_at": now}
    if t.action == import_action(t.target):
        if t.target != ListingStatus.DRAFT:
            out["submitted_at"] = submitted_at or now
    elif t.target in (ListingStatus.IN_REVIEW, NeedStatus.SUBMITTED):
        out["submitted_at"] = now
        out["review_note"] = None
    if t.target == ListingStatus.PUBLISHED:
        out["published_at"] = now
        out["review_note"] = None
    return out


def check_import(kind: str, status: str, source: str = NEW) -> Transition:
    """May the market's import put a listing of `kind` ("achievement" or "need") that
    is `source` (NEW: not stored yet) into `status`? Its row of the lifecycle table,
    or InvalidTransition saying why not. A batch of new rows asks once per status."""
    try:
        return KIND_FLOWS[kind].check(None, source, import_action(status), {SYSTEM})
    except InvalidTransition:
        words = _("成果") if kind == "achievement" else _("需求")
        wanted = STATUS_LABELS.get(status, status)
        if source == NEW:
            message = _(
                "导入不能新建状态为“%(status)s”的%(kind)s。", status=wanted, kind=words
            )
        else:
            message = _(
                "该%(kind)s当前为“%(current)s”，导入不能将其改为“%(status)s”。",
                kind=words,
                current=STATUS_LABELS.get(source, source),
                status=wanted,
            )
        raise InvalidTransition(message) from None


def record_imports(t: Transition, table: sa.Table, ids: list[int], actor, now) -> None:
    """The audit entries of the new listings (rows `ids` of `table`) a batch import
    created by `t`, one per listing as apply_listing_action writes them, in one
    INSERT … SELECT: the database copies the ids, nothing is sent per row."""
    if not ids:
        return
    kind = table.name[:-1]
    action = f"{kind}.{t.action}"
    actor_id = getattr(actor, "id", None)
    ip = request.remote_addr if has_request_context() else None
    detail = {"from_status": NEW, "to_status": str(t.target)}
    entries = audit.AuditEntry.__table__
    db.session.execute(
        sa.insert(entries).from_select(
            ["at", "actor_id", "action", "object_type", "object_id", "detail", "ip"],
            sa.select(
                sa.literal(now, sa.DateTime),
                sa.literal(actor_id, sa.Integer),
                sa.literal(action, sa.String),
                sa.literal(kind, sa.String),
                table.c.id,
                sa.literal(detail, sa.JSON),
                sa.literal(ip, sa.String),
            ).where(table.c.id.in_(ids)),
        )
    )
    log.info("audit", extra={"actor": actor_id, "action": action, "count": len(ids)})
