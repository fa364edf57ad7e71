"""Technology finance (科技金融): institutions and their products, firms' financing
requests, and the institutions' offers. The market records the match, not the loan."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


class FinanceKind(StrEnum):
    IP_PLEDGE = "ip_pledge"  #: 知识产权质押融资
    TECH_LOAN = "tech_loan"  #: 科技贷款
    EQUITY = "equity"  #: 股权投资


KIND_LABELS = {
    FinanceKind.IP_PLEDGE: _l("知识产权质押贷款"),
    FinanceKind.TECH_LOAN: _l("科技贷款"),
    FinanceKind.EQUITY: _l("股权投资"),
}


class RequestStatus(LabelledEnum):
    OPEN = "open", _l("征集报价中")  #: institutions in scope may offer
    ACCEPTED = "accepted", _l("已接受报价")  #: the firm accepted one offer
    CLOSED = "closed", _l("已结束")  #: the outcome is recorded


class OfferStatus(LabelledEnum):
    OPEN = "open", _l("待选择")
    ACCEPTED = "accepted", _l("已接受")
    DECLINED = "declined", _l("未选中")


class FinanceInstitution(db.Model):
    """An organisation the operator registered as a bank, guarantee firm or investor,
    with the scope of requests it may see."""

    __tablename__ = "finance_institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), unique=True
    )
    #: FinanceKind values it offers.
    kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Field codes it covers; empty: every field.
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")

    def covers(self, request: FinancingRequest) -> bool:
        """The request is in this institution's scope: its kind, and its field."""
        return request.kind in self.kinds and (
            not self.fields or (request.field or "") in self.fields
        )


class FinanceProduct(db.Model):
    __tablename__ = "finance_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("finance_institutions.id"), index=True
    )
    kind: Mapped[FinanceKind] = mapped_column(str_enum(FinanceKind))
    name: Mapped[str] = mapped_column(sa.String(120))
    amount_min_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    amount_max_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Longest term in months.
    term_months: Mapped[int | None]
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[FinanceInstitution] = relationship()

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


class FinancingRequest(db.Model):
    """A firm's financing need; its figures are confidential to the institutions in
    its scope, the firm and the market's staff."""

    __tablename__ = "financing_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[FinanceKind] = mapped_column(str_enum(FinanceKind))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    purpose: Mapped[str] = mapped_column(sa.Text)
    term_months: Mapped[int]
    collateral: Mapped[str] = mapped_column(sa.Text, default="")
    #: Technical field code (core.domain.Field), for the institutions' scope.
    field: Mapped[str | None] = mapped_column(sa.String(32))
    #: Achievements of the firm's own organisation pledged (IP-pledge requests).
    pledged_achievement_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"))
    checkup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkups.id"))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.OPEN
    )
    #: What came of it (recorded by the firm or the broker; the loan is outside).
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    deal = relationship("Deal")
    checkup = relationship("Checkup")
    offers: Mapped[list[FinancingOffer]] = relationship(
        back_populates="request", order_by="FinancingOffer.id"
    )

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def status_label(self):
        return RequestStatus(self.status).label

    def can_view(self, user) -> bool:
        if not (user and user.is_authenticated):
            return False
        if user.is_staff or user.belongs_to(self.organization_id):
            return True
        inst = institution_of(user)
        return inst is not None and inst.covers(self)


class FinancingOffer(db.Model):
    __tablename__ = "financing_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("financing_requests.id"), index=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("finance_institutions.id")
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: The rate or price as the institution states it ("LPR+50BP", "年化 4.2%").
    rate: Mapped[str] = mapped_column(sa.String(120))
    term_months: Mapped[int]
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus), default=OfferStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[FinancingRequest] = relationship(back_populates="offers")
    institution: Mapped[FinanceInstitution] = relationship()

    @property
    def status_label(self):
        return OfferStatus(self.status).label


def institution_of(user) -> FinanceInstitution | None:
    """The finance institution `user` acts for, if their organisation is one."""
    if not (user and user.is_authenticated and user.organization_id):
        return None
    return db.session.scalar(
        sa.select(FinanceInstitution).where(
            FinanceInstitution.organization_id == user.organization_id
        )
    )
