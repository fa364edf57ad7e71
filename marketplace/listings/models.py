"""Columns and rules shared by achievements and needs (both are "listings")."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..core.domain import COOPERATION_LABELS, FIELD_LABELS
from ..core.timeutil import today_shanghai, utcnow
from .lifecycle import EDITABLE_STATES, STATUS_LABELS, ListingStatus, parties_of


class ListingMixin:
    """Owner, reference, text, classification, validity and lifecycle timestamps."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The owner's own reference (e.g. a TTO's case number); unique per organisation.
    external_ref: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: A Field code (core.domain.Field).
    field: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: CooperationMode codes.
    cooperation_modes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Last day the listing is shown (Asia/Shanghai); past it the listing is expired.
    valid_until: Mapped[date | None]
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("organizations.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"))

    @declared_attr
    def organization(cls):
        return relationship("Organization")

    @declared_attr
    def created_by(cls):
        return relationship("User", foreign_keys=lambda: [cls.created_by_id])

    @declared_attr.directive
    def __table_args__(cls):
        return (sa.UniqueConstraint("organization_id", "external_ref"),)

    # -- derived -------------------------------------------------------------------
    @property
    def is_past_validity(self) -> bool:
        return self.valid_until is not None and self.valid_until < today_shanghai()

    @property
    def effective_status(self) -> str:
        """The status as people should see it, even before the expiry job has run."""
        if self.status == ListingStatus.PUBLISHED and self.is_past_validity:
            return ListingStatus.EXPIRED.value
        return str(self.status)

    @property
    def is_public(self) -> bool:
        return self.effective_status == ListingStatus.PUBLISHED

    @property
    def status_label(self):
        return STATUS_LABELS[self.effective_status]

    @property
    def field_label(self):
        return FIELD_LABELS.get(self.field, "") if self.field else ""

    @property
    def cooperation_labels(self) -> list:
        return [
            COOPERATION_LABELS[m]
            for m in self.cooperation_modes or []
            if m in COOPERATION_LABELS
        ]

    def parties(self, user) -> set[str]:
        return parties_of(user, self)

    def is_owned_by(self, user) -> bool:
        return bool(
            user and user.is_authenticated and user.belongs_to(self.organization_id)
        )

    def can_edit(self, user) -> bool:
        return self.is_owned_by(user) and str(self.status) in EDITABLE_STATES


def listing_models() -> list[type]:
    """The listing tables (achievements, needs): every model built on ListingMixin."""
    return ListingMixin.__subclasses__()


def public_filter(model):
    """SQL condition: published and not past validity (correct even if the job is late)."""
    return sa.and_(
        model.status == ListingStatus.PUBLISHED,
        sa.or_(model.valid_until.is_(None), model.valid_until >= today_shanghai()),
    )
