"""Pages of a panel evaluation: forming the panel, an expert's scoring page, the
chair's opinion, dissent, closing, and the report as a PDF."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..achievements.models import Achievement
from ..core.pdf import download
from ..core.transaction import button, form_status, submit
from ..core.web import visible_or_404
from ..deals.models import Deal
from ..experts import services as experts
from ..extensions import db
from . import bp, panel, panel_record, report, services  # noqa: F401  (registers)
from .models import CRITERIA, Evaluation
from .panel_forms import PanelScoreForm, StartPanelForm


def _start(deal=None, achievement=None):
    owner = panel.owner_org_id_of(deal, achievement)
    suggested = panel.suggestions(deal, achievement, owner)
    subject = achievement.title if achievement is not None else deal.title
    form = StartPanelForm()
    form.set_choices(experts.all_panels(), experts.experts())
    if request.method == "GET":
        form.members.data = [e.id for e in suggested]
        form.chair.data = suggested[0].id if suggested else None
        form.name.data = _("%(t)s 评价专家组", t=subject[:100])

    def again():
        return render_template(
            "evaluation/panel_start.html",
            form=form,
            deal=deal,
            subject=subject,
            suggested=suggested,
            profiles=experts.profiles_by_expert(),
        ), form_status(form)

    if request.method == "GET":
        return again()
    return submit(
        form,
        lambda: panel.start(
            current_user,
            deal=deal,
            achievement=achievement,
            panel_id=form.panel.data,
            name=form.name.data,
            chair_id=form.chair.data,
            member_ids=form.members.data,
        ),
        _("专家组评价已开始，已通知专家评分。"),
        lambda ev: url_for("evaluation.detail", evaluation_id=ev.id),
        again,
    )


@bp.route("/deal/<int:deal_id>/panel", methods=["GET", "POST"])
@login_required
def panel_for_deal(deal_id: int):
    deal = visible_or_404(Deal, deal_id)
    if not services.can_evaluate_deal(deal, current_user):
        abort(403)
    return _start(deal=deal, achievement=deal.achievement)


@bp.route("/achievement/<int:achievement_id>/panel", methods=["GET", "POST"])
@login_required
def panel_for_achievement(achievement_id: int):
    achievement = db.get_or_404(Achievement, achievement_id)
    if not achievement.can_view(current_user):
        abort(404)
    if not services.can_evaluate_achievement(achievement, current_user):
        abort(403)
    return _start(achievement=achievement)


def _panel_evaluation(evaluation_id: int) -> Evaluation:
    evaluation = visible_or_404(Evaluation, evaluation_id)
    if not evaluation.is_panel:
        abort(404)
    return evaluation


@bp.route("/<int:evaluation_id>/score", methods=["GET", "POST"])
@login_required
def score(evaluation_id: int):
    evaluation = _panel_evaluation(evaluation_id)
    if not evaluation.is_eligible_expert(current_user):
        abort(403)
    form = PanelScoreForm()

    def again():
        achievement = evaluation.achievement
        return render_template(
            "evaluation/panel_score.html",
            form=form,
            evaluation=evaluation,
            achievement=achievement,
            own=panel.own_score(current_user, evaluation),
            criteria=CRITERIA,
        ), form_status(form)

    if request.method == "GET":
        return again()
    return submit(
        form,
        lambda: panel.submit_score(current_user, evaluation, form.to_data()),
        _("评分已提交。"),
        url_for("evaluation.detail", evaluation_id=evaluation.id),
        again,
    )


@bp.route("/<int:evaluation_id>/opinion", methods=["POST"])
@login_required
def write_opinion(evaluation_id: int):
    evaluation = _panel_evaluation(evaluation_id)
    form = report.opinion_form()
    return submit(
        form,
        lambda: panel.write_opinion(
            current_user, evaluation, form.conclusion.data, form.conclusion_text.data
        ),
        _("专家组意见已保存。"),
        url_for("evaluation.detail", evaluation_id=evaluation.id),
        lambda: report.render_detail(evaluation, 422, opinion_form=form),
    )


@bp.route("/<int:evaluation_id>/dissent", methods=["POST"])
@login_required
def record_dissent(evaluation_id: int):
    evaluation = _panel_evaluation(evaluation_id)
    form = report.dissent_form()
    return submit(
        form,
        lambda: panel.record_dissent(current_user, evaluation, form.dissent.data),
        _("不同意见已记录。"),
        url_for("evaluation.detail", evaluation_id=evaluation.id),
        lambda: report.render_detail(evaluation, 422, dissent_form=form),
    )


@bp.route("/<int:evaluation_id>/close", methods=["POST"])
@login_required
def close(evaluation_id: int):
    evaluation = _panel_evaluation(evaluation_id)
    return button(
        lambda: panel.close(current_user, evaluation),
        _("专家组评价已结束，评价报告已生成。"),
        url_for("evaluation.detail", evaluation_id=evaluation.id),
    )


@bp.route("/<int:evaluation_id>/report.pdf")
@login_required
def report_pdf(evaluation_id: int):
    evaluation = visible_or_404(Evaluation, evaluation_id)
    return download(
        lambda: report.render_pdf(report.build(current_user, evaluation)),
        f"evaluation-{evaluation.id}.pdf",
        url_for("evaluation.detail", evaluation_id=evaluation.id),
    )
