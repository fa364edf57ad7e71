"""The deal room's pages: the room itself, the pipeline's action buttons, messages,
the agreed price and pricing mode, and the operator's reassignment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...accounts.models import Role, User
from ...core.errors import InvalidTransition, ServiceError, StaleObject
from ...core.timeutil import utcnow
from ...core.transaction import submit
from ...core.web import visible_or_404
from ...extensions import db
from ...uploads.services import UploadTooLarge, attachments_of
from .. import assignment, bp, pipeline, questions, services
from ..forms import (
    ActionForm,
    MessageForm,
    PriceForm,
    PricingModeForm,
    ReassignForm,
)
from ..models import Deal, DealStage, MessageKind
from . import messages


def visible_deal(deal_id: int) -> Deal:
    """The deal if the user is a party; for anyone else it does not exist."""
    return visible_or_404(Deal, deal_id)


def _broker_choices() -> list[tuple[str, str]]:
    brokers = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.BROKER, User.active.is_(True))
        .order_by(User.name)
    ).all()
    return [("", _("按规则自动指派"))] + [(str(b.id), b.name) for b in brokers]


def render_room(deal: Deal, status: int = 200, **forms):
    parties = services.deal_parties(deal, current_user)
    now = utcnow()
    shown = messages.visible_messages(deal, current_user)
    message_form = forms.get("message_form") or MessageForm()
    message_form.kind.choices = [
        c
        for c in message_form.kind.choices
        if parties & messages.WRITERS[MessageKind(c.value)]
    ]
    reassign_form = forms.get("reassign_form") or ReassignForm()
    reassign_form.broker_id.choices = _broker_choices()
    files = {a.id: a for a in attachments_of("deal", deal.id)}
    actions = [
        t
        for t in services.available_actions(deal, current_user, now)
        if t.action not in pipeline.FORM_ACTIONS
    ]
    price_form = forms.get("price_form") or PriceForm()
    if not price_form.is_submitted():
        # The mode the service would record without one: the pipeline's rule.
        price_form.transfer_mode.data = pipeline.deal_mode(deal)
    mode_form = forms.get("mode_form") or PricingModeForm(
        pricing_mode=deal.pricing_mode
    )
    allowed = services.allowed_pricing_modes(deal)
    mode_form.pricing_mode.choices = [
        c for c in mode_form.pricing_mode.choices if c.value in allowed
    ]
    for form in (price_form, mode_form, reassign_form):
        form.version.data = str(deal.version)  # the version this page shows
    return render_template(
        "deals/detail.html",
        deal=deal,
        parties=parties,
        now=now,
        actions=actions,
        action_labels=pipeline.ACTION_LABELS,
        messages=shown,
        message_files=messages.files_by_message(shown),
        files=files,
        events=list(deal.events),
        notice=deal.notice,
        auction=deal.auction,
        action_form=forms.get("action_form") or ActionForm(),
        message_form=message_form,
        price_form=price_form,
        mode_form=mode_form,
        reassign_form=reassign_form,
        is_staff=bool(parties & {pipeline.BROKER, pipeline.OPERATOR}),
        can_price=services.can_set_price(deal, current_user),
        notice_required=pipeline.notice_required(deal),
        contract=questions.ask("contract_of", deal),
    ), status


def refusal_status(error: ServiceError, form=None) -> int:
    """The status of a refused write on a page whose forms follow the object's state.

    A page out of date or a step the state does not allow answers 409, and its reason
    is flashed above the page: once the deal or auction moved on, the form (`form`,
    which holds the refusal) may be gone from it. Everything else stays on the form
    and answers 422.
    """
    if not isinstance(error, StaleObject | InvalidTransition):
        return 422
    if form is not None:
        message = str(error)
        form.form_errors.remove(message)
        flash(message, "error")
    return 409


def _refused(deal: Deal, error: ServiceError, form=None, **forms):
    """The room again after a refused write (see refusal_status); a file over the
    limit is a 413, as on every upload."""
    if isinstance(error, UploadTooLarge):
        abort(413)
    status = refusal_status(error, form)
    db.session.refresh(deal)
    return render_room(deal, status, **forms)


@bp.route("/<int:deal_id>")
@login_required
def detail(deal_id: int):
    return render_room(visible_deal(deal_id))


@bp.route("/<int:deal_id>/action", methods=["POST"])
@login_required
def action(deal_id: int):
    deal = visible_deal(deal_id)
    form = ActionForm()

    def again():
        flash(_("请求有误，请刷新页面后重试。"), "danger")
        return render_room(deal, 422, action_form=form)

    # The action buttons show no errors of their own: a refusal is flashed above.
    return submit(
        form,
        lambda: services.apply_action(
            deal,
            form.action.data,
            current_user,
            form.reason.data or "",
            expected_version=form.version.data,
            attachments=request.files.getlist("files"),
        ),
        _("操作已完成：%(a)s", a=pipeline.ACTION_LABELS.get(form.action.data, "")),
        url_for("deals.detail", deal_id=deal.id),
        again,
        refused=lambda error: _refused(deal, error, action_form=form),
        on_form=False,
    )


@bp.route("/<int:deal_id>/messages", methods=["POST"])
@login_required
def post_message(deal_id: int):
    deal = visible_deal(deal_id)
    form = MessageForm()
    return submit(
        form,
        lambda: messages.post_message(
            deal,
            current_user,
            form.kind.data,
            form.body.data,
            request.files.getlist("files"),
        ),
        _("已发送。"),
        url_for("deals.detail", deal_id=deal.id) + "#room",
        lambda: render_room(deal, 422, message_form=form),
        refused=lambda error: _refused(deal, error, form, message_form=form),
    )


@bp.route("/<int:deal_id>/price", methods=["POST"])
@login_required
def agree_price(deal_id: int):
    deal = visible_deal(deal_id)
    form = PriceForm()
    return submit(
        form,
        lambda: services.agree_price(
            deal,
            current_user,
            form.price.fen,
            {
                "transfer_mode": form.transfer_mode.data,
                "related_party": form.related_party.data,
                "related_party_reason": form.related_party_reason.data,
            },
            expected_version=form.version.data,
        ),
        # Read after the call: agreeing may have published the notice.
        lambda _r: (
            _("协议价格已确定，已发布公示。")
            if deal.stage == DealStage.PUBLIC_NOTICE
            else _("协议价格已确定。")
        ),
        url_for("deals.detail", deal_id=deal.id),
        lambda: render_room(deal, 422, price_form=form),
        refused=lambda error: _refused(deal, error, form, price_form=form),
    )


@bp.route("/<int:deal_id>/pricing-mode", methods=["POST"])
@login_required
def pricing_mode(deal_id: int):
    deal = visible_deal(deal_id)
    form = PricingModeForm()
    # The mode form shows no errors of its own: a refusal is flashed above.
    return submit(
        form,
        lambda: services.set_pricing_mode(
            deal,
            current_user,
            form.pricing_mode.data,
            expected_version=form.version.data,
        ),
        _("定价方式已更新。"),
        url_for("deals.detail", deal_id=deal.id),
        lambda: render_room(deal, 422, mode_form=form),
        refused=lambda error: _refused(deal, error, mode_form=form),
        on_form=False,
    )


@bp.route("/<int:deal_id>/reassign", methods=["POST"])
@login_required
def reassign(deal_id: int):
    deal = visible_deal(deal_id)
    if not current_user.is_operator:
        abort(403)
    form = ReassignForm()
    form.broker_id.choices = _broker_choices()
    if not form.validate():
        return render_room(deal, 422, reassign_form=form)
    raw = form.broker_id.data or ""
    broker = db.session.get(User, int(raw)) if raw.isdigit() else None
    if raw and broker is None:
        abort(404)
    return submit(
        form,
        lambda: assignment.reassign(
            deal,
            current_user,
            broker,
            form.reason.data,
            expected_version=form.version.data,
        ),
        _("已重新指派经纪人。"),
        url_for("deals.detail", deal_id=deal.id),
        lambda: render_room(deal, 422, reassign_form=form),
        refused=lambda error: _refused(deal, error, form, reassign_form=form),
    )
