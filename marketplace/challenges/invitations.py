"""Solvers the matcher proposes for a call: on approval, the organisations owning the
achievements that match the call's need (the stored matches of marketplace/search) are
invited, once each; their members get a notification (and its e-mail, sent after the
commit). The other way round, an achievement's owners see the open calls it matches.

Flushes, never commits.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..achievements.models import Achievement
from ..core.timeutil import SHANGHAI, utcnow
from ..core.urls import site_path
from ..extensions import db
from ..listings.models import public_filter
from ..notifications.services import notify
from ..search.models import ListingMatch
from .models import CallStatus, Challenge, ChallengeInvitation

#: At most this many organisations are invited per call, the best matches first.
INVITE_LIMIT = 10


def _strong_enough():
    """A stored match worth an invitation (CHALLENGE_INVITE_MIN_SCORE, 0–100): the
    stored matches keep weak pairs too, and an institute invited to a call its
    achievement does not address learns to ignore the market's invitations."""
    return ListingMatch.score >= current_app.config["CHALLENGE_INVITE_MIN_SCORE"]


def _members(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organization_id == org_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _candidates(call: Challenge) -> list[tuple[Achievement, float]]:
    """Each eligible organisation's best public achievement matching the call's need,
    best first; never the sponsor, never an unverified organisation."""
    rows = db.session.execute(
        sa.select(Achievement, ListingMatch.score)
        .join(ListingMatch, ListingMatch.achievement_id == Achievement.id)
        .where(
            ListingMatch.need_id == call.need_id,
            _strong_enough(),
            public_filter(Achievement),
        )
        .order_by(ListingMatch.score.desc(), Achievement.id)
    ).all()
    best: dict[int, tuple[Achievement, float]] = {}
    for achievement, score in rows:
        org = achievement.organization
        if (
            org.id == call.sponsor_org_id
            or not org.is_verified
            or str(org.type) not in call.eligible_org_types
            or org.id in best
        ):
            continue
        best[org.id] = (achievement, score)
    return list(best.values())[:INVITE_LIMIT]


def invite_solvers(call: Challenge, now: datetime | None = None) -> list:
    """Invite the matching organisations not invited yet; returns the new invitations."""
    now = now or utcnow()
    done = set(
        db.session.scalars(
            sa.select(ChallengeInvitation.organization_id).where(
                ChallengeInvitation.challenge_id == call.id
            )
        )
    )
    deadline = call.deadline_at.replace(tzinfo=UTC).astimezone(SHANGHAI)
    created = []
    for achievement, score in _candidates(call):
        org_id = achievement.organization_id
        if org_id in done:
            continue
        invitation = ChallengeInvitation(
            challenge_id=call.id,
            organization_id=org_id,
            achievement_id=achievement.id,
            score=float(score),
            invited_at=now,
        )
        db.session.add(invitation)
        created.append(invitation)
        for user in _members(org_id):
            notify(
                user,
                "challenge.invite",
                _l("邀请您揭榜：%(t)s", t=call.title),
                _l(
                    "您的成果「%(a)s」与该榜单的技术难题匹配，"
                    "欢迎提交方案。截止时间（北京时间）：%(d)s。",
                    a=achievement.title,
                    d=deadline.strftime("%Y-%m-%d %H:%M"),
                ),
                site_path("challenges.detail", call_id=call.id),
                dedupe_key=f"challenge-invite:{call.id}",
            )
    db.session.flush()
    return created


def invitations_of(call: Challenge) -> list[ChallengeInvitation]:
    return list(
        db.session.scalars(
            sa.select(ChallengeInvitation)
            .where(ChallengeInvitation.challenge_id == call.id)
            .order_by(ChallengeInvitation.score.desc(), ChallengeInvitation.id)
        )
    )


def invited_calls(user, now: datetime | None = None) -> list[Challenge]:
    """The open calls the user's organisation was invited to."""
    if not (user and user.is_authenticated and user.organization_id):
        return []
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .join(ChallengeInvitation, ChallengeInvitation.challenge_id == Challenge.id)
            .where(
                ChallengeInvitation.organization_id == user.organization_id,
                Challenge.status == CallStatus.APPROVED,
                Challenge.deadline_at > (now or utcnow()),
            )
            .order_by(Challenge.deadline_at)
        )
    )


def open_calls_for_achievement(
    achievement_id: int, now: datetime | None = None
) -> list[Challenge]:
    """The calls still collecting proposals whose need the achievement matches (stored
    matches), for its owners' match panel: public calls only, never drafts."""
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .join(ListingMatch, ListingMatch.need_id == Challenge.need_id)
            .where(
                ListingMatch.achievement_id == achievement_id,
                _strong_enough(),
                Challenge.status == CallStatus.APPROVED,
                Challenge.deadline_at > (now or utcnow()),
            )
            .order_by(ListingMatch.score.desc(), Challenge.deadline_at)
            .limit(10)
        )
    )
