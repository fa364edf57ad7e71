"""Pricing records of a deal: public notices with objections, and auctions with bids.

States that depend on the clock (a notice running or ended, an auction open or closed)
are computed from the stored times with `effective_*(now)`, so pages are right even
when `flask jobs tick` runs late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.domain import COOPERATION_LABELS
from ...core.enums import LabelledEnum
from ...core.timeutil import utcnow
from ...extensions import db
from . import rules


class NoticeOutcome(LabelledEnum):
    RUNNING = "running", _l("公示中")
    #: ended with objections not yet handled
    AWAITING_HANDLING = "awaiting_handling", _l("待处理异议")
    PASSED = "passed", _l("公示期满无异议")
    FAILED = "failed", _l("异议成立")  #: an objection was sustained
    WITHDRAWN = "withdrawn", _l("已撤回")  #: the price was renegotiated


NOTICE_OUTCOME_LABELS = NoticeOutcome.labels()


class PublicNotice(db.Model):
    """公示 of an agreed price (促进科技成果转化法 §18): ≥ 15 days, objections.

    `ends_at` is 24:00 Beijing time of the last day (rules.notice_end)."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    #: The achievement's name as noticed.
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    #: A CooperationMode code: the mode of transfer.
    transfer_mode: Mapped[str] = mapped_column(sa.String(24))
    proposed_price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    #: The buyer is an inventor or otherwise related: must be flagged in the notice.
    related_party: Mapped[bool] = mapped_column(default=False)
    related_party_reason: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    #: Final outcome once closed (passed / failed / withdrawn); None while open.
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    deal = relationship("Deal")
    objections: Mapped[list[Objection]] = relationship(
        back_populates="notice", order_by="Objection.id"
    )

    @property
    def transfer_label(self):
        return COOPERATION_LABELS.get(self.transfer_mode, self.transfer_mode)

    @property
    def period(self):
        """(first day, last day) as Beijing dates; the posting day is not counted."""
        return rules.period_of(self.starts_at, self.ends_at)

    @property
    def period_text(self) -> str:
        """The period as the board shows it: dates, not a duration."""
        first, last = self.period
        return _(
            "%(first)s 至 %(last)s（北京时间 24:00 止）",
            first=first.isoformat(),
            last=last.isoformat(),
        )

    def is_running(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.outcome is None and self.starts_at <= now < self.ends_at

    def effective_outcome(self, now: datetime | None = None) -> NoticeOutcome:
        """The outcome as of `now`, whether or not the tick has closed the notice."""
        if self.outcome is not None:
            return NoticeOutcome(self.outcome)
        now = now or utcnow()
        if any(o.handling == Handling.SUSTAINED for o in self.objections):
            return (
                NoticeOutcome.FAILED if now >= self.ends_at else NoticeOutcome.RUNNING
            )
        if now < self.ends_at:
            return NoticeOutcome.RUNNING
        if any(o.handling == Handling.PENDING for o in self.objections):
            return NoticeOutcome.AWAITING_HANDLING
        return NoticeOutcome.PASSED

    def outcome_label(self, now: datetime | None = None):
        return NoticeOutcome(self.effective_outcome(now)).label

    @property
    def has_sustained_objection(self) -> bool:
        return any(o.handling == Handling.SUSTAINED for o in self.objections)


class Handling(LabelledEnum):
    """How the deal's broker decided an objection."""

    PENDING = "pending", _l("待处理")
    SUSTAINED = "sustained", _l("异议成立")
    DISMISSED = "dismissed", _l("异议不成立")


HANDLING_LABELS = Handling.labels()


class Objection(db.Model):
    __tablename__ = "notice_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("public_notices.id"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reasons: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: pending / sustained / dismissed, decided by the deal's broker.
    handling: Mapped[str] = mapped_column(sa.String(12), default=Handling.PENDING.value)
    handling_note: Mapped[str] = mapped_column(sa.Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]

    notice: Mapped[PublicNotice] = relationship(back_populates="objections")
    user = relationship("User", foreign_keys=[user_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @property
    def handling_label(self):
        return Handling(self.handling).label


#: The auction's terms unless the broker sets others: days for the winner to sign.
DEFAULT_SIGN_WITHIN_DAYS = 10


class AuctionStatus(LabelledEnum):
    """Where an auction stands; WON and FAILED are stored as its outcome, the others
    follow from the clock."""

    SCHEDULED = "scheduled", _l("未开始")
    OPEN = "open", _l("竞价中")
    CLOSING = "closing", _l("已截止，待确认")
    WON = "won", _l("已成交")
    FAILED = "failed", _l("流拍")


AUCTION_STATUS_LABELS = AuctionStatus.labels()


class DepositStatus(LabelledEnum):
    """A bidder's deposit as stored: recorded (unpaid) → paid → refunded / applied (to
    the price) / forfeited; the payments feature moves it."""

    RECORDED = "recorded", _l("待缴纳")
    NOT_REQUIRED = "not_required", _l("无需保证金")
    PAID = "paid", _l("已缴纳")
    REFUNDED = "refunded", _l("已退还")
    APPLIED = "applied", _l("已转为价款")
    FORFEITED = "forfeited", _l("已没收（未按期签约）")


class DepositState(LabelledEnum):
    """The deposit as a page shows it (AuctionBidder.deposit_state): the stored status,
    with an unpaid one told apart by the registration deadline, and a late payment."""

    NOT_REQUIRED = "not_required", _l("无需保证金")
    UNPAID = "unpaid", _l("待缴纳")
    OVERDUE = "overdue", _l("逾期未缴（无竞买资格）")
    PAID = "paid", _l("已缴纳")
    #: paid after the registration deadline: no right to bid, refunded
    LATE = "late", _l("截止后到账（无竞买资格，将退还）")
    REFUNDED = "refunded", _l("已退还")
    APPLIED = "applied", _l("已转为价款")
    FORFEITED = "forfeited", _l("已没收（未按期签约）")


DEPOSIT_STATE_LABELS = DepositState.labels()


class Auction(db.Model):
    """拍卖 of a deal's achievement; bids serialised by a row lock plus the version."""

    __tablename__ = "auctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    start_price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    increment_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reserve_fen: Mapped[int] = mapped_column(sa.BigInteger)
    deposit_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    starts_at: Mapped[datetime]
    #: The close, pushed back when a bid arrives in the last minutes.
    ends_at: Mapped[datetime] = mapped_column(index=True)
    scheduled_end_at: Mapped[datetime]
    #: 报名截止: a bidder registers and its deposit must be paid by then (UTC).
    #: deals.pricing.auctions.create_auction makes it the start unless the broker sets
    #: another time; a row written directly keeps registration open to the close.
    registration_ends_at: Mapped[datetime] = mapped_column(
        default=lambda ctx: ctx.get_current_parameters()["scheduled_end_at"]
    )
    #: Days after a won close within which the winner signs, or forfeits its deposit.
    sign_within_days: Mapped[int] = mapped_column(
        default=DEFAULT_SIGN_WITHIN_DAYS, server_default=str(DEFAULT_SIGN_WITHIN_DAYS)
    )
    high_bid_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    high_bidder_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("auction_bidders.id", use_alter=True)
    )
    bid_count: Mapped[int] = mapped_column(default=0)
    #: None while not closed; "won" or "failed" once closed.
    outcome: Mapped[str | None] = mapped_column(sa.String(8))
    winning_bid_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("auction_bids.id", use_alter=True)
    )
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    deal = relationship("Deal")
    bidders: Mapped[list[AuctionBidder]] = relationship(
        back_populates="auction",
        foreign_keys="AuctionBidder.auction_id",
        order_by="AuctionBidder.number",
    )
    bids: Mapped[list[Bid]] = relationship(
        back_populates="auction",
        foreign_keys="Bid.auction_id",
        order_by="Bid.id.desc()",
    )
    high_bidder = relationship(
        "AuctionBidder", foreign_keys=[high_bidder_id], post_update=True
    )

    def effective_status(self, now: datetime | None = None) -> AuctionStatus:
        if self.outcome:
            return AuctionStatus(self.outcome)
        now = now or utcnow()
        if now < self.starts_at:
            return AuctionStatus.SCHEDULED
        return AuctionStatus.OPEN if now < self.ends_at else AuctionStatus.CLOSING

    def status_label(self, now: datetime | None = None):
        return self.effective_status(now).label

    def registration_open(self, now: datetime | None = None) -> bool:
        return self.outcome is None and (now or utcnow()) <= self.registration_ends_at

    @property
    def sign_deadline(self) -> datetime | None:
        """Until when the winner may sign before its deposit is forfeited."""
        if self.outcome != AuctionStatus.WON or self.closed_at is None:
            return None
        return self.closed_at + timedelta(days=self.sign_within_days)

    def minimum_bid(self) -> int:
        if self.high_bid_fen is None:
            return self.start_price_fen
        return self.high_bid_fen + self.increment_fen


class AuctionBidder(db.Model):
    """A registered bidder (one per firm organisation) and its recorded deposit."""

    __tablename__ = "auction_bidders"
    __table_args__ = (
        sa.UniqueConstraint(
            "auction_id", "organization_id", name="uq_auction_bidders_auction_org"
        ),
        sa.UniqueConstraint(
            "auction_id", "number", name="uq_auction_bidders_auction_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(sa.ForeignKey("auctions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    #: Shown to other bidders as 竞买人<number>.
    number: Mapped[int]
    deposit_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: A DepositStatus code. What a page shows is `deposit_state(now)`.
    deposit_status: Mapped[str] = mapped_column(
        sa.String(12), default=DepositStatus.RECORDED
    )
    #: When the deposit was booked as paid (webhook or the operator's confirmation).
    deposit_paid_at: Mapped[datetime | None]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)

    auction: Mapped[Auction] = relationship(
        back_populates="bidders", foreign_keys=[auction_id]
    )
    user = relationship("User")
    organization = relationship("Organization")

    @property
    def qualified(self) -> bool:
        """May bid: no deposit asked, or paid by the registration deadline."""
        if not self.deposit_fen:
            return True
        return (
            self.deposit_status == DepositStatus.PAID
            and self.deposit_paid_at is not None
            and self.deposit_paid_at <= self.auction.registration_ends_at
        )

    def deposit_state(self, now: datetime | None = None) -> DepositState:
        """The deposit as a page shows it."""
        if not self.deposit_fen:
            return DepositState.NOT_REQUIRED
        if self.deposit_status == DepositStatus.RECORDED:
            now = now or utcnow()
            if now > self.auction.registration_ends_at:
                return DepositState.OVERDUE
            return DepositState.UNPAID
        if self.deposit_status == DepositStatus.PAID and not self.qualified:
            return DepositState.LATE
        return DepositState(self.deposit_status)

    def deposit_label(self, now: datetime | None = None):
        return self.deposit_state(now).label


class Bid(db.Model):
    __tablename__ = "auction_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(sa.ForeignKey("auctions.id"), index=True)
    bidder_id: Mapped[int] = mapped_column(sa.ForeignKey("auction_bidders.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The bid pushed the close back.
    extended: Mapped[bool] = mapped_column(default=False)

    auction: Mapped[Auction] = relationship(
        back_populates="bids", foreign_keys=[auction_id]
    )
    bidder: Mapped[AuctionBidder] = relationship()
