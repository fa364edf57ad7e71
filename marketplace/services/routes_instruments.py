"""/instruments/: shared instruments, booking a slot, the owner's answers, the map."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.domain import FIELD_LABELS
from ..core.forms import ButtonForm
from ..core.timeutil import today_shanghai
from ..core.transaction import Write, button, form_status
from ..extensions import db
from ..vouchers import eligibility as listing
from . import instrument_terms as terms
from . import instruments, instruments_bp
from .forms import (
    BookingForm,
    ClosureForm,
    InstrumentForm,
    PhotoForm,
    SamplesForm,
    TrainingForm,
)
from .models import Booking, Instrument, Provider
from .rules import (
    BOOKING_KINDS,
    BOOKING_STATUS_LABELS,
    PROVIDER_KINDS,
    TOWN_LABELS,
    TOWNS,
    UNIT_LABELS,
)

LABELS = {
    "units": UNIT_LABELS,
    "towns": TOWN_LABELS,
    "booking_status": BOOKING_STATUS_LABELS,
    "fields": {str(k): v for k, v in FIELD_LABELS.items()},
    "kinds": PROVIDER_KINDS,
    "booking_kinds": BOOKING_KINDS,
}


@instruments_bp.get("/")
def index():
    town = request.args.get("town", "")
    field = request.args.get("field", "")
    q = sa.select(Instrument).where(Instrument.active.is_(True))
    if town in TOWNS:
        q = q.where(Instrument.town == town)
    if field in LABELS["fields"]:
        q = q.where(Instrument.field == field)
    items = db.session.scalars(
        q.order_by(Instrument.name, Instrument.id).limit(200)
    ).all()
    return render_template(
        "instruments/index.html",
        instruments=items,
        town=town,
        field=field,
        labels=LABELS,
        eligible={i.owner_org_id for i in items if listing.is_eligible(i.owner_org_id)},
    )


@instruments_bp.get("/map")
def innovation_map():
    """创新地图: providers and instruments by Ouhai town, drawn from our own data."""
    town = request.args.get("town", "")
    insts = db.session.scalars(
        sa.select(Instrument)
        .where(Instrument.active.is_(True))
        .order_by(Instrument.name)
    ).all()
    provs = db.session.scalars(sa.select(Provider).order_by(Provider.id)).all()
    counts = Counter(i.town for i in insts if i.town) + Counter(
        p.town for p in provs if p.town
    )
    if town in TOWNS:
        insts = [i for i in insts if i.town == town]
        provs = [p for p in provs if p.town == town]
    points = [
        {"code": code, "label": label, "x": x, "y": y, "count": counts.get(code, 0)}
        for code, (label, x, y) in TOWNS.items()
    ]
    return render_template(
        "instruments/map.html",
        points=points,
        instruments=insts,
        providers=provs,
        town=town if town in TOWNS else "",
        labels=LABELS,
    )


@instruments_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = InstrumentForm()
    if form.validate_on_submit():
        with Write(form) as write:
            inst = instruments.add_instrument(
                current_user,
                name=form.name.data,
                model=form.model.data,
                maker=form.maker.data,
                location=form.location.data,
                town=form.town.data,
                field=form.field.data,
                capabilities=form.capabilities.data,
                standards=form.standards.data,
                price_unit=form.price_unit.data,
                unit_price_fen=form.unit_price.fen,
                opens_hour=form.opens_hour.data,
                closes_hour=form.closes_hour.data,
                staff_operated=form.staff_operated.data,
            )
        if write.ok:
            flash(_("仪器已登记。"), "success")
            return redirect(url_for("instruments.detail", instrument_id=inst.id))
    return render_template("instruments/new.html", form=form), form_status(form)


def detail_page(inst: Instrument, status: int = 200, form=None, **forms):
    owner = instruments.owns(current_user, inst)
    q = sa.select(Booking).where(Booking.instrument_id == inst.id)
    if not (owner or getattr(current_user, "is_staff", False)):
        org = getattr(current_user, "organization_id", None)
        q = q.where(Booking.firm_org_id == (org or -1))
    return render_template(
        "instruments/detail.html",
        inst=inst,
        owner=owner,
        bookings=db.session.scalars(q.order_by(Booking.starts_at)).all(),
        form=form or BookingForm(),
        samples_form=forms.get("samples_form") or SamplesForm(),
        closure_form=forms.get("closure_form") or ClosureForm(),
        training_form=forms.get("training_form") or TrainingForm(),
        photo_form=forms.get("photo_form") or PhotoForm(),
        action_form=ButtonForm(),
        closures=terms.upcoming_closures(inst, today_shanghai()),
        calendar=terms.calendar(inst, today_shanghai()),
        photos=terms.photos(inst),
        trained=terms.trained_users(inst) if owner else [],
        is_trained=terms.is_trained(current_user, inst),
        eligible=listing.is_eligible(inst.owner_org_id),
        labels=LABELS,
    ), status


@instruments_bp.get("/<int:instrument_id>")
def detail(instrument_id: int):
    return detail_page(db.get_or_404(Instrument, instrument_id))


@instruments_bp.post("/<int:instrument_id>/book")
@login_required
def book(instrument_id: int):
    inst = db.get_or_404(Instrument, instrument_id)
    form = BookingForm()
    if form.validate_on_submit():
        with Write(form) as write:
            instruments.book(
                current_user,
                inst,
                form.starts_at.data,
                form.hours.data,
                form.note.data,
                self_operate=form.self_operate.data,
            )
        if write.ok:
            flash(_("预约已提交，等待仪器所属机构确认。"), "success")
            return redirect(url_for("instruments.detail", instrument_id=inst.id))
    return detail_page(inst, 422, form)


STEPS = {
    "confirm": instruments.confirm,
    "refuse": instruments.refuse,
    "cancel": instruments.cancel,
    "complete": instruments.complete,
}


@instruments_bp.post(
    "/bookings/<int:booking_id>/<any(confirm, refuse, cancel, complete):step>"
)
@login_required
def booking_step(booking_id: int, step: str):
    booking = db.get_or_404(Booking, booking_id)
    if not instruments.can_view_booking(current_user, booking):
        abort(404)
    return button(
        lambda: STEPS[step](current_user, booking),
        _("预约已更新。"),
        url_for("instruments.detail", instrument_id=booking.instrument_id),
    )
