"""Experts' declared ties and the panels they sit on."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..core.timeutil import utcnow
from ..extensions import db


class ExpertTie(db.Model):
    """An organisation an expert declared a tie to (employer, co-author, shareholding…):
    the expert does not score that organisation's proposals."""

    __tablename__ = "expert_ties"
    __table_args__ = (sa.UniqueConstraint("expert_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    organization: Mapped[Organization] = relationship()


class ExpertProfile(db.Model):
    """An expert's field(s) of expertise (the achievements' field codes), title and
    affiliation: what panel suggestions go by."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: 职称, e.g. 教授级高级工程师.
    title: Mapped[str] = mapped_column(sa.String(60), default="")
    #: 工作单位.
    affiliation: Mapped[str] = mapped_column(sa.String(120), default="")

    expert: Mapped[User] = relationship()


class Panel(db.Model):
    """A named set of experts with a chair (专家组)."""

    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelMember.id"
    )

    @property
    def experts(self) -> list[User]:
        return [m.expert for m in self.members]

    def has_member(self, user) -> bool:
        uid = getattr(user, "id", None)
        return uid is not None and any(m.expert_id == uid for m in self.members)

    def can_view(self, user) -> bool:
        return bool(
            user and user.is_authenticated and (user.is_staff or self.has_member(user))
        )


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (sa.UniqueConstraint("panel_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panels.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)

    panel: Mapped[Panel] = relationship(back_populates="members")
    expert: Mapped[User] = relationship()


def is_tied(expert_id: int | None, organization_id: int | None) -> bool:
    """Whether the expert declared a tie to the organisation (and so stands aside)."""
    if expert_id is None or organization_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(ExpertTie.id).where(
                ExpertTie.expert_id == expert_id,
                ExpertTie.organization_id == organization_id,
            )
        )
        is not None
    )
