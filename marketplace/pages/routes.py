"""The home page: what is new in the market, and how big it is."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from ..accounts.models import Organization, Verification
from ..achievements.models import Achievement
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need
from . import bp


@bp.route("/")
def home():
    latest_achievements = db.session.scalars(
        sa.select(Achievement)
        .where(public_filter(Achievement))
        .order_by(Achievement.published_at.desc(), Achievement.id.desc())
        .limit(8)
    ).all()
    need_query = sa.select(Need).where(public_filter(Need))
    if not current_user.is_authenticated:
        need_query = need_query.where(Need.confidential.is_(False))
    latest_needs = db.session.scalars(
        need_query.order_by(Need.published_at.desc(), Need.id.desc()).limit(8)
    ).all()
    counts = {
        "achievements": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Achievement)
            .where(public_filter(Achievement))
        ),
        "needs": db.session.scalar(
            sa.select(sa.func.count()).select_from(Need).where(public_filter(Need))
        ),
        "organizations": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Organization)
            .where(Organization.verification == Verification.VERIFIED)
        ),
    }
    return render_template(
        "pages/home.html",
        latest_achievements=latest_achievements,
        latest_needs=latest_needs,
        counts=counts,
    )
