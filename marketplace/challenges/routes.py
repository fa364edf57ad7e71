"""The public board of calls (/challenges/), a call's page, proposals, scoring, award."""

from __future__ import annotations

from datetime import UTC

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import ORG_TYPE_LABELS
from ..core.timeutil import SHANGHAI, utcnow
from ..core.transaction import Write, form_status, status_of
from ..core.transaction import submit as submit_form
from ..experts.services import all_panels
from ..extensions import db
from ..needs.models import Need
from ..needs.services import indicators_text, parse_indicators
from ..uploads.services import UploadTooLarge
from . import awards, bp, invitations, judging, proposals, questions, services
from .forms import (
    AnswerForm,
    CallForm,
    NoWinnerForm,
    ProposalForm,
    QuestionForm,
    TieBreakForm,
    award_form,
    score_form,
)
from .models import Challenge, ChallengeQuestion, Proposal, Stage


def _utc(local):
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


@bp.app_template_global("public_calls_for_need")
def public_calls_for_need(need_id: int) -> list[Challenge]:
    """For the need's page (the needs package sits below this one): its public calls,
    title and link only."""
    return services.public_calls_for_need(need_id)


@bp.app_template_global("open_calls_for_achievement")
def open_calls_for_achievement(achievement_id: int) -> list[Challenge]:
    """For the achievement's match panel (the achievements package sits below this
    one): the open calls whose need the achievement matches."""
    return invitations.open_calls_for_achievement(achievement_id)


def _visible_call(call_id: int) -> Challenge:
    call = db.get_or_404(Challenge, call_id)
    if not call.can_view(current_user):
        abort(404)
    return call


