"""Innovation vouchers issued to firms and their redemptions against fees."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from .rules import ClaimStatus, QuotaStatus


class Voucher(db.Model):
    """科技创新券: face value, balance, validity and the service kinds it pays for."""

    __tablename__ = "vouchers"
    __table_args__ = (
        sa.CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    face_value_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: What is left; only ever lowered by a conditional UPDATE (never below zero).
    balance_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    #: Service kinds (vouchers.rules.SERVICE_KINDS) it may pay for.
    service_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: The largest share of one fee the voucher may pay, in percent.
    max_share_pct: Mapped[int] = mapped_column(default=50)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    organization = relationship("Organization")
    redemptions: Mapped[list[VoucherRedemption]] = relationship(
        back_populates="voucher", order_by="VoucherRedemption.id", viewonly=True
    )

    def is_valid_on(self, day: date | None = None) -> bool:
        day = day or today_shanghai()
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class VoucherRedemption(db.Model):
    """One use of a voucher on one payment request (mirrored by a ledger entry)."""

    __tablename__ = "voucher_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), index=True)
    payment_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_requests.id"), index=True
    )
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    service_kind: Mapped[str] = mapped_column(sa.String(16))
    #: The service provider the government pays (None: the market itself).
    provider_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id")
    )
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    voucher: Mapped[Voucher] = relationship(back_populates="redemptions")
    request = relationship("PaymentRequest")
    provider = relationship("Organization")


class EligibleProvider(db.Model):
    """The operator's list of voucher providers (载体): a voucher is only paid to these."""

    __tablename__ = "voucher_providers"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    eligible: Mapped[bool] = mapped_column(default=False)
    #: Why the operator listed or delisted it (e.g. 省级检验检测机构，CMA 资质).
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")


class QuotaApplication(db.Model):
    """申领额度: a firm asks for a voucher quota; the operator approves all, part or none."""

    __tablename__ = "voucher_applications"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: The Beijing-time year the application counts against (the per-year cap).
    year: Mapped[int] = mapped_column(index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    purpose: Mapped[str] = mapped_column(sa.Text)
    #: rules.QuotaStatus
    status: Mapped[str] = mapped_column(sa.String(12), default=QuotaStatus.PENDING)
    approved_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    voucher = relationship("Voucher")


class VoucherClaim(db.Model):
    """兑付: a provider claims the voucher part of a delivered service or of a paid prize or
    contract payment; the operator settles.

    One claim per redemption, ever (the unique constraint holds also against two
    simultaneous claims); a rejected claim stays rejected with its reason.
    """

    __tablename__ = "voucher_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(
        sa.ForeignKey("voucher_redemptions.id"), unique=True
    )
    provider_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    #: The delivered service: an accepted order (with its report) or a completed booking.
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_orders.id"))
    booking_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("instrument_bookings.id")
    )
    #: Or a paid payment request that is its own proof (a prize, a contract payment):
    #: the payment was received in full (services.claims.PAYMENT_PROOF_KINDS).
    payment_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_requests.id")
    )
    #: The proof of delivery: the order's report (None for an instrument's usage record).
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: rules.ClaimStatus
    status: Mapped[str] = mapped_column(
        sa.String(12), default=ClaimStatus.SUBMITTED, index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    claimed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    redemption = relationship("VoucherRedemption")
    provider_org = relationship("Organization")
    #: services.models: the service tables sit a floor above, so by name.
    order = relationship("ServiceOrder")
    booking = relationship("Booking")
    payment_request = relationship("PaymentRequest")
