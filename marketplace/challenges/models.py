"""Calls (揭榜挂帅), their public questions, proposals with their versions, scores."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..experts.models import ExpertTie, Panel
from ..extensions import db
from ..needs.models import Need


class CallStatus(StrEnum):
    DRAFT = "draft"  #: prepared by the broker, awaiting the operator
    APPROVED = "approved"  #: on the board; collecting, then judging after the deadline
    AWARDED = "awarded"  #: 已揭榜
    NO_WINNER = "no_winner"  #: 未揭榜


class Stage(LabelledEnum):
    """Where a call stands on screen: its status, split by the deadline while approved."""

    DRAFT = "draft", _l("待审核")
    OPEN = "open", _l("征集中")
    JUDGING = "judging", _l("评审中")
    AWARDED = "awarded", _l("已揭榜")
    NO_WINNER = "no_winner", _l("未揭榜")


STAGE_LABELS = Stage.labels()


class Challenge(db.Model):
    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id"), index=True)
    #: The sponsoring firm (the need's firm).
    sponsor_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    broker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    problem: Mapped[str] = mapped_column(sa.Text)
    #: [{"name", "target", "unit"}], from the need's translation.
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: Organisation type codes allowed to submit.
    eligible_org_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    region: Mapped[str] = mapped_column(sa.String(60), default="")
    trl_min: Mapped[int | None]
    #: UTC; the deadline holds to the second.
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    #: [{"grade", "amount_fen"}], the prize grades.
    awards: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: [{"name", "weight"}], weights summing to 100.
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    panel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panels.id"))
    status: Mapped[str] = mapped_column(
        sa.String(16), default=CallStatus.DRAFT, index=True
    )
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Set by the clock when the deadline passed (judging opened).
    closed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    no_winner_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship()
    sponsor: Mapped[Organization] = relationship(foreign_keys=[sponsor_org_id])
    broker: Mapped[User] = relationship(foreign_keys=[broker_id])
    panel: Mapped[Panel | None] = relationship()
    questions: Mapped[list[ChallengeQuestion]] = relationship(
        back_populates="challenge", order_by="ChallengeQuestion.id"
    )
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="challenge", order_by="Proposal.id"
    )

    def stage(self, now: datetime | None = None) -> Stage:
        if self.status == CallStatus.DRAFT:
            return Stage.DRAFT
        if self.status == CallStatus.AWARDED:
            return Stage.AWARDED
        if self.status == CallStatus.NO_WINNER:
            return Stage.NO_WINNER
        return Stage.OPEN if (now or utcnow()) < self.deadline_at else Stage.JUDGING

    def stage_label(self, now: datetime | None = None):
        return self.stage(now).label

    @property
    def is_public(self) -> bool:
        return self.status != CallStatus.DRAFT

    def is_organiser(self, user) -> bool:
        """The staff, the broker and the sponsor's members run the call."""
        if not (user and user.is_authenticated):
            return False
        return (
            user.is_operator
            or user.id == self.broker_id
            or user.belongs_to(self.sponsor_org_id)
        )

    def is_panel_member(self, user) -> bool:
        return bool(
            user
            and user.is_authenticated
            and self.panel
            and self.panel.has_member(user)
        )

    def can_view(self, user) -> bool:
        return (
            self.is_public
            or self.is_organiser(user)
            or bool(user and user.is_authenticated and user.is_staff)
        )


class ChallengeQuestion(db.Model):
    """A solver's public question; the answer is part of the call. The author is
    never shown."""

    __tablename__ = "challenge_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="questions")


class Proposal(db.Model):
    """One organisation's proposal to a call; its text lives in versions."""

    __tablename__ = "challenge_proposals"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True
    )
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The prize grade and amount when the sponsor picked it.
    award_grade: Mapped[str | None] = mapped_column(sa.String(60))
    award_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"))
    #: When the broker called a consensus round (合议) because the scores differ too much.
    consensus_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship(back_populates="proposals")
    organization: Mapped[Organization] = relationship()
    versions: Mapped[list[ProposalVersion]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalVersion.version",
    )
    scores: Mapped[list[Score]] = relationship(
        back_populates="proposal", order_by="Score.id"
    )

    @property
    def current(self) -> ProposalVersion:
        return self.versions[-1]

    def can_view(self, user) -> bool:
        """The submitting organisation, the sponsor, the broker (and operator), and the
        members of the call's panel save an expert who declared a tie to the solver;
        nobody else."""
        if not (user and user.is_authenticated):
            return False
        call = self.challenge
        return (
            user.belongs_to(self.organization_id)
            or call.is_organiser(user)
            or (call.is_panel_member(user) and not self._tied(user))
        )

    def _tied(self, user) -> bool:
        return bool(
            db.session.scalar(
                sa.select(ExpertTie.id).where(
                    ExpertTie.expert_id == user.id,
                    ExpertTie.organization_id == self.organization_id,
                )
            )
        )


class ProposalVersion(db.Model):
    __tablename__ = "challenge_proposal_versions"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge_proposals.id"), index=True
    )
    version: Mapped[int]
    approach: Mapped[str] = mapped_column(sa.Text)
    promised_indicators: Mapped[str] = mapped_column(sa.Text, default="")
    team: Mapped[str] = mapped_column(sa.Text, default="")
    budget_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    schedule: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: The solver organisation's own published achievements this version cites.
    achievement_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    #: The NDA version the submitter accepted with this version (confidentiality terms).
    nda_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("legal_texts.id"))

    proposal: Mapped[Proposal] = relationship(back_populates="versions")


class Score(db.Model):
    """One expert's scores of one proposal, criterion by criterion (0–100 each)."""

    __tablename__ = "challenge_scores"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge_proposals.id"), index=True
    )
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: One integer per criterion, in the call's criteria order.
    marks: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the expert revised the scores in the consensus round (once).
    revised_at: Mapped[datetime | None]

    proposal: Mapped[Proposal] = relationship(back_populates="scores")
    expert: Mapped[User] = relationship()

    def weighted(self, criteria: list[dict]) -> float:
        return (
            sum(v * c["weight"] for v, c in zip(self.marks, criteria, strict=False))
            / 100
        )


class ChallengeInvitation(db.Model):
    """An organisation the matcher proposed as a solver when the call was approved: it
    owns an achievement matching the call's need. Invited once per call."""

    __tablename__ = "challenge_invitations"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    #: The organisation's best-matching achievement and the matcher's score.
    achievement_id: Mapped[int] = mapped_column(sa.ForeignKey("achievements.id"))
    score: Mapped[float]
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship()
    organization: Mapped[Organization] = relationship()


class TieBreak(db.Model):
    """The recorded decision ordering proposals whose weighted means are equal: who
    decided, why, when. The newest decision covering a group applies."""

    __tablename__ = "challenge_tiebreaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True
    )
    #: The tied proposals' ids in the decided order, best first.
    proposal_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User] = relationship()


class PanelOpinion(db.Model):
    """The panel's group opinion on a call (专家组意见), written by the chair once the
    experts have scored."""

    __tablename__ = "challenge_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), unique=True
    )
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    opinion: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    chair: Mapped[User] = relationship()


class Dissent(db.Model):
    """A panel member's recorded dissent from the group opinion, kept by name."""

    __tablename__ = "challenge_dissents"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True
    )
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship()
