"""Instrument terms: closure days refuse bookings, samples-only bookings hold no slot,
trained users alone operate an instrument themselves, photos through the upload rules."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import Role
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.timeutil import today_shanghai
from marketplace.payments.models import PaymentRequest
from marketplace.services import instrument_terms as terms
from marketplace.services import instruments
from marketplace.services.models import (
    Booking,
    Instrument,
    InstrumentClosure,
    InstrumentTraining,
)
from marketplace.uploads.models import Attachment

from .conftest import PDF

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def _day(days: int):
    return today_shanghai() + timedelta(days=days)


def _slot(hour: int, days: int = 2) -> datetime:
    return datetime.combine(_day(days), time(hour))


def _count(db, model, *where):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where)
    )


def test_closure_days_refuse_slots_and_samples(app, client, db, net, login):
    inst = net.instrument
    login(net.lab)
    resp = client.post(
        f"/instruments/{inst.id}/closures",
        data={
            "first": _day(2).isoformat(),
            "last": _day(3).isoformat(),
            "reason": "年度计量校准",
        },
    )
    assert resp.status_code == 302
    assert _count(db, InstrumentClosure) == 2
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    assert "年度计量校准" in page[page.index('id="closures"') :]
    # A reversed range is refused on the form; nothing half-saved.
    bad = client.post(
        f"/instruments/{inst.id}/closures",
        data={"first": _day(9).isoformat(), "last": _day(8).isoformat()},
    )
    assert bad.status_code == 422 and "不能早于开始日期" in bad.get_data(as_text=True)
    assert _count(db, InstrumentClosure) == 2
    client.post("/account/logout")
    # A firm cannot close the instrument.
    login(net.firm)
    assert (
        client.post(
            f"/instruments/{inst.id}/closures", data={"first": _day(5).isoformat()}
        )
    ).status_code == 403
    closed = client.post(
        f"/instruments/{inst.id}/book",
        data={"starts_at": _slot(9, days=3).strftime("%Y-%m-%dT%H:%M"), "hours": 1},
    )
    assert closed.status_code == 422 and "停用" in closed.get_data(as_text=True)
    assert _count(db, Booking) == 0
    ok = client.post(
        f"/instruments/{inst.id}/book",
        data={"starts_at": _slot(9, days=4).strftime("%Y-%m-%dT%H:%M"), "hours": 1},
    )
    assert ok.status_code == 302 and _count(db, Booking) == 1
    # The calendar marks the closed days and the held hours, without the firm's name.
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    cal = page[
        page.index('id="calendar"') : page.index(
            "</table>", page.index('id="calendar"')
        )
    ]
    assert f'data-closed="{_day(2).isoformat()}"' in cal and "年度计量校准" in cal
    assert "已约 09:00–10:00" in cal and net.firm_org.name not in cal
    # Reopened, the day books again.
    row = db.session.scalars(
        sa.select(InstrumentClosure).order_by(InstrumentClosure.day)
    ).first()
    with app.test_request_context():
        with pytest.raises(PermissionDenied):
            terms.remove_closure(net.firm, row)
        terms.remove_closure(net.lab, row)
        db.session.commit()
        instruments.book(net.firm, inst, _slot(9, days=2), 1)


def test_samples_only_bookings_hold_no_slot_and_bill_per_sample(app, db, net):
    per_sample = Instrument(
        owner_org_id=net.lab_org.id,
        name="镍释放检测装置",
        price_unit="sample",
        unit_price_fen=30_000,
    )
    db.session.add(per_sample)
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(ValidationFailed):  # per hour: book a slot instead
            instruments.book_samples(net.firm, net.instrument, _day(2), 3, "")
        with pytest.raises(ValidationFailed):
            instruments.book_samples(net.firm, per_sample, _day(-1), 3, "")
        with pytest.raises(ValidationFailed):
            instruments.book_samples(net.firm, per_sample, _day(2), 0, "")
        with pytest.raises(PermissionDenied):
            instruments.book_samples(net.lab, per_sample, _day(2), 3, "")
        a = instruments.book_samples(net.firm, per_sample, _day(2), 3, "镜架 3 件")
        # Samples hold no slot: a slot that day and a second submission are both fine.
        instruments.book(net.firm, per_sample, _slot(9), 2)
        instruments.book_samples(net.firm, per_sample, _day(2), 1, "")
        terms.add_closure(net.lab, per_sample, _day(5), None, "")
        with pytest.raises(ValidationFailed):
            instruments.book_samples(net.firm, per_sample, _day(5), 1, "")
        instruments.confirm(net.lab, a)
        req = instruments.complete(net.lab, a)
        db.session.commit()
    assert a.kind == "samples" and a.quantity == 3
    assert db.session.get(PaymentRequest, req.id).amount_fen == 90_000


def test_samples_form_on_the_page(client, db, net, login):
    inst = Instrument(
        owner_org_id=net.lab_org.id,
        name="镍释放检测装置",
        price_unit="sample",
        unit_price_fen=30_000,
    )
    db.session.add(inst)
    db.session.commit()
    login(net.firm)
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    assert 'id="book-samples"' in page
    bad = client.post(f"/instruments/{inst.id}/samples", data={"samples": 2})
    assert bad.status_code == 422 and _count(db, Booking) == 0
    ok = client.post(
        f"/instruments/{inst.id}/samples",
        data={"drop_off": _day(1).isoformat(), "samples": 2, "note": "送样 2 件"},
    )
    assert ok.status_code == 302
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    assert "送样检测" in page and "2 件" in page


def test_only_a_trained_user_operates_the_instrument_themself(
    app, client, db, net, login, create_user
):
    inst = net.instrument
    with app.test_request_context():
        # Staff-operated: nobody operates it themself, and no training is recorded.
        with pytest.raises(ValidationFailed):
            instruments.book(net.firm, inst, _slot(9), 1, self_operate=True)
        with pytest.raises(ValidationFailed):
            terms.record_training(net.lab, inst, net.firm.email, _day(0))
    inst.staff_operated = False
    db.session.commit()
    colleague = create_user(role=Role.FIRM, org=net.firm_org)
    with app.test_request_context():
        with pytest.raises(PermissionDenied):
            instruments.book(net.firm, inst, _slot(9), 1, self_operate=True)
        # Not trained: the owner's staff operates it.
        plain = instruments.book(net.firm, inst, _slot(9), 1)
        assert plain.self_operated is False
        with pytest.raises(PermissionDenied):
            terms.record_training(net.firm, inst, net.firm.email, _day(0))
        with pytest.raises(ValidationFailed):
            terms.record_training(net.lab, inst, "nobody@example.com", _day(0))
        db.session.commit()
    login(net.lab)
    resp = client.post(
        f"/instruments/{inst.id}/trainings",
        data={"email": net.firm.email.upper(), "trained_on": _day(-3).isoformat()},
    )
    assert resp.status_code == 302
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    assert net.firm.email in page[page.index('id="trained-users"') :]
    client.post("/account/logout")
    login(net.firm)
    resp = client.post(
        f"/instruments/{inst.id}/book",
        data={
            "starts_at": _slot(11).strftime("%Y-%m-%dT%H:%M"),
            "hours": 1,
            "self_operate": "y",
        },
    )
    assert resp.status_code == 302
    booking = db.session.scalars(sa.select(Booking).order_by(Booking.id.desc())).first()
    assert booking.self_operated is True
    assert "您已登记为培训用户" in client.get(f"/instruments/{inst.id}").get_data(
        as_text=True
    )
    # The training is the user's, not the firm's.
    with app.test_request_context():
        with pytest.raises(PermissionDenied):
            instruments.book(colleague, inst, _slot(13), 1, self_operate=True)
        row = db.session.scalar(sa.select(InstrumentTraining))
        terms.remove_training(net.lab, row)
        with pytest.raises(PermissionDenied):
            instruments.book(net.firm, inst, _slot(14), 1, self_operate=True)


def test_photos_are_images_checked_by_upload_rules_and_shown_inline(
    app, client, db, net, login
):
    inst = net.instrument
    login(net.firm)
    assert (
        client.post(
            f"/instruments/{inst.id}/photos",
            data={"photo": (io.BytesIO(PNG), "chamber.png")},
            content_type="multipart/form-data",
        )
    ).status_code == 403
    client.post("/account/logout")
    login(net.lab)
    pdf = client.post(
        f"/instruments/{inst.id}/photos",
        data={"photo": (io.BytesIO(PDF), "chamber.pdf")},
        content_type="multipart/form-data",
    )
    assert pdf.status_code == 422 and "PNG" in pdf.get_data(as_text=True)
    renamed = client.post(
        f"/instruments/{inst.id}/photos",
        data={"photo": (io.BytesIO(PDF), "chamber.png")},
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 422 and "不符" in renamed.get_data(as_text=True)
    assert _count(db, Attachment) == 0
    ok = client.post(
        f"/instruments/{inst.id}/photos",
        data={"photo": (io.BytesIO(PNG), "盐雾试验箱.png")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    att = db.session.scalar(sa.select(Attachment))
    client.post("/account/logout")
    # Anyone sees the public instrument's photo inline, as an image.
    page = client.get(f"/instruments/{inst.id}").get_data(as_text=True)
    assert f"/instruments/photos/{att.id}" in page
    img = client.get(f"/instruments/photos/{att.id}")
    assert img.status_code == 200 and img.mimetype == "image/png"
    assert img.headers["X-Content-Type-Options"] == "nosniff"
    assert img.data == PNG
    # Another owner type's file is not served here.
    with app.test_request_context():
        other = terms.save_upload(
            FileStorage(io.BytesIO(PNG), "x.png"), "need", 1, net.firm
        )
        db.session.commit()
    assert client.get(f"/instruments/photos/{other.id}").status_code == 404
    # Only the owner deletes it.
    login(net.firm)
    assert client.post(f"/instruments/photos/{att.id}/delete").status_code == 403
    assert db.session.get(Attachment, att.id) is not None
    client.post("/account/logout")
    login(net.lab)
    client.post(f"/instruments/photos/{att.id}/delete")
    db.session.expire_all()
    assert db.session.get(Attachment, att.id) is None


def test_deleting_a_photo_through_the_uploads_route_returns_to_the_instrument(
    client, db, net, login
):
    inst = net.instrument
    login(net.lab)
    client.post(
        f"/instruments/{inst.id}/photos",
        data={"photo": (io.BytesIO(PNG), "chamber.png")},
        content_type="multipart/form-data",
    )
    att = db.session.scalar(sa.select(Attachment))
    # The generic delete of /files/ goes back to the page the photo was shown on,
    # not to the home page.
    gone = client.post(f"/files/{att.id}/delete")
    assert gone.status_code == 302
    assert gone.headers["Location"].endswith(f"/instruments/{inst.id}")
    db.session.expire_all()
    assert db.session.get(Attachment, att.id) is None
