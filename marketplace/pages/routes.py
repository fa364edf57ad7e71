"""The home page: what is new in the market, and how big it is."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from ..achievements.models import Achievement
from ..achievements.queries import card_loading as achievement_card
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need
from ..needs.queries import card_loading as need_card
from . import bp
from .counts import market_counts


@bp.route("/")
def home():
    # Eight cards of each side, their owners and translations loaded with them: the
    # page costs the same number of queries whatever the size of the market.
    latest_achievements = db.session.scalars(
        sa.select(Achievement)
        .where(public_filter(Achievement))
        .options(*achievement_card())
        .order_by(Achievement.published_at.desc(), Achievement.id.desc())
        .limit(8)
    ).all()
    need_query = sa.select(Need).where(public_filter(Need)).options(*need_card())
    if not current_user.is_authenticated:
        need_query = need_query.where(Need.confidential.is_(False))
    latest_needs = db.session.scalars(
        need_query.order_by(Need.published_at.desc(), Need.id.desc()).limit(8)
    ).all()
    return render_template(
        "pages/home.html",
        latest_achievements=latest_achievements,
        latest_needs=latest_needs,
        counts=market_counts(),
    )
