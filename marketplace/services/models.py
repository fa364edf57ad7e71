"""Providers (科技中介服务), their catalogue and orders; shared instruments and bookings."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db

#: The claim table lives with the vouchers (兑付 is a step of the voucher flow); the name
#: stays importable here for the pages that read it beside orders and bookings.
from ..vouchers.models import VoucherClaim  # noqa: F401
from .rules import BookingStatus, OrderStatus


class Provider(db.Model):
    """The service profile of an organisation (a provider, a university's key lab …)."""

    __tablename__ = "service_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), unique=True
    )
    #: rules.PROVIDER_KINDS
    kind: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: core.domain.Field codes.
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: rules.TOWNS: the Ouhai town or street it sits in (创新地图).
    town: Mapped[str] = mapped_column(sa.String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    accreditations: Mapped[list[Accreditation]] = relationship(
        back_populates="provider", order_by="Accreditation.id", viewonly=True
    )
    offerings: Mapped[list[Offering]] = relationship(
        back_populates="provider", order_by="Offering.id", viewonly=True
    )


class Accreditation(db.Model):
    """A CMA or CNAS accreditation with its number and validity; lapsed ones say so."""

    __tablename__ = "service_accreditations"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_providers.id"), index=True
    )
    scheme: Mapped[str] = mapped_column(sa.String(8))  #: CMA / CNAS
    number: Mapped[str] = mapped_column(sa.String(60))
    valid_from: Mapped[date]
    valid_until: Mapped[date]

    provider: Mapped[Provider] = relationship(back_populates="accreditations")

    def lapsed(self, day: date | None = None) -> bool:
        return (day or today_shanghai()) > self.valid_until


class Offering(db.Model):
    """One service in a provider's catalogue (e.g. 盐雾试验 GB/T 10125)."""

    __tablename__ = "service_offerings"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_providers.id"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    standard: Mapped[str] = mapped_column(sa.String(120), default="")
    field: Mapped[str] = mapped_column(sa.String(24), default="")
    #: vouchers.rules.SERVICE_KINDS: what a voucher counts it as.
    service_kind: Mapped[str] = mapped_column(sa.String(16), default="testing")
    turnaround_days: Mapped[int] = mapped_column(default=0)
    #: rules.PRICE_MODES: fixed / per_sample / per_hour / on_quote
    price_mode: Mapped[str] = mapped_column(sa.String(12))
    price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: What the client must send (samples, drawings, documents).
    client_sends: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    provider: Mapped[Provider] = relationship(back_populates="offerings")


class ServiceOrder(db.Model):
    """A firm's order of one offering, from request to rating."""

    __tablename__ = "service_orders"
    __table_args__ = (
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_offerings.id"), index=True
    )
    provider_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    firm_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: A broker may attach the order to a deal (e.g. a test before a contract).
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"))
    #: rules.OrderStatus
    status: Mapped[str] = mapped_column(sa.String(12), default=OrderStatus.REQUESTED)
    quantity: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    quote_note: Mapped[str] = mapped_column(sa.Text, default="")
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    dispute_reason: Mapped[str] = mapped_column(sa.Text, default="")
    payment_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_requests.id")
    )
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    offering: Mapped[Offering] = relationship()
    provider_org = relationship("Organization", foreign_keys=[provider_org_id])
    firm_org = relationship("Organization", foreign_keys=[firm_org_id])
    report = relationship("Attachment")
    payment_request = relationship("PaymentRequest")
    deal = relationship("Deal")


class Instrument(db.Model):
    """A shared instrument or facility (科技资源开放共享) and its terms."""

    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    model: Mapped[str] = mapped_column(sa.String(80), default="")
    maker: Mapped[str] = mapped_column(sa.String(80), default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    town: Mapped[str] = mapped_column(sa.String(16), default="")
    field: Mapped[str] = mapped_column(sa.String(24), default="")
    capabilities: Mapped[str] = mapped_column(sa.Text, default="")
    standards: Mapped[str] = mapped_column(sa.String(200), default="")
    #: rules.UNIT_LABELS: hour / sample / day
    price_unit: Mapped[str] = mapped_column(sa.String(8), default="hour")
    unit_price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: Opening hours, Beijing time, whole hours [opens, closes).
    opens_hour: Mapped[int] = mapped_column(default=8)
    closes_hour: Mapped[int] = mapped_column(default=17)
    #: True: the owner's staff runs it; False: a trained user may (instrument_trainings).
    staff_operated: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("Organization")


class InstrumentClosure(db.Model):
    """A day (Beijing date) the instrument is closed: no slot and no sample drop-off."""

    __tablename__ = "instrument_closures"
    __table_args__ = (sa.UniqueConstraint("instrument_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstrumentTraining(db.Model):
    """The owner's record that a user is trained to operate one instrument."""

    __tablename__ = "instrument_trainings"
    __table_args__ = (sa.UniqueConstraint("instrument_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    trained_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class Booking(db.Model):
    """A slot on an instrument; live bookings never overlap (services/instruments.py)."""

    __tablename__ = "instrument_bookings"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_instrument_bookings_slot", "instrument_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    firm_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    booked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: UTC
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: rules.BookingStatus
    status: Mapped[str] = mapped_column(sa.String(12), default=BookingStatus.REQUESTED)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    quantity: Mapped[int] = mapped_column(default=1)
    #: rules.BOOKING_KINDS: "slot" holds [starts_at, ends_at); "samples" only names the
    #: drop-off day (that Beijing day, in UTC) and holds no slot.
    kind: Mapped[str] = mapped_column(
        sa.String(8), default="slot", server_default="slot"
    )
    #: The booker runs the instrument (a trained user); else the owner's staff does.
    self_operated: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    payment_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_requests.id")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instrument: Mapped[Instrument] = relationship()
    firm_org = relationship("Organization")
    payment_request = relationship("PaymentRequest")
