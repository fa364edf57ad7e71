"""Shared instruments: booking inside opening hours, no overlap (also concurrently on
PostgreSQL), the owner's confirmation, completed use → payment request; the map."""

from __future__ import annotations

import os
import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from marketplace.core.timeutil import today_shanghai
from marketplace.services import instruments
from marketplace.services.models import Booking, Instrument


def _slot(hour: int, days: int = 2) -> datetime:
    """A Beijing-time start `days` ahead at `hour`."""
    return datetime.combine(today_shanghai() + timedelta(days=days), time(hour))


def test_a_firm_books_a_free_slot_and_overlaps_are_refused(app, client, db, net, login):
    login(net.firm)
    start = _slot(9).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(
        f"/instruments/{net.instrument.id}/book", data={"starts_at": start, "hours": 2}
    )
    assert resp.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert booking.starts_at == _slot(9) - timedelta(hours=8)  # stored in UTC
    overlap = client.post(
        f"/instruments/{net.instrument.id}/book",
        data={"starts_at": _slot(10).strftime("%Y-%m-%dT%H:%M"), "hours": 1},
    )
    assert overlap.status_code == 422 and "该时段已被预约" in overlap.get_data(
        as_text=True
    )
    late = client.post(
        f"/instruments/{net.instrument.id}/book",
        data={"starts_at": _slot(16).strftime("%Y-%m-%dT%H:%M"), "hours": 2},
    )
    assert late.status_code == 422 and "开放时间" in late.get_data(as_text=True)
    past = client.post(
        f"/instruments/{net.instrument.id}/book",
        data={"starts_at": _slot(9, days=-1).strftime("%Y-%m-%dT%H:%M"), "hours": 1},
    )
    assert past.status_code == 422
    # Back to back is fine.
    with app.test_request_context():
        instruments.book(net.firm, net.instrument, _slot(11), 1)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 2


def test_the_owner_confirms_and_completed_use_asks_for_payment(
    app, client, db, net, login
):
    with app.test_request_context():
        booking = instruments.book(net.firm, net.instrument, _slot(9), 3)
        with pytest.raises(PermissionDenied):
            instruments.confirm(net.firm, booking)
        with pytest.raises(InvalidTransition):
            instruments.complete(net.lab, booking)  # not confirmed yet
    db.session.commit()
    login(net.lab)
    assert client.post(f"/instruments/bookings/{booking.id}/confirm").status_code == 302
    assert (
        client.post(f"/instruments/bookings/{booking.id}/complete").status_code == 302
    )
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    req = booking.payment_request
    assert booking.status == "completed"
    assert (req.amount_fen, req.payer_org_id, req.payee_org_id, req.service_kind) == (
        30_000,
        net.firm_org.id,
        net.lab_org.id,
        "testing",
    )
    # A refused or cancelled booking frees its slot.
    with app.test_request_context():
        b2 = instruments.book(net.firm, net.instrument, _slot(13), 1)
        instruments.cancel(net.firm, b2)
        instruments.book(net.firm, net.instrument, _slot(13), 1)
        with pytest.raises(PermissionDenied):
            instruments.book(net.lab, net.instrument, _slot(15), 1)


def test_pages_and_the_innovation_map(app, client, db, net, login):
    assert "盐雾试验箱" in client.get("/instruments/").get_data(as_text=True)
    assert "盐雾试验箱" not in client.get("/instruments/?town=zeya").get_data(
        as_text=True
    )
    page = client.get("/instruments/map?town=louqiao").get_data(as_text=True)
    assert "<svg" in page and "娄桥街道" in page and "盐雾试验箱" in page
    assert net.lab_org.name in page
    assert client.get(f"/instruments/{net.instrument.id}").status_code == 200
    login(net.firm)
    bad = client.post(
        "/instruments/new",
        data={
            "name": "x",
            "price_unit": "hour",
            "town": "",
            "field": "",
            "unit_price": "10",
            "opens_hour": 8,
            "closes_hour": 17,
        },
    )
    assert bad.status_code == 403  # a firm does not list instruments here
    lab = app.test_client()
    login(net.lab, c=lab)
    wrong = lab.post(
        "/instruments/new",
        data={
            "name": "三坐标测量机",
            "price_unit": "hour",
            "town": "",
            "field": "",
            "unit_price": "200",
            "opens_hour": 18,
            "closes_hour": 9,
        },
    )
    assert wrong.status_code == 422
    ok = lab.post(
        "/instruments/new",
        data={
            "name": "三坐标测量机",
            "price_unit": "hour",
            "town": "",
            "field": "",
            "unit_price": "200",
            "opens_hour": 8,
            "closes_hour": 18,
        },
    )
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Instrument)) == 2


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
    reason="row-level concurrency is proven on PostgreSQL",
)
def test_two_firms_booking_the_same_slot_at_once_get_one_booking(
    app, db, net, create_user, create_org
):
    from marketplace.accounts.models import OrgType, Role, User

    others = [
        create_user(role=Role.FIRM, org=create_org(type=OrgType.FIRM)) for _ in range(3)
    ]
    users = [net.firm.id] + [u.id for u in others]
    inst_id = net.instrument.id
    barrier = threading.Barrier(len(users), timeout=20)
    outcomes = []

    def book(user_id, hour):
        with app.app_context(), app.test_request_context():
            try:
                user = db.session.get(User, user_id)
                inst = db.session.get(Instrument, inst_id)
                barrier.wait()
                instruments.book(user, inst, _slot(hour), 2)
                db.session.commit()
                outcomes.append("ok")
            except ValidationFailed:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001 (reported by the assertion)
                db.session.rollback()
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    # 9–11, 10–12, 9–11, 10–12: only one of them can hold the morning.
    threads = [
        threading.Thread(target=book, args=(u, 9 + n % 2)) for n, u in enumerate(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1
