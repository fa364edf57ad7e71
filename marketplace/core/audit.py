"""The audit trail: every operator and broker decision, with who, what and when."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .timeutil import utcnow

log = logging.getLogger("marketplace.audit")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Dotted verb, e.g. "organization.verify", "achievement.publish".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User")


def record(actor, action: str, obj=None, **detail: Any) -> AuditEntry:
    """Append an audit entry in the current transaction and log it as structured data."""
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()  # the entry names the object by its id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail={k: v for k, v in detail.items() if v is not None},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    log.info(
        "audit",
        extra={
            "actor": entry.actor_id,
            "action": action,
            "object": f"{entry.object_type}:{entry.object_id}",
            "detail": entry.detail,
        },
    )
    return entry
