"""Payment requests, the append-only ledger, Stripe intents and events, bank transfers
and the fee schedule. Money is integer fen with the currency beside it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.domain import PAYMENT_METHOD_LABELS
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


class PaymentKind(LabelledEnum):
    LUMP_SUM = "lump_sum", _l("合同价款")  #: 一次总付 of the contract price
    #: one instalment of the contract's schedule
    INSTALMENT = "instalment", _l("分期价款")
    ENTRY_FEE = "entry_fee", _l("入门费")
    ROYALTY = "royalty", _l("提成费")  #: 提成 for one reported period
    EVALUATION_FEE = "evaluation_fee", _l("评价服务费")  #: the market's evaluation fee
    BROKER_FEE = "broker_fee", _l("技术经纪服务费")  #: the market's brokerage fee
    DEPOSIT = "deposit", _l("竞买保证金")  #: an auction bidder's 保证金
    #: a service order at a provider (services/)
    SERVICE_FEE = "service_fee", _l("科技服务费")
    #: a completed instrument booking (services/)
    INSTRUMENT_USE = "instrument_use", _l("仪器共享使用费")
    #: a call's prize to its winner (揭榜奖金, challenges/)
    PRIZE = "prize", _l("揭榜奖金")


KIND_LABELS = PaymentKind.labels()
FEE_KINDS = frozenset({PaymentKind.EVALUATION_FEE, PaymentKind.BROKER_FEE})


class PaymentStatus(LabelledEnum):
    """A request's state, derived from its ledger (payments.ledger.balances), never
    stored."""

    #: nothing received yet, not yet due
    OPEN = "open", _l("待支付")
    #: nothing received and past its due date
    OVERDUE = "overdue", _l("已逾期")
    PARTIAL = "partial", _l("部分支付")
    PAID = "paid", _l("已支付")
    REFUNDED = "refunded", _l("已退款")
    #: a deposit turned into part of the price (transfer out)
    APPLIED = "applied", _l("已转为价款")
    CANCELLED = "cancelled", _l("已取消")


STATUS_LABELS = PaymentStatus.labels()


class PaymentRequest(db.Model):
    """Something one organisation owes another (or the market): amount, due date, parties."""

    __tablename__ = "payment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What makes the request unique, e.g. "deal:7:instalment:2": creating it twice is a no-op.
    source_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: None for a service order or an instrument booking outside any deal (services/).
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    #: A voucher service kind (vouchers.rules.SERVICE_KINDS) or None.
    service_kind: Mapped[str | None] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    due_on: Mapped[date] = mapped_column(index=True)
    payer_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    #: None when the market itself is paid (service fees, deposits held by the market).
    payee_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    contract_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contract_versions.id")
    )
    bidder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auction_bidders.id"))
    #: Royalty report: the period and the reported base (sales, profit …) in fen.
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    base_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    rate_text: Mapped[str | None] = mapped_column(sa.String(40))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Bumped with every ledger entry: two writers racing on one request collide here.
    version: Mapped[int] = mapped_column(default=1)
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    deal = relationship("Deal")
    payer_org = relationship("Organization", foreign_keys=[payer_org_id])
    payee_org = relationship("Organization", foreign_keys=[payee_org_id])
    bidder = relationship("AuctionBidder")
    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="request", order_by="LedgerEntry.id", viewonly=True
    )
    transfers: Mapped[list[BankTransfer]] = relationship(
        back_populates="request", order_by="BankTransfer.id", viewonly=True
    )
    intents: Mapped[list[StripeIntent]] = relationship(
        back_populates="request", order_by="StripeIntent.id", viewonly=True
    )

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def payee_name(self) -> str:

        return self.payee_org.name if self.payee_org else _("瓯海科技大市场")

    def viewer_roles(self, user) -> set[str]:
        """payer / payee / broker / operator: the only people who see a payment."""
        roles: set[str] = set()
        if user is None or not getattr(user, "is_authenticated", False):
            return roles
        if user.is_operator:
            roles.add("operator")
        if user.is_broker and self.deal is not None and self.deal.broker_id == user.id:
            roles.add("broker")
        if user.belongs_to(self.payer_org_id):
            roles.add("payer")
        if self.payee_org_id and user.belongs_to(self.payee_org_id):
            roles.add("payee")
        return roles

    def can_view(self, user) -> bool:
        return bool(self.viewer_roles(user))

    def can_pay(self, user) -> bool:
        return "payer" in self.viewer_roles(user) and self.cancelled_at is None


class EntryKind(LabelledEnum):
    PAYMENT = "payment", _l("收款")  #: money received from the payer (Stripe or bank)
    REFUND = "refund", _l("退款")  #: money returned to the payer
    #: part of a fee paid by an innovation voucher
    VOUCHER = "voucher", _l("创新券抵扣")
    #: a winner's deposit counted toward the price
    TRANSFER_IN = "transfer_in", _l("保证金转价款")
    #: the deposit side of that transfer
    TRANSFER_OUT = "transfer_out", _l("保证金转出")
    #: The voucher programme paid the provider the voucher part (a settled 兑付 claim);
    #: it matches a VOUCHER entry and leaves the payer's balance as it is.
    VOUCHER_SETTLED = "voucher_settled", _l("创新券兑付")


ENTRY_LABELS = EntryKind.labels()


class LedgerEntry(db.Model):
    """One movement of money on a payment request; rows are only ever inserted."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    payment_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_requests.id"), index=True
    )
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: Always positive; the kind says which way it moves.
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: stripe / bank / voucher / deposit.
    method: Mapped[str] = mapped_column(sa.String(12))
    #: The outside record it mirrors (a PaymentIntent, refund, transfer, redemption):
    #: unique, so the same money is never booked twice whichever path arrives first.
    external_ref: Mapped[str] = mapped_column(sa.String(120), unique=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    request: Mapped[PaymentRequest] = relationship(back_populates="entries")
    actor = relationship("User")

    @property
    def kind_label(self):
        return ENTRY_LABELS.get(self.kind, self.kind)

    @property
    def method_label(self):
        return PAYMENT_METHOD_LABELS.get(self.method, self.method)


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _ledger_is_append_only(mapper, connection, target):
    raise RuntimeError("ledger entries are append-only")


class IntentStatus(LabelledEnum):
    CREATED = "created", _l("已创建")
    SUCCEEDED = "succeeded", _l("已成功")
    FAILED = "failed", _l("失败")
    CANCELLED = "cancelled", _l("已取消")


class StripeIntent(db.Model):
    """A PaymentIntent created for a request; the webhook checks events against it."""

    __tablename__ = "stripe_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_requests.id"), index=True
    )
    intent_id: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: The key sent with the create call; unique, so a double click makes one intent.
    idempotency_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    client_secret: Mapped[str] = mapped_column(sa.String(200))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: An IntentStatus code, as the webhooks report it.
    status: Mapped[str] = mapped_column(sa.String(16), default=IntentStatus.CREATED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    request: Mapped[PaymentRequest] = relationship(back_populates="intents")


class EventOutcome(LabelledEnum):
    """What the webhook did with a Stripe event."""

    RECEIVED = "received", _l("已接收")
    PROCESSED = "processed", _l("已处理")
    IGNORED = "ignored", _l("已忽略")
    #: amount or currency did not match: for the operator
    FLAGGED = "flagged", _l("待核查")
    #: a replay of an event already stored (answered, not stored again)
    DUPLICATE = "duplicate", _l("重复事件")


class StripeEvent(db.Model):
    """Every webhook event by its id: a replay finds the row and changes nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(60))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: An EventOutcome code.
    status: Mapped[str] = mapped_column(sa.String(12))
    object_id: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    detail: Mapped[str] = mapped_column(sa.Text, default="")


class TransferStatus(LabelledEnum):
    #: the payer filed the receipt; the operator has not looked yet
    SUBMITTED = "submitted", _l("待确认")
    CONFIRMED = "confirmed", _l("已确认到账")
    REJECTED = "rejected", _l("未到账")


TRANSFER_STATUS_LABELS = TransferStatus.labels()


class BankTransfer(db.Model):
    """对公转账: the payer files the receipt, the operator confirms what arrived."""

    __tablename__ = "bank_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("payment_requests.id"), index=True
    )
    receipt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    payer_reference: Mapped[str] = mapped_column(sa.String(200), default="")
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: a TransferStatus code
    status: Mapped[str] = mapped_column(sa.String(12), default=TransferStatus.SUBMITTED)
    received_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    request: Mapped[PaymentRequest] = relationship(back_populates="transfers")
    receipt = relationship("Attachment")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])

    @property
    def status_label(self):
        return TRANSFER_STATUS_LABELS.get(self.status, self.status)


class FeeSchedule(db.Model):
    """The operator's fee rule for one service: a percentage (min, cap) or a fixed amount."""

    __tablename__ = "fee_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: evaluation_fee or broker_fee.
    kind: Mapped[str] = mapped_column(sa.String(16), unique=True)
    #: "percent" or "fixed".
    mode: Mapped[str] = mapped_column(sa.String(8))
    #: Percentage in basis points (300 = 3 %).
    rate_bp: Mapped[int] = mapped_column(default=0)
    min_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: 0 means no cap.
    cap_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    fixed_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: "firm" or "supplier": who pays it.
    payer: Mapped[str] = mapped_column(sa.String(8), default="firm")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
