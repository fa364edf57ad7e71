"""The panel's evaluation of a call: the chair's group opinion, members' dissent, and
the report (printable page and PDF)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.pdf import download
from ..core.transaction import submit
from ..extensions import db
from . import bp, opinion
from .forms import DissentForm, OpinionForm
from .models import Challenge, Stage


def _report_call(call_id: int) -> Challenge:
    call = db.get_or_404(Challenge, call_id)
    if not opinion.can_view_report(current_user, call):
        abort(404)
    return call


def _render(call: Challenge, status: int = 200, **forms):
    user = current_user
    mine = next((d for d in opinion.dissents_of(call) if d.expert_id == user.id), None)
    current = opinion.opinion_of(call)
    return render_template(
        "challenges/report.html",
        r=opinion.report(user, call),
        call=call,
        judging=call.stage() == Stage.JUDGING,
        is_chair=opinion.is_chair(user, call),
        is_member=call.is_panel_member(user),
        opinion_form=forms.get("opinion_form")
        or OpinionForm(
            formdata=None, data={"opinion": current.opinion if current else ""}
        ),
        dissent_form=forms.get("dissent_form")
        or DissentForm(formdata=None, data={"dissent": mine.text if mine else ""}),
    ), status


@bp.route("/<int:call_id>/report")
@login_required
def report(call_id: int):
    return _render(_report_call(call_id))


@bp.route("/<int:call_id>/report.pdf")
@login_required
def report_pdf(call_id: int):
    call = _report_call(call_id)
    return download(
        lambda: opinion.render_pdf(opinion.report(current_user, call)),
        f"challenge-{call.id}-report.pdf",
        url_for("challenges.report", call_id=call.id),
    )


@bp.route("/<int:call_id>/opinion", methods=["POST"])
@login_required
def write_opinion(call_id: int):
    call = _report_call(call_id)
    form = OpinionForm()
    return submit(
        form,
        lambda: opinion.write_opinion(current_user, call, form.opinion.data),
        _("专家组意见已保存。"),
        url_for("challenges.report", call_id=call.id),
        lambda: _render(call, 422, opinion_form=form),
    )


@bp.route("/<int:call_id>/dissent", methods=["POST"])
@login_required
def record_dissent(call_id: int):
    call = _report_call(call_id)
    form = DissentForm()
    return submit(
        form,
        lambda: opinion.record_dissent(current_user, call, form.dissent.data),
        _("不同意见已记录。"),
        url_for("challenges.report", call_id=call.id),
        lambda: _render(call, 422, dissent_form=form),
    )
