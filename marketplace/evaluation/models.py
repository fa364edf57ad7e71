"""Evaluation reports (科技成果评价) of an achievement or a deal, and saved valuations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

#: The score bands every criterion uses (1–5), with their meaning.
SCORE_LABELS = {
    1: _l("1 · 较差"),
    2: _l("2 · 一般"),
    3: _l("3 · 良好"),
    4: _l("4 · 优秀"),
    5: _l("5 · 领先"),
}
#: The scored criteria, in report order: (attribute prefix, heading).
CRITERIA = (
    ("novelty", _l("创新度")),
    ("advancement", _l("先进度")),
    ("ip", _l("知识产权强度")),
    ("market", _l("市场前景")),
    ("team", _l("团队能力")),
)
CONCLUSIONS = {
    "recommended": _l("建议转化"),
    "conditional": _l("有条件建议转化"),
    "not_recommended": _l("暂不建议转化"),
}


class Evaluation(db.Model):
    """One evaluator's report; tied to a deal (and its achievement) or to an achievement."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    achievement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("achievements.id"), index=True
    )
    #: The evaluator as printed on the report (may differ from the account's name).
    evaluator_name: Mapped[str] = mapped_column(sa.String(60))
    evaluated_on: Mapped[date]
    #: Technology readiness level 1–9 and the evidence for it.
    trl: Mapped[int]
    trl_evidence: Mapped[str] = mapped_column(sa.Text, default="")
    novelty_score: Mapped[int]
    novelty_comment: Mapped[str] = mapped_column(sa.Text, default="")
    advancement_score: Mapped[int]
    advancement_comment: Mapped[str] = mapped_column(sa.Text, default="")
    ip_score: Mapped[int]
    ip_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: IP particulars, prefilled from the achievement's patent data.
    ip_legal_status: Mapped[str] = mapped_column(sa.String(60), default="")
    ip_claims_scope: Mapped[str] = mapped_column(sa.Text, default="")
    #: Remaining patent term in years (one decimal).
    ip_remaining_years: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    market_score: Mapped[int]
    market_comment: Mapped[str] = mapped_column(sa.Text, default="")
    team_score: Mapped[int]
    team_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: A CONCLUSIONS code, and the overall opinion.
    conclusion: Mapped[str] = mapped_column(sa.String(20))
    conclusion_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    deal = relationship("Deal")
    achievement = relationship("Achievement")
    created_by = relationship("User")
    valuations: Mapped[list[Valuation]] = relationship(
        back_populates="evaluation",
        order_by="Valuation.id",
        cascade="all, delete-orphan",
    )

    @property
    def subject_title(self) -> str:
        if self.achievement is not None:
            return self.achievement.title
        return self.deal.title if self.deal is not None else ""

    @property
    def conclusion_label(self):
        return CONCLUSIONS.get(self.conclusion, "")

    @property
    def total_score(self) -> int:
        return sum(getattr(self, f"{name}_score") for name, _label in CRITERIA)

    @property
    def latest_valuation(self) -> Valuation | None:
        return self.valuations[-1] if self.valuations else None

    def can_view(self, user) -> bool:
        """Staff; the deal's parties; the achievement's owner. Others: 404."""
        if not (user and user.is_authenticated):
            return False
        if user.is_operator:
            return True
        if self.deal is not None:
            return self.deal.can_view(user)
        if user.is_staff:
            return True
        return self.achievement is not None and self.achievement.is_owned_by(user)

    def can_edit(self, user) -> bool:
        """Brokers and the operator write reports; on a deal, its broker (or the operator)."""
        if not (user and user.is_authenticated and user.is_staff):
            return False
        if user.is_operator or self.deal is None:
            return True
        return self.deal.broker_id == user.id


class Valuation(db.Model):
    """A saved valuation: its inputs and the two headline results (fen)."""

    __tablename__ = "valuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    #: The calculator inputs (see evaluation.services.valuation_inputs); rows are derived.
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    income_value_fen: Mapped[int] = mapped_column(sa.BigInteger)
    cost_value_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    evaluation: Mapped[Evaluation] = relationship(back_populates="valuations")
    created_by = relationship("User")
