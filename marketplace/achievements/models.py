"""Technology achievements (科技成果): patents, know-how and processes on offer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.domain import (
    IP_FORM_LABELS,
    PATENT_STATUS_LABELS,
    PATENT_TERM_YEARS,
    PRICING_LABELS,
    TRL_LABELS,
)
from ..core.enums import LabelledEnum
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..listings.lifecycle import ListingStatus
from ..listings.models import ListingMixin


class Achievement(ListingMixin, db.Model):
    __tablename__ = "achievements"

    #: Public summary, shown to everyone once published.
    summary: Mapped[str] = mapped_column(sa.Text)
    #: Confidential detail: owner, brokers, operators and NDA-accepted viewers only.
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    #: Technology readiness level 1–9 (GB/T 22900).
    trl: Mapped[int | None]
    #: An IpForm code.
    ip_form: Mapped[str | None] = mapped_column(sa.String(32))
    patent_number: Mapped[str | None] = mapped_column(sa.String(40))
    #: A PatentStatus code.
    patent_status: Mapped[str | None] = mapped_column(sa.String(16))
    patent_filing_date: Mapped[date | None]
    #: A PricingMode code.
    pricing_mode: Mapped[str | None] = mapped_column(sa.String(16))
    #: Asking / reference price in fen (分); None for 面议.
    price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    #: Technical indicators: [{"name", "value", "unit", "test_method"}].
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    application_scenarios: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ListingStatus] = mapped_column(
        str_enum(ListingStatus), default=ListingStatus.DRAFT, index=True
    )

    inventors: Mapped[list[Inventor]] = relationship(
        back_populates="achievement",
        cascade="all, delete-orphan",
        order_by="Inventor.position",
    )
    nda_requests: Mapped[list[NdaRequest]] = relationship(
        back_populates="achievement", cascade="all, delete-orphan"
    )

    @property
    def trl_label(self):
        return TRL_LABELS.get(self.trl, "") if self.trl else ""

    @property
    def ip_form_label(self):
        return IP_FORM_LABELS.get(self.ip_form, "") if self.ip_form else ""

    @property
    def patent_status_label(self):
        return (
            PATENT_STATUS_LABELS.get(self.patent_status, "")
            if self.patent_status
            else ""
        )

    @property
    def pricing_label(self):
        return PRICING_LABELS.get(self.pricing_mode, "") if self.pricing_mode else ""

    @property
    def patent_expiry(self) -> date | None:
        """The end of the statutory term, from the filing date (专利法 §42)."""
        years = PATENT_TERM_YEARS.get(self.ip_form or "")
        if not years or not self.patent_filing_date:
            return None
        d = self.patent_filing_date
        try:
            return d.replace(year=d.year + years)
        except ValueError:  # 29 February
            return d.replace(year=d.year + years, day=28)

    @property
    def remaining_term_years(self) -> float | None:
        expiry = self.patent_expiry
        if expiry is None:
            return None
        return max(0.0, round((expiry - today_shanghai()).days / 365.25, 1))

    def can_view(self, user) -> bool:
        """Published listings are public; others only to their owner and the staff."""
        if self.is_public:
            return True
        return bool(
            user and user.is_authenticated and (self.is_owned_by(user) or user.is_staff)
        )

    def can_view_detail(self, user) -> bool:
        """The confidential detail: owner, brokers, operators, accepted NDA requesters."""
        if not (user and user.is_authenticated):
            return False
        if self.is_owned_by(user) or user.is_staff:
            return True
        return any(
            r.requester_id == user.id and r.state == NdaState.ACCEPTED
            for r in self.nda_requests
        )


class Inventor(db.Model):
    __tablename__ = "inventors"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("achievements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    #: Share of the inventors' rights in percent; shares of one achievement sum to 100.
    share_percent: Mapped[int]
    achievement: Mapped[Achievement] = relationship(back_populates="inventors")


class NdaState(LabelledEnum):
    PENDING = "pending", _l("待处理")
    ACCEPTED = "accepted", _l("已同意")
    DECLINED = "declined", _l("已拒绝")


NDA_STATE_LABELS = NdaState.labels()


class NdaRequest(db.Model):
    """A viewer's request to see the confidential detail under the market's NDA."""

    __tablename__ = "nda_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("achievements.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    #: The requester ticked the NDA terms; recorded with the time below.
    nda_accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The NDA version accepted (legal_texts); None on requests made before versions.
    nda_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("legal_texts.id"))
    state: Mapped[NdaState] = mapped_column(
        str_enum(NdaState), default=NdaState.PENDING
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    achievement: Mapped[Achievement] = relationship(back_populates="nda_requests")
    requester = relationship("User", foreign_keys=[requester_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    nda_version = relationship("LegalText")

    @property
    def state_label(self):
        return NDA_STATE_LABELS[self.state]