@bp.route("/")
def index():
    now = utcnow()
    page = db.paginate(
        services.board_query(),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    drafts = (
        services.drafts()
        if current_user.is_authenticated and current_user.is_staff
        else []
    )
    user = current_user
    return render_template(
        "challenges/index.html",
        page=page,
        drafts=drafts,
        needs=services.needs_for_calls()
        if user.is_authenticated and user.is_staff
        else [],
        invited=invitations.invited_calls(user),
        to_score=judging.awaiting_scores(user)
        if user.is_authenticated and user.role == "expert"
        else [],
        now=now,
        countdown=services.countdown,
    )


@bp.route("/new/<int:need_id>", methods=["GET", "POST"])
@login_required
def new(need_id: int):
    if not current_user.is_staff:
        abort(403)
    need = db.get_or_404(Need, need_id)
    form = CallForm()
    form.set_panels(all_panels())
    if request.method == "GET":
        t = need.approved_translation or need.current_translation
        form.title.data = need.title
        if t is not None:
            form.problem.data = t.technical_problem
            form.indicators.data = indicators_text(t.indicators)
        form.trl_min.data = need.trl_min
    if form.validate_on_submit():
        with Write(form) as write:
            data = {
                "title": form.title.data,
                "problem": form.problem.data,
                "indicators": parse_indicators(form.indicators.data)
                if form.indicators.data
                else [],
                "eligible_org_types": form.eligible_org_types.data,
                "region": form.region.data,
                "trl_min": form.trl_min.data,
                "deadline_at": _utc(form.deadline.data),
                "awards": services.parse_awards(form.awards.data),
                "criteria": services.parse_criteria(form.criteria.data),
                "panel_id": form.panel.data,
            }
            call = services.prepare_call(current_user, need, data)
        if write.ok:
            flash(_("榜单已提交运营方审核。"), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    return render_template("challenges/form.html", form=form, need=need), form_status(
        form
    )


@bp.route("/<int:call_id>/approve", methods=["POST"])
@login_required
def approve(call_id: int):
    call = _visible_call(call_id)
    with Write():
        services.approve_call(current_user, call)
        flash(_("榜单已发布。"), "success")
    return redirect(url_for("challenges.detail", call_id=call.id))


def render_detail(call: Challenge, status: int = 200, **forms):
    now = utcnow()
    user = current_user
    organiser = call.is_organiser(user)
    return render_template(
        "challenges/detail.html",
        call=call,
        now=now,
        stage=call.stage(now),
        Stage=Stage,
        countdown=services.countdown(call, now),
        organiser=organiser,
        answerer=user.is_authenticated
        and (user.is_operator or user.id == call.broker_id),
        questions=call.questions if organiser else questions.public_questions(call),
        question_form=forms.get("question_form") or QuestionForm(),
        answer_form=AnswerForm(),
        can_submit=proposals.can_submit(user, call),
        own=proposals.own_proposal(user, call),
        proposals=proposals.visible_proposals(user, call),
        ranking=judging.ranking(call) if organiser else [],
        award_form=forms.get("award_form")
        or (award_form(call.proposals, call.awards) if organiser else None),
        no_winner_form=forms.get("no_winner_form") or NoWinnerForm(),
        can_score=lambda p: judging.can_score(user, p),
        show_sponsor=call.need.can_see_firm(user),
        org_type_labels=ORG_TYPE_LABELS,
        margin=judging.CONSENSUS_MARGIN,
        invitations=invitations.invitations_of(call) if organiser else [],
        prizes=awards.prize_payments(user, call) if organiser else [],
        tie_form=forms.get("tie_form"),
        tie_form_for=_tie_form_for,
    ), status


def _tie_form_for(call: Challenge, row) -> TieBreakForm:
    form = TieBreakForm(formdata=None)
    form.set_tied([p for p in call.proposals if p.id in row.tied_with])
    return form


@bp.route("/<int:call_id>")
def detail(call_id: int):
    return render_detail(_visible_call(call_id))


@bp.route("/<int:call_id>/questions", methods=["POST"])
@login_required
def ask(call_id: int):
    call = _visible_call(call_id)
    form = QuestionForm()
    return submit_form(
        form,
        lambda: questions.ask_question(current_user, call, form.body.data),
        _("问题已提交，经纪人答复后将公开。"),
        url_for("challenges.detail", call_id=call.id),
        lambda: render_detail(call, 422, question_form=form),
    )


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(question_id: int):
    question = db.get_or_404(ChallengeQuestion, question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return render_detail(_visible_call(question.challenge_id), 422)
    with Write():
        questions.answer_question(current_user, question, form.answer.data)
        flash(_("答复已公开。"), "success")
    return redirect(url_for("challenges.detail", call_id=question.challenge_id))


@bp.route("/<int:call_id>/proposal", methods=["GET", "POST"])
@login_required
def submit(call_id: int):
    call = _visible_call(call_id)
    if not proposals.can_submit(current_user, call):
        abort(403)
    own = proposals.own_proposal(current_user, call)
    form = ProposalForm()
    form.set_achievements(proposals.own_achievements(current_user.organization_id))
    write = Write(form)
    if request.method == "GET" and own is not None:
        v = own.current
        form.achievements.data = list(v.achievement_ids or [])
        form.approach.data = v.approach
        form.promised_indicators.data = v.promised_indicators
        form.team.data = v.team
        form.budget.process_data(v.budget_fen)
        form.schedule.data = v.schedule
    if form.validate_on_submit():
        with write:
            version = proposals.submit_proposal(
                current_user,
                call,
                {
                    "approach": form.approach.data,
                    "promised_indicators": form.promised_indicators.data,
                    "team": form.team.data,
                    "budget_fen": form.budget.fen,
                    "schedule": form.schedule.data,
                    "nda": form.nda.data,
                    "nda_version": request.form.get("nda_version", type=int),
                    "achievement_ids": form.achievements.data or [],
                    "file": form.file.data,
                },
            )
        if write.ok:
            flash(_("方案已提交（第 %(v)d 版）。", v=version.version), "success")
            return redirect(
                url_for("challenges.proposal", proposal_id=version.proposal_id)
            )
    status = status_of(write.error) if form.is_submitted() and write.error else None
    if isinstance(write.error, UploadTooLarge):
        status = 413
    return render_template(
        "challenges/proposal_form.html",
        form=form,
        call=call,
        own=own,
        attachments=proposals.attachments(own) if own else [],
    ), status or form_status(form)


def _visible_proposal(proposal_id: int) -> Proposal:
    proposal = db.get_or_404(Proposal, proposal_id)
    if not proposal.can_view(current_user):
        abort(404)
    return proposal


@bp.route("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    proposal = _visible_proposal(proposal_id)
    call = proposal.challenge
    return render_template(
        "challenges/proposal.html",
        proposal=proposal,
        call=call,
        scores=judging.visible_scores(current_user, proposal),
        can_score=judging.can_score(current_user, proposal)
        and judging.own_score(current_user, proposal) is None
        and call.stage() == Stage.JUDGING,
        can_revise=judging.can_revise(current_user, proposal),
        show_versions=current_user.belongs_to(proposal.organization_id)
        or call.is_organiser(current_user),
        attachments=proposals.attachments(proposal),
        cited=proposals.cited_achievements(proposal.current),
    )


@bp.route("/proposals/<int:proposal_id>/score", methods=["GET", "POST"])
@login_required
def score(proposal_id: int):
    proposal = _visible_proposal(proposal_id)
    call = proposal.challenge
    if not call.is_panel_member(current_user):
        abort(403)
    form = score_form(call.criteria)
    revising = judging.can_revise(current_user, proposal)
    if form.validate_on_submit():
        values = [form[f"c{i}"].data for i in range(len(call.criteria))]
        act = judging.revise_score if revising else judging.score_proposal
        with Write(form) as write:
            act(current_user, proposal, values, form.comment.data)
        if write.ok:
            flash(_("评分已提交。"), "success")
            return redirect(url_for("challenges.proposal", proposal_id=proposal.id))
    return render_template(
        "challenges/score.html",
        form=form,
        proposal=proposal,
        call=call,
        revising=revising,
    ), form_status(form)


@bp.route("/proposals/<int:proposal_id>/consensus", methods=["POST"])
@login_required
def consensus(proposal_id: int):
    proposal = _visible_proposal(proposal_id)
    with Write():
        judging.open_consensus(current_user, proposal)
        flash(_("已召开合议，评过分的专家可复核一次评分。"), "success")
    return redirect(url_for("challenges.detail", call_id=proposal.challenge_id))


@bp.route("/<int:call_id>/award", methods=["POST"])
@login_required
def award(call_id: int):
    call = _visible_call(call_id)
    if not call.is_organiser(current_user):
        abort(403)
    form = award_form(call.proposals, call.awards)
    if form.validate_on_submit():
        winners = {
            p.id: int(form[f"p{p.id}"].data)
            for p in call.proposals
            if form[f"p{p.id}"].data not in (None, "")
        }
        with Write(form) as write:
            awards.award(current_user, call, winners)
        if write.ok:
            flash(_("揭榜结果已公布，已为中榜方开启交易并生成奖金付款单。"), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    return render_detail(call, 422, award_form=form)


@bp.route("/<int:call_id>/no-winner", methods=["POST"])
@login_required
def no_winner(call_id: int):
    call = _visible_call(call_id)
    if not call.is_organiser(current_user):
        abort(403)
    form = NoWinnerForm()
    if form.validate_on_submit():
        with Write(form) as write:
            awards.no_winner(current_user, call, form.reason.data)
        if write.ok:
            flash(_("已宣布未揭榜。"), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    return render_detail(call, 422, no_winner_form=form)


@bp.route("/<int:call_id>/tiebreak", methods=["POST"])
@login_required
def tiebreak(call_id: int):
    call = _visible_call(call_id)
    if not call.is_organiser(current_user):
        abort(403)
    form = TieBreakForm()
    form.set_tied(call.proposals)
    if form.validate_on_submit():
        with Write(form) as write:
            judging.break_tie(current_user, call, form.first.data, form.reason.data)
        if write.ok:
            flash(_("并列名次的决定已记录。"), "success")
            return redirect(url_for("challenges.detail", call_id=call.id))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return render_detail(call, 422, tie_form=form)
