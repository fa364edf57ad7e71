"""Firms' technical needs (技术需求) and the brokers' translations of them (需求翻译)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.domain import TRL_LABELS
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.lifecycle import NeedStatus
from ..listings.models import ListingMixin


class Need(ListingMixin, db.Model):
    __tablename__ = "needs"

    #: The firm's own words; private to the firm and the brokers.
    description: Mapped[str] = mapped_column(sa.Text)
    budget_min_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    budget_max_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    #: When the firm wants the problem solved.
    deadline: Mapped[date | None]
    #: Lowest TRL that helps the firm (e.g. 7 for "ready for the production line").
    trl_min: Mapped[int | None]
    #: The public need hides the firm's name and is shown to signed-in users only.
    confidential: Mapped[bool] = mapped_column(default=False)
    status: Mapped[NeedStatus] = mapped_column(
        str_enum(NeedStatus), default=NeedStatus.DRAFT, index=True
    )
    #: The broker who claimed the translation.
    broker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    broker = relationship("User", foreign_keys=[broker_id])
    translations: Mapped[list[NeedTranslation]] = relationship(
        back_populates="need",
        cascade="all, delete-orphan",
        order_by="NeedTranslation.version",
    )

    @property
    def current_translation(self) -> NeedTranslation | None:
        """The newest translation version (what the firm approves and the public sees)."""
        return self.translations[-1] if self.translations else None

    @property
    def approved_translation(self) -> NeedTranslation | None:
        for t in reversed(self.translations):
            if t.approved_at is not None:
                return t
        return None

    def can_view(self, user) -> bool:
        """Public once published (confidential ones to signed-in users); else owner+staff."""
        signed_in = bool(user and user.is_authenticated)
        if self.is_public:
            return signed_in or not self.confidential
        return signed_in and (self.is_owned_by(user) or user.is_staff)

    def can_view_original(self, user) -> bool:
        """The firm's own words: the firm and the brokers (and the operator)."""
        return bool(
            user and user.is_authenticated and (self.is_owned_by(user) or user.is_staff)
        )

    def can_see_firm(self, user) -> bool:
        return not self.confidential or self.can_view_original(user)

    def can_translate(self, user) -> bool:
        """The claiming broker (or the operator) writes versions while translating."""
        if (
            not (user and user.is_authenticated)
            or self.effective_status != NeedStatus.TRANSLATING
        ):
            return False
        return user.is_operator or (user.is_broker and self.broker_id == user.id)

    def can_attach(self, user) -> bool:
        """The firm (and the staff helping it) add files to the original material."""
        return self.can_view_original(user) and self.effective_status not in (
            NeedStatus.WITHDRAWN,
            NeedStatus.EXPIRED,
        )

    @property
    def trl_label(self):
        return TRL_LABELS.get(self.trl_min, "") if self.trl_min else ""


class NeedTranslation(db.Model):
    """One version of a broker's technical translation of a need; versions are kept."""

    __tablename__ = "need_translations"
    __table_args__ = (sa.UniqueConstraint("need_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(
        sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    #: 拟解决的技术难题.
    technical_problem: Mapped[str] = mapped_column(sa.Text)
    #: Quantified targets: [{"name", "target", "unit", "test_method"}].
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: 现有基础条件: equipment, materials, volumes.
    existing_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    field: Mapped[str | None] = mapped_column(sa.String(32))
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The firm's comment when it asked for changes.
    firm_comment: Mapped[str | None] = mapped_column(sa.Text)

    need: Mapped[Need] = relationship(back_populates="translations")
    author = relationship("User", foreign_keys=[author_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
