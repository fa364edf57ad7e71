"""Pages of evaluation reports: write, read (printable), and the valuation calculator."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..achievements.models import Achievement
from ..core.transaction import Write, form_status
from ..core.web import visible_or_404
from ..deals.models import Deal
from ..extensions import db
from . import bp, report, services
from .forms import EvaluationForm, ValuationForm
from .models import Evaluation


def _visible_deal(deal_id: int) -> Deal:
    return visible_or_404(Deal, deal_id)


def _visible_evaluation(evaluation_id: int) -> Evaluation:
    return visible_or_404(Evaluation, evaluation_id)


def _list(evaluations, **context):
    return render_template("evaluation/list.html", evaluations=evaluations, **context)


@bp.route("/deal/<int:deal_id>")
@login_required
def for_deal(deal_id: int):
    deal = _visible_deal(deal_id)
    evaluations = db.session.scalars(
        db.select(Evaluation)
        .where(Evaluation.deal_id == deal.id)
        .order_by(Evaluation.id)
    ).all()
    return _list(
        evaluations,
        deal=deal,
        achievement=None,
        can_write=services.can_evaluate_deal(deal, current_user),
    )


@bp.route("/achievement/<int:achievement_id>")
@login_required
def for_achievement(achievement_id: int):
    achievement = db.get_or_404(Achievement, achievement_id)
    if not (current_user.is_staff or achievement.is_owned_by(current_user)):
        abort(404)
    evaluations = db.session.scalars(
        db.select(Evaluation)
        .where(Evaluation.achievement_id == achievement.id)
        .order_by(Evaluation.id)
    ).all()
    visible = [e for e in evaluations if e.can_view(current_user)]
    return _list(
        visible,
        deal=None,
        achievement=achievement,
        can_write=services.can_evaluate_achievement(achievement, current_user),
    )


def _save_new(deal=None, achievement=None):
    form = EvaluationForm(
        data=services.prefill(achievement, current_user)
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        with Write(form) as write:
            evaluation = services.create_evaluation(
                current_user, form.to_data(), deal=deal, achievement=achievement
            )
        if write.ok:
            flash(_("评价报告已保存。"), "success")
            return redirect(url_for("evaluation.detail", evaluation_id=evaluation.id))
    return render_template(
        "evaluation/form.html",
        form=form,
        evaluation=None,
        deal=deal,
        achievement=achievement,
    ), form_status(form)


@bp.route("/deal/<int:deal_id>/new", methods=["GET", "POST"])
@login_required
def new_for_deal(deal_id: int):
    deal = _visible_deal(deal_id)
    if not services.can_evaluate_deal(deal, current_user):
        abort(403)
    return _save_new(deal=deal, achievement=deal.achievement)


@bp.route("/achievement/<int:achievement_id>/new", methods=["GET", "POST"])
@login_required
def new_for_achievement(achievement_id: int):
    achievement = db.get_or_404(Achievement, achievement_id)
    if not achievement.can_view(current_user):
        abort(404)
    if not services.can_evaluate_achievement(achievement, current_user):
        abort(403)
    return _save_new(achievement=achievement)


@bp.route("/<int:evaluation_id>")
@login_required
def detail(evaluation_id: int):
    return report.render_detail(_visible_evaluation(evaluation_id))


@bp.route("/<int:evaluation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(evaluation_id: int):
    evaluation = _visible_evaluation(evaluation_id)
    if not evaluation.can_edit(current_user):
        abort(403)
    if evaluation.is_panel:
        abort(404)  # a panel's report is its experts' scores and the chair's opinion
    form = EvaluationForm(obj=evaluation if request.method == "GET" else None)
    if form.validate_on_submit():
        with Write(form) as write:
            services.update_evaluation(evaluation, current_user, form.to_data())
        if write.ok:
            flash(_("评价报告已更新。"), "success")
            return redirect(url_for("evaluation.detail", evaluation_id=evaluation.id))
    return render_template(
        "evaluation/form.html",
        form=form,
        evaluation=evaluation,
        deal=evaluation.deal,
        achievement=evaluation.achievement,
    ), form_status(form)


@bp.route("/<int:evaluation_id>/valuation", methods=["GET", "POST"])
@login_required
def valuation(evaluation_id: int):
    evaluation = _visible_evaluation(evaluation_id)
    if not evaluation.can_edit(current_user):
        abort(403)
    form = ValuationForm()
    income = cost = None
    if request.method == "GET":
        form.years.data = 5
    elif form.validate_on_submit():
        inputs = services.valuation_inputs(form)
        saving = request.form.get("intent") == "save"
        with Write(form) as write:
            if saving:
                services.save_valuation(
                    evaluation, current_user, inputs, form.note.data
                )
            else:
                income, cost = services.compute(inputs)
        if write.ok and saving:
            flash(_("估值结果已保存到评价报告。"), "success")
            return redirect(url_for("evaluation.detail", evaluation_id=evaluation.id))
    failed = form.is_submitted() and (form.errors or form.form_errors)
    return render_template(
        "evaluation/valuation.html",
        form=form,
        evaluation=evaluation,
        income=income,
        cost=cost,
    ), 422 if failed else 200
