"""Deals between a supplier and a firm: the deal row, its append-only events, messages
and the brokers' declared conflicts of interest.

Public API relied on by evaluation/contracts: `Deal` (id, achievement_id, need_id,
supplier_org_id, firm_org_id, broker_id, stage, version, agreed_price_fen,
pricing_mode, currency, contract_signed_at, registered_at; relationships achievement,
need, supplier_org, firm_org, broker) and `Deal.can_view(user)`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.domain import PRICING_LABELS
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


class DealStage(LabelledEnum):
    #: a firm expressed interest / a supplier answered a need
    INTEREST = "interest", _l("意向")
    MATCHMAKING = "matchmaking", _l("对接洽谈")  #: meetings and messages
    EVALUATION = "evaluation", _l("评价评估")  #: 科技成果评价 and valuation
    #: price and terms (agreement, listing or auction)
    NEGOTIATION = "negotiation", _l("议价谈判")
    #: 公示, ≥ 15 days, state-funded agreement pricing
    PUBLIC_NOTICE = "public_notice", _l("公示中")
    CONTRACT_SIGNED = "contract_signed", _l("合同已签订")
    REGISTERED = "registered", _l("已认定登记")  #: 技术合同认定登记 recorded
    PERFORMING = "performing", _l("履行中")  #: paid / performed per the contract
    CLOSED = "closed", _l("已完成")
    TERMINATED = "terminated", _l("已终止")


STAGE_LABELS = DealStage.labels()
#: Stages from which nothing more happens (except an operator's reopen).
FINAL_STAGES = frozenset({DealStage.CLOSED, DealStage.TERMINATED})
OPEN_STAGES = tuple(s for s in DealStage if s not in FINAL_STAGES)


class Deal(db.Model):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("achievements.id"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    firm_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    broker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: When the current broker was assigned: the round-robin picks the least recent.
    broker_assigned_at: Mapped[datetime | None]
    #: "interest" (firm → achievement) or "answer" (supplier → need).
    origin: Mapped[str] = mapped_column(sa.String(16))
    stage: Mapped[DealStage] = mapped_column(
        str_enum(DealStage), default=DealStage.INTEREST, index=True
    )
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Optimistic lock: every UPDATE checks and bumps it (SQLAlchemy version_id_col).
    version: Mapped[int] = mapped_column(default=1)
    #: A PricingMode code; decides notice / listing / auction.
    pricing_mode: Mapped[str] = mapped_column(sa.String(16), default="agreement")
    #: The agreed price in fen, once agreed (agreement, listing or auction).
    agreed_price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: The CooperationMode code agreed with the price; decides whether a 公示 is
    #: required (deals/pricing/rules.py). None on deals priced before it was kept.
    cooperation_mode: Mapped[str | None] = mapped_column(sa.String(24))
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    contract_signed_at: Mapped[datetime | None]
    registered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    terminated_at: Mapped[datetime | None]
    #: The stage the deal left when terminated: `reopen` returns to it.
    terminated_from: Mapped[str | None] = mapped_column(sa.String(24))
    termination_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __mapper_args__ = {"version_id_col": version}

    achievement = relationship("Achievement")
    need = relationship("Need")
    supplier_org = relationship("Organization", foreign_keys=[supplier_org_id])
    firm_org = relationship("Organization", foreign_keys=[firm_org_id])
    broker = relationship("User", foreign_keys=[broker_id])
    events: Mapped[list[DealEvent]] = relationship(
        back_populates="deal", order_by="DealEvent.id"
    )
    notices = relationship("PublicNotice", order_by="PublicNotice.id", viewonly=True)
    auctions = relationship("Auction", order_by="Auction.id", viewonly=True)

    @property
    def notice(self):
        """The latest public notice, if any."""
        return self.notices[-1] if self.notices else None

    @property
    def auction(self):
        """The latest auction, if any."""
        return self.auctions[-1] if self.auctions else None

    @property
    def title(self) -> str:
        listing = self.achievement or self.need
        return listing.title if listing else f"#{self.id}"

    @property
    def field(self) -> str | None:
        listing = self.achievement or self.need
        return listing.field if listing else None

    @property
    def stage_label(self):
        return DealStage(self.stage).label

    @property
    def pricing_label(self):
        return PRICING_LABELS.get(self.pricing_mode, self.pricing_mode)

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    def parties(self, user) -> set[str]:
        # services imports this module: asked at call time
        from .services import deal_parties

        return deal_parties(self, user)

    def can_view(self, user) -> bool:
        """Parties (firm, supplier, the assigned broker) and the operator; others 404."""
        return bool(self.parties(user))

    def __repr__(self) -> str:
        return f"<Deal {self.id} {self.stage}>"


class DealEvent(db.Model):
    """One step in a deal's history; rows are only ever inserted."""

    __tablename__ = "deal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None for the market's own clock (the `jobs tick`).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    from_stage: Mapped[str | None] = mapped_column(sa.String(24))
    to_stage: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Attachment ids filed with the step.
    attachment_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)

    deal: Mapped[Deal] = relationship(back_populates="events")
    actor = relationship("User")

    @property
    def from_label(self):
        return STAGE_LABELS.get(self.from_stage, "") if self.from_stage else ""

    @property
    def to_label(self):
        return STAGE_LABELS.get(self.to_stage, self.to_stage)


@event.listens_for(DealEvent, "before_update")
@event.listens_for(DealEvent, "before_delete")
def _events_are_append_only(mapper, connection, target):
    raise RuntimeError("deal events are append-only")


class MessageKind(LabelledEnum):
    MESSAGE = "message", _l("留言")  #: the thread between firm, supplier and broker
    MEETING = (
        "meeting",
        _l("会议纪要"),
    )  #: the broker's meeting notes, shown to all parties
    #: broker's internal note: broker and operator only
    INTERNAL = "internal", _l("内部备注")


MESSAGE_KIND_LABELS = MessageKind.labels()
#: Who sees each kind of message, by party name.
MESSAGE_AUDIENCE = {
    MessageKind.MESSAGE: frozenset({"broker", "supplier", "firm", "operator"}),
    MessageKind.MEETING: frozenset({"broker", "supplier", "firm", "operator"}),
    MessageKind.INTERNAL: frozenset({"broker", "operator"}),
}


class DealMessage(db.Model):
    __tablename__ = "deal_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind, 16))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deal: Mapped[Deal] = relationship()
    author = relationship("User")

    @property
    def kind_label(self):
        return MessageKind(self.kind).label

    def visible_to(self, parties: set[str]) -> bool:
        return bool(parties & MESSAGE_AUDIENCE[self.kind])


class BrokerConflict(db.Model):
    """A broker's declared conflict of interest with an organisation (条例 §9)."""

    __tablename__ = "broker_conflicts"
    __table_args__ = (sa.UniqueConstraint("broker_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    broker = relationship("User")
    organization = relationship("Organization")
