"""Open calls in the experts' record of reviews and their panels' work lists.

The experts package sits below this one: it asks through
experts.reviews.register_review_source / register_work_source (as
evaluation/panel_record.py does), one query each however many rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..accounts.models import Organization
from ..experts.models import Panel
from ..experts.reviews import Review, Work, register_review_source, register_work_source
from ..extensions import db
from .models import Challenge, Proposal, Score


def _reviews(expert_id: int) -> list[Review]:
    """Every proposal the expert scored, dated by the revision if they revised."""
    rows = db.session.execute(
        sa.select(
            Proposal.id,
            Challenge.title,
            Organization.name,
            Panel.name,
            sa.func.coalesce(Score.revised_at, Score.submitted_at, type_=sa.DateTime),
        )
        .select_from(Score)
        .join(Proposal, Proposal.id == Score.proposal_id)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .join(Organization, Organization.id == Proposal.organization_id)
        .outerjoin(Panel, Panel.id == Challenge.panel_id)
        .where(Score.expert_id == expert_id)
    )
    return [
        Review(
            kind=str(_l("揭榜方案")),
            title=title,
            organization=org,
            panel=panel or "",
            scored_at=at,
            url=url_for("challenges.proposal", proposal_id=pid),
        )
        for pid, title, org, panel, at in rows
    ]


def _works(panel_ids: list[int]) -> list[tuple[int, Work]]:
    rows = db.session.execute(
        sa.select(Challenge.panel_id, Challenge.id, Challenge.title)
        .where(Challenge.panel_id.in_(panel_ids))
        .order_by(Challenge.id)
    )
    return [
        (
            panel_id,
            Work(str(_l("揭榜挂帅")), title, url_for("challenges.detail", call_id=cid)),
        )
        for panel_id, cid, title in rows
    ]


register_review_source("challenge", _reviews)
register_work_source("challenge", _works)
