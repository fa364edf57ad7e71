"""Versions of the operator's legal texts; a version, once published, never changes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


class TextKind(LabelledEnum):
    NDA = (
        "nda",
        _l("保密协议（NDA）"),
    )  #: 保密协议, accepted before confidential detail is shown
    #: 公示异议处理程序, on the board
    OBJECTION_PROCEDURE = "objection_procedure", _l("公示异议处理程序")


TEXT_KIND_LABELS = TextKind.labels()


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
