"""Starting a deal: interest in an achievement, an answer to a need."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..achievements.models import Achievement
from ..core.transaction import form_status, submit
from ..core.web import visible_or_404
from ..extensions import db
from ..listings.lifecycle import ListingStatus
from ..needs.models import Need
from . import bp, starting
from .forms import AnswerForm, InterestForm


@bp.route("/interest/<int:achievement_id>", methods=["GET", "POST"])
@login_required
def express_interest(achievement_id: int):
    achievement = visible_or_404(Achievement, achievement_id)
    form = InterestForm()
    return submit(
        form,
        lambda: starting.express_interest(
            achievement,
            current_user,
            form.message.data,
            nda=form.nda.data,
            nda_version=request.form.get("nda_version", type=int),
        ),
        lambda started: (
            _("已提交合作意向，平台经纪人将尽快联系您。")
            if started[1]
            else _("您与该成果方已有进行中的交易，请在此继续沟通。")
        ),
        lambda started: url_for("deals.detail", deal_id=started[0].id),
        lambda: (
            render_template(
                "deals/start.html", form=form, achievement=achievement, need=None
            ),
            form_status(form),
        ),
    )


@bp.route("/answer/<int:need_id>", methods=["GET", "POST"])
@login_required
def answer_need(need_id: int):
    need = visible_or_404(Need, need_id)
    form = AnswerForm()
    org_id = current_user.organization_id or 0
    mine = db.session.scalars(
        sa.select(Achievement)
        .where(
            Achievement.organization_id == org_id,
            Achievement.status == ListingStatus.PUBLISHED,
        )
        .order_by(Achievement.title)
    ).all()
    form.achievement_id.choices = [SelectChoice("", _("不指定"))] + [
        SelectChoice(str(a.id), a.title) for a in mine
    ]
    # Whether it is the org's own published achievement is the service's rule.
    return submit(
        form,
        lambda: starting.answer_need(
            need, current_user, form.proposal.data, achievement=_chosen(form)
        ),
        lambda started: (
            _("已响应该需求，平台经纪人将尽快联系双方。")
            if started[1]
            else _("贵单位已在响应该需求，请在此继续沟通。")
        ),
        lambda started: url_for("deals.detail", deal_id=started[0].id),
        lambda: (
            render_template("deals/start.html", form=form, achievement=None, need=need),
            form_status(form),
        ),
    )


def _chosen(form: AnswerForm) -> Achievement | None:
    """The achievement picked on the form, if any (404 for one that does not exist)."""
    raw = form.achievement_id.data or ""
    chosen = db.session.get(Achievement, int(raw)) if raw.isdigit() else None
    if raw and chosen is None:
        abort(404)
    return chosen
