"""Event pages (/events/): the public list, an event with its lots and schedule, and
the buttons of each party."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..achievements.models import Achievement
from ..core.domain import FIELD_LABELS
from ..core.forms import ButtonForm
from ..core.timeutil import SHANGHAI
from ..core.transaction import Write, button, form_status
from ..extensions import db
from ..listings.models import public_filter
from . import events, events_bp
from .forms_events import EventForm, LotForm
from .models_events import Event, EventLot, EventMeeting


@events_bp.route("/")
def index():
    rows = db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all()
    return render_template("firms/events_index.html", rows=rows)


@events_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.is_operator:
        abort(403)
    form = EventForm()
    if form.validate_on_submit():
        local = form.starts_at.data.replace(tzinfo=SHANGHAI)
        data = {
            "title": form.title.data,
            "starts_at": local.astimezone(UTC).replace(tzinfo=None),
            "place": form.place.data or "",
            "online_link": form.online_link.data or "",
            "fields": list(form.fields.data or []),
            "programme": form.programme.data or "",
            "slot_minutes": form.slot_minutes.data,
            "slots": form.slots.data,
        }
        with Write(form) as write:
            event = events.create_event(current_user, data)
        if write.ok:
            return redirect(url_for(".detail", event_id=event.id))
    return render_template("firms/event_form.html", form=form), form_status(form)


def _lot_form() -> LotForm:
    form = LotForm()
    own = []
    if current_user.is_authenticated and current_user.organization_id:
        own = db.session.scalars(
            sa.select(Achievement)
            .where(
                Achievement.organization_id == current_user.organization_id,
                public_filter(Achievement),
            )
            .order_by(Achievement.id)
        ).all()
    form.achievement_id.choices = [(a.id, a.title) for a in own]
    return form


@events_bp.route("/<int:event_id>")
def detail(event_id: int, lot_form=None, status=200):
    event = db.get_or_404(Event, event_id)
    user = current_user
    staff = user.is_authenticated and user.is_staff
    org_id = user.organization_id if user.is_authenticated else None
    mine = [
        m
        for m in event.meetings
        if staff
        or m.firm_org_id == org_id
        or (org_id and m.lot.achievement.organization_id == org_id)
    ]
    return render_template(
        "firms/event.html",
        event=event,
        lots=[lot for lot in event.lots if lot.selected or staff],
        meetings=mine,
        outcomes=[m for m in event.meetings if m.deal_id] if event.is_over else [],
        lot_form=lot_form or _lot_form(),
        action_form=ButtonForm(),
        registered=user.is_authenticated and events.is_registered(event, user),
        field_labels=FIELD_LABELS,
    ), status


@events_bp.route("/<int:event_id>/lots", methods=["POST"])
@login_required
def put_forward(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = _lot_form()
    if form.validate_on_submit():
        achievement = db.get_or_404(Achievement, form.achievement_id.data)
        with Write(form) as write:
            events.put_forward(event, current_user, achievement)
        if write.ok:
            flash(_("已推荐，等待运营方遴选。"), "success")
            return redirect(url_for(".detail", event_id=event.id))
    return detail(event.id, lot_form=form, status=form_status(form))


@events_bp.route("/lots/<int:lot_id>/select", methods=["POST"])
@login_required
def select(lot_id: int):
    lot = db.get_or_404(EventLot, lot_id)
    with Write():
        events.select_lot(lot, current_user, not lot.selected)
    return redirect(url_for(".detail", event_id=lot.event_id))


@events_bp.route("/<int:event_id>/register", methods=["POST"])
@login_required
def register(event_id: int):
    event = db.get_or_404(Event, event_id)
    return button(
        lambda: events.register(event, current_user),
        _("报名成功。"),
        url_for(".detail", event_id=event.id),
    )


@events_bp.route("/lots/<int:lot_id>/meet", methods=["POST"])
@login_required
def meet(lot_id: int):
    lot = db.get_or_404(EventLot, lot_id)
    return button(
        lambda: events.request_meeting(lot, current_user),
        _("已申请一对一洽谈。"),
        url_for(".detail", event_id=lot.event_id),
    )


@events_bp.route("/<int:event_id>/schedule", methods=["POST"])
@login_required
def schedule(event_id: int):
    event = db.get_or_404(Event, event_id)
    return button(
        lambda: events.build_schedule(event, current_user),
        lambda n: _("已排定 %(n)s 场洽谈。", n=n),
        url_for(".detail", event_id=event.id),
    )


@events_bp.route("/meetings/<int:meeting_id>/deal", methods=["POST"])
@login_required
def to_deal(meeting_id: int):
    meeting = db.get_or_404(EventMeeting, meeting_id)
    with Write() as write:
        deal = events.meeting_to_deal(meeting, current_user)
    if write.ok:
        return redirect(url_for("deals.detail", deal_id=deal.id))
    return redirect(url_for(".detail", event_id=meeting.event_id))
