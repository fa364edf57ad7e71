"""/instruments/<id>/…: samples-only bookings, closures, trained users and photos."""

from __future__ import annotations

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.transaction import Write, button, submit
from ..extensions import db
from ..uploads import services as uploads
from ..uploads.models import Attachment
from . import instrument_terms as terms
from . import instruments, instruments_bp
from .forms import ClosureForm, PhotoForm, SamplesForm, TrainingForm
from .models import Instrument, InstrumentClosure, InstrumentTraining
from .routes_instruments import detail_page


def _page(inst_id: int) -> str:
    return url_for("instruments.detail", instrument_id=inst_id)


def _back(inst_id: int):
    return redirect(_page(inst_id))


@instruments_bp.post("/<int:instrument_id>/samples")
@login_required
def book_samples(instrument_id: int):
    inst = db.get_or_404(Instrument, instrument_id)
    form = SamplesForm()
    if form.validate_on_submit():
        with Write(form) as write:
            instruments.book_samples(
                current_user,
                inst,
                form.drop_off.data,
                form.samples.data,
                form.note.data,
            )
        if write.ok:
            flash(_("送样申请已提交，等待仪器所属机构确认。"), "success")
            return _back(inst.id)
    return detail_page(inst, 422, samples_form=form)


@instruments_bp.post("/<int:instrument_id>/closures")
@login_required
def add_closure(instrument_id: int):
    inst = db.get_or_404(Instrument, instrument_id)
    if not terms.owns(current_user, inst):
        abort(403)
    form = ClosureForm()
    return submit(
        form,
        lambda: terms.add_closure(
            current_user, inst, form.first.data, form.last.data, form.reason.data
        ),
        _("停用日期已登记。"),
        _page(inst.id),
        lambda: detail_page(inst, 422, closure_form=form),
    )


@instruments_bp.post("/closures/<int:closure_id>/delete")
@login_required
def remove_closure(closure_id: int):
    row = db.get_or_404(InstrumentClosure, closure_id)
    return button(
        lambda: terms.remove_closure(current_user, row),
        _("已取消该日停用。"),
        _page(row.instrument_id),
    )


@instruments_bp.post("/<int:instrument_id>/trainings")
@login_required
def add_training(instrument_id: int):
    inst = db.get_or_404(Instrument, instrument_id)
    if not terms.owns(current_user, inst):
        abort(403)
    form = TrainingForm()
    return submit(
        form,
        lambda: terms.record_training(
            current_user, inst, form.email.data, form.trained_on.data
        ),
        _("培训用户已登记。"),
        _page(inst.id),
        lambda: detail_page(inst, 422, training_form=form),
    )


@instruments_bp.post("/trainings/<int:training_id>/delete")
@login_required
def remove_training(training_id: int):
    row = db.get_or_404(InstrumentTraining, training_id)
    return button(
        lambda: terms.remove_training(current_user, row),
        _("已取消该用户的培训登记。"),
        _page(row.instrument_id),
    )


@instruments_bp.post("/<int:instrument_id>/photos")
@login_required
def add_photo(instrument_id: int):
    inst = db.get_or_404(Instrument, instrument_id)
    if not terms.owns(current_user, inst):
        abort(403)
    form = PhotoForm()
    if form.validate_on_submit():
        with Write(form) as write:
            terms.add_photo(current_user, inst, request.files.get("photo"))
        if write.ok:
            flash(_("照片已上传。"), "success")
            return _back(inst.id)
    return detail_page(inst, 422, photo_form=form)


def _photo(attachment_id: int) -> Attachment:
    att = db.get_or_404(Attachment, attachment_id)
    if att.owner_type != terms.PHOTO_OWNER or not uploads.can_download(
        current_user, att
    ):
        abort(404)
    return att


@instruments_bp.get("/photos/<int:attachment_id>")
def photo(attachment_id: int):
    """A photo shown inline (images only: the upload checked its bytes)."""
    att = _photo(attachment_id)
    path = uploads.stored_path(att)
    if not path.is_file() or not att.content_type.startswith("image/"):
        abort(404)
    response = send_file(path, mimetype=att.content_type, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@instruments_bp.post("/photos/<int:attachment_id>/delete")
@login_required
def remove_photo(attachment_id: int):
    att = _photo(attachment_id)
    inst_id = att.owner_id
    with Write() as write:
        stored = uploads.delete_upload(att, current_user)
    if write.ok:
        uploads.remove_stored_file(stored)
        flash(_("照片已删除。"), "success")
    return _back(inst_id)
