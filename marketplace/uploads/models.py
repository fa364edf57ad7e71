"""Attachments: files stored outside the web root under random names."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Attachment(db.Model):
    """A file attached to an object named by (owner_type, owner_id)."""

    __tablename__ = "attachments"
    __table_args__ = (sa.Index("ix_attachments_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "achievement", "need", … : the kind of object the file belongs to.
    owner_type: Mapped[str] = mapped_column(sa.String(32))
    owner_id: Mapped[int]
    #: The name the uploader gave, shown and used for downloads only.
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: Random name in UPLOAD_DIR; never derived from the uploader's name.
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: MIME type detected from the file's bytes.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    #: Size in bytes.
    size: Mapped[int]
    #: Part of the confidential detail (same rule as the owner's detail).
    confidential: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by = relationship("User")
