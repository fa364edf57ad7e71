"""The roster's service history includes the organisation's service orders and
instrument bookings."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import utcnow
from marketplace.firms import roster
from marketplace.firms.models import RosterFirm
from marketplace.services.models import (
    Booking,
    Instrument,
    Offering,
    Provider,
    ServiceOrder,
)


def test_orders_and_bookings_are_in_the_history(
    client, login, create_user, create_org, db
):
    lab = create_org(type=OrgType.INSTITUTE, name="瓯海检测所")
    provider = Provider(organization_id=lab.id, kind="testing", fields=[])
    db.session.add(provider)
    db.session.flush()
    offering = Offering(
        provider_id=provider.id,
        name="镜架盐雾试验",
        standard="GB/T 10125",
        price_mode="on_quote",
    )
    instrument = Instrument(
        owner_org_id=lab.id, name="分光光度计", unit_price_fen=10_000
    )
    db.session.add_all([offering, instrument])
    db.session.flush()
    org = create_org(name="瓯海服务眼镜厂")
    other = create_org(name="别家眼镜厂")
    member = create_user(role=Role.FIRM, org=org)
    outsider = create_user(role=Role.FIRM, org=other)
    start = utcnow() + timedelta(days=2)
    db.session.add_all(
        [
            ServiceOrder(
                offering_id=offering.id,
                provider_org_id=lab.id,
                firm_org_id=org.id,
                requested_by_id=member.id,
            ),
            Booking(
                instrument_id=instrument.id,
                firm_org_id=org.id,
                booked_by_id=member.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            ),
            Booking(
                instrument_id=instrument.id,
                firm_org_id=other.id,
                booked_by_id=outsider.id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            ),
        ]
    )
    firm = RosterFirm(name="瓯海服务眼镜厂", town="潘桥街道", organization_id=org.id)
    db.session.add(firm)
    db.session.commit()
    h = roster.service_history(firm)
    assert [o.offering.name for o in h.orders] == ["镜架盐雾试验"]
    assert [b.firm_org_id for b in h.bookings] == [org.id]
    assert not h.empty
    login(create_user(role=Role.BROKER))
    page = client.get(f"/roster/{firm.id}").get_data(as_text=True)
    assert "镜架盐雾试验" in page and "分光光度计" in page
    assert "尚未获得任何服务" not in page
