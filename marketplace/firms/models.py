"""The district's firm roster, its imports and outreach log, and the firms' check-ups."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.timeutil import utcnow
from ..extensions import db


class FirmSize(StrEnum):
    MICRO = "micro"  #: 微型
    SMALL = "small"  #: 小型
    MEDIUM = "medium"  #: 中型
    LARGE = "large"  #: 大型


SIZE_LABELS = {
    FirmSize.MICRO: _l("微型"),
    FirmSize.SMALL: _l("小型"),
    FirmSize.MEDIUM: _l("中型"),
    FirmSize.LARGE: _l("大型"),
}


class RosterFirm(db.Model):
    """One of the district's firms; it needs no account in the market."""

    __tablename__ = "roster_firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: 统一社会信用代码 (GB 32100), check character validated; optional.
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    #: 镇/街道.
    town: Mapped[str] = mapped_column(sa.String(60), default="", index=True)
    products: Mapped[str] = mapped_column(sa.String(500), default="")
    size: Mapped[FirmSize] = mapped_column(str_enum(FirmSize), default=FirmSize.SMALL)
    #: The market's organisation of this firm, when it has one (matched on import).
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    outreach: Mapped[list[OutreachEntry]] = relationship(
        back_populates="firm",
        order_by="OutreachEntry.happened_on.desc(), OutreachEntry.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def size_label(self):
        return SIZE_LABELS[self.size]


class OutreachEntry(db.Model):
    """A visit or call a broker logged: when, who, outcome, next step."""

    __tablename__ = "roster_outreach"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roster_firms.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: Who at the firm was met or called.
    contact: Mapped[str] = mapped_column(sa.String(120), default="")
    outcome: Mapped[str] = mapped_column(sa.Text)
    next_step: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    firm: Mapped[RosterFirm] = relationship(back_populates="outreach")
    user = relationship("User")


class RosterImport(db.Model):
    """An uploaded roster file: its checked rows wait here until confirmed."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: [{"line", "name", "credit_code", "town", "products", "size",
    #:   "organization_id", "existing_id", "errors": [...]}]
    rows: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    @property
    def good_rows(self) -> list[dict]:
        return [r for r in self.rows if not r["errors"]]

    @property
    def error_rows(self) -> list[dict]:
        return [r for r in self.rows if r["errors"]]


class Checkup(db.Model):
    """One 企业科技体检 of a firm; repeated check-ups make its history."""

    __tablename__ = "checkups"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_firm_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roster_firms.id"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: 职工总数 and 科技人员 (persons).
    staff: Mapped[int]
    rd_staff: Mapped[int]
    #: Last fiscal year's sales revenue, total assets, total cost, R&D spend (fen).
    revenue_fen: Mapped[int] = mapped_column(sa.BigInteger)
    assets_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    total_cost_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    rd_spend_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: Sums of the last three fiscal years (高企 §11(五)), when known (fen).
    revenue_3y_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    rd_spend_3y_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Valid IP related to the main products: class I (invention patents…), class II.
    ip_class1: Mapped[int] = mapped_column(default=0)
    ip_class2: Mapped[int] = mapped_column(default=0)
    registered_on: Mapped[date | None]
    clean_record: Mapped[bool] = mapped_column(default=True)
    core_ip: Mapped[bool] = mapped_column(default=False)
    supported_field: Mapped[bool] = mapped_column(default=False)
    #: Percent (0–100) of R&D spent in China, of income from high-tech products.
    domestic_rd_pct: Mapped[int | None]
    hightech_income_pct: Mapped[int | None]
    #: The 工作指引 innovation score (0–100), when assessed.
    innovation_score: Mapped[int | None]
    hnte_certificate: Mapped[bool] = mapped_column(default=False)
    #: 科小 第六条(三): products or services of a prohibited, restricted or eliminated kind.
    restricted_products: Mapped[bool] = mapped_column(default=False)
    #: 科小 第八条 (二)–(四): the other direct qualifications.
    national_award_top3: Mapped[bool] = mapped_column(default=False)
    provincial_rd_centre: Mapped[bool] = mapped_column(default=False)
    led_standard: Mapped[bool] = mapped_column(default=False)
    #: 高企 工作指引 innovation facts: graded IP (A–E), how it was acquired, the
    #: standards bonus, conversions of the last three years, R&D management, growth.
    ip_advancement: Mapped[str | None] = mapped_column(sa.String(1))
    ip_core_support: Mapped[str | None] = mapped_column(sa.String(1))
    ip_acquisition: Mapped[str | None] = mapped_column(sa.String(12))
    joined_standard: Mapped[bool] = mapped_column(default=False)
    conversions_3y: Mapped[int | None]
    rd_system: Mapped[bool] = mapped_column(default=False)
    rd_institute: Mapped[bool] = mapped_column(default=False)
    conversion_incentives: Mapped[bool] = mapped_column(default=False)
    talent_system: Mapped[bool] = mapped_column(default=False)
    #: Revenue of the first and second of the last three years (the third is
    #: revenue_fen) and net assets at the end of each (fen).
    revenue_y1_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    revenue_y2_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    net_assets_y1_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    net_assets_y2_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    net_assets_y3_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    products: Mapped[str] = mapped_column(sa.Text, default="")
    equipment: Mapped[str] = mapped_column(sa.Text, default="")
    certifications: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    plans: Mapped[str] = mapped_column(sa.Text, default="")
    #: The need posted from this check-up's problems, once posted.
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roster_firm = relationship("RosterFirm")
    organization = relationship("Organization")
    author = relationship("User")

    @property
    def firm_name(self) -> str:
        if self.roster_firm is not None:
            return self.roster_firm.name
        return self.organization.name if self.organization else ""

    def can_view(self, user) -> bool:
        """Staff see every check-up; a firm's member only its own organisation's."""
        if not (user and user.is_authenticated):
            return False
        return user.is_staff or user.belongs_to(self.organization_id)
