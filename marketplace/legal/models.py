"""Versions of the operator's legal texts; a version, once published, never changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class TextKind(StrEnum):
    NDA = "nda"  #: 保密协议, accepted before confidential detail is shown
    OBJECTION_PROCEDURE = "objection_procedure"  #: 公示异议处理程序, on the board


TEXT_KIND_LABELS = {
    TextKind.NDA: _l("保密协议（NDA）"),
    TextKind.OBJECTION_PROCEDURE: _l("公示异议处理程序"),
}


class LegalText(db.Model):
    """One published version of a legal text; the current one is the newest."""

    __tablename__ = "legal_texts"
    __table_args__ = (
        sa.UniqueConstraint("kind", "version", name="uq_legal_texts_kind_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A TextKind code.
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    #: 1, 2, 3 … within the kind.
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    #: The text in Chinese (binding) and its English rendering.
    body: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: Structured parts the pages show apart, e.g. {"handler": …, "days": 10}.
    facts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by = relationship("User")

    @property
    def kind_label(self):
        return TEXT_KIND_LABELS.get(self.kind, self.kind)
