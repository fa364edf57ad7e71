"""Evaluation reports (科技成果评价) of an achievement or a deal, and saved valuations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Role
from ..core.timeutil import utcnow
from ..experts.models import Panel, is_tied
from ..extensions import db
from .aggregate import Summary, summarise

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
    #: Technology readiness level 1–9 and the evidence for it. A panel evaluation has
    #: it (the panel's median) only once closed, and no single item scores at all:
    #: its aggregate is computed from the experts' scores (panel_summary).
    trl: Mapped[int | None]
    trl_evidence: Mapped[str] = mapped_column(sa.Text, default="")
    novelty_score: Mapped[int | None]
    novelty_comment: Mapped[str] = mapped_column(sa.Text, default="")
    advancement_score: Mapped[int | None]
    advancement_comment: Mapped[str] = mapped_column(sa.Text, default="")
    ip_score: Mapped[int | None]
    ip_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: IP particulars, prefilled from the achievement's patent data.
    ip_legal_status: Mapped[str] = mapped_column(sa.String(60), default="")
    ip_claims_scope: Mapped[str] = mapped_column(sa.Text, default="")
    #: Remaining patent term in years (one decimal).
    ip_remaining_years: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    market_score: Mapped[int | None]
    market_comment: Mapped[str] = mapped_column(sa.Text, default="")
    team_score: Mapped[int | None]
    team_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: A CONCLUSIONS code, and the overall opinion.
    conclusion: Mapped[str | None] = mapped_column(sa.String(20))
    conclusion_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: An evaluation by an expert panel (组建专家组 → 分项评价 → 专家评价 → 报告): the
    #: conclusion and its text are then the chair's group opinion, written at opinion_at.
    panel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panels.id"), index=True)
    opinion_at: Mapped[datetime | None]
    #: When the handler closed the panel's work; the report is final from then on.
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    deal = relationship("Deal")
    achievement = relationship("Achievement")
    created_by = relationship("User")
    panel: Mapped[Panel | None] = relationship()
    panel_scores: Mapped[list[EvaluationScore]] = relationship(
        back_populates="evaluation", order_by="EvaluationScore.id"
    )
    dissents: Mapped[list[EvaluationDissent]] = relationship(
        order_by="EvaluationDissent.id"
    )
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
    def is_panel(self) -> bool:
        return self.panel_id is not None

    @property
    def is_open(self) -> bool:
        """A panel evaluation still being scored (a single report is never open)."""
        return self.is_panel and self.closed_at is None

    @property
    def owner_org_id(self) -> int | None:
        """The organisation whose achievement is evaluated (ties are declared to it)."""
        if self.achievement is not None:
            return self.achievement.organization_id
        return self.deal.supplier_org_id if self.deal is not None else None

    @property
    def total_score(self) -> float | int | None:
        """The sum of the items (1–5 each, out of 25); a panel's, of the item means."""
        if self.is_panel:
            summary = self.panel_summary
            return summary.total if summary.count else None
        return sum(getattr(self, f"{name}_score") or 0 for name, _label in CRITERIA)

    @property
    def panel_summary(self) -> Summary:
        """The aggregate of every submitted expert score (aggregate.py says how)."""
        return summarise(self.panel_scores, [name for name, _label in CRITERIA])

    def is_eligible_expert(self, user) -> bool:
        """A member of the panel with no declared tie to the owner organisation."""
        return bool(
            self.panel is not None
            and user
            and user.is_authenticated
            and user.role == Role.EXPERT
            and self.panel.has_member(user)
            and not is_tied(user.id, self.owner_org_id)
        )

    @property
    def latest_valuation(self) -> Valuation | None:
        return self.valuations[-1] if self.valuations else None

    def can_view(self, user) -> bool:
        """Staff; the deal's parties; the achievement's owner; the panel's untied
        experts (no other expert). Others: 404."""
        if not (user and user.is_authenticated):
            return False
        if user.is_operator or self.is_eligible_expert(user):
            return True
        if user.role == Role.EXPERT:
            return False
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


class EvaluationScore(db.Model):
    """One panel expert's scores of one evaluation, item by item (分项评价); final once
    submitted, and hidden from the other experts until they submit their own."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: TRL 1–9 and the evidence the expert relies on.
    trl: Mapped[int]
    trl_evidence: Mapped[str] = mapped_column(sa.Text)
    #: The five items on the single report's 1–5 bands (SCORE_LABELS).
    novelty_score: Mapped[int]
    advancement_score: Mapped[int]
    ip_score: Mapped[int]
    market_score: Mapped[int]
    team_score: Mapped[int]
    #: Optional comment per item, keyed by the CRITERIA prefix ("novelty"…).
    comments: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: The expert's overall comment.
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    evaluation: Mapped[Evaluation] = relationship(back_populates="panel_scores")
    expert = relationship("User")

    def score(self, name: str) -> int:
        return getattr(self, f"{name}_score")

    @property
    def total(self) -> int:
        return sum(self.score(name) for name, _label in CRITERIA)


class EvaluationDissent(db.Model):
    """A member's recorded dissent from the chair's group opinion, kept by name."""

    __tablename__ = "evaluation_dissents"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert = relationship("User")
