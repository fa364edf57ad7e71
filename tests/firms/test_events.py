"""Roadshows: lots, registration, a schedule without clashes, meetings become deals."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.timeutil import utcnow
from marketplace.deals.models import Deal
from marketplace.firms.events import assign_slots
from marketplace.firms.models_events import Event, EventLot, EventMeeting


def test_assign_slots_never_double_books_a_party():
    # Firm A meets owners X and Y; firm B meets X; firm C meets X; 2 slots only.
    plan = assign_slots(
        [(1, "A", "X"), (2, "A", "Y"), (3, "B", "X"), (4, "C", "X")], slots=2
    )
    assert plan == {1: 0, 2: 1, 3: 1, 4: None}
    by_slot: dict = {}
    triples = {1: ("A", "X"), 2: ("A", "Y"), 3: ("B", "X"), 4: ("C", "X")}
    for mid, slot in plan.items():
        if slot is None:
            continue
        for party in triples[mid]:
            assert (party, slot) not in by_slot
            by_slot[(party, slot)] = mid


def test_a_roadshow_from_lots_to_deals(app, db, login, create_user, create_achievement):
    clients = {}
    people = {
        "operator": create_user(role=Role.OPERATOR),
        "supplier": create_user(role=Role.SUPPLIER),
        "firm": create_user(role=Role.FIRM),
        "firm2": create_user(role=Role.FIRM),
    }
    for name, user in people.items():
        clients[name] = app.test_client()
        login(user, c=clients[name])
    ach = create_achievement(org=people["supplier"].organization)
    start = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    resp = clients["operator"].post(
        "/events/new",
        data={
            "title": "镜架新材料路演",
            "starts_at": start,
            "place": "瓯海科技大市场",
            "slot_minutes": "20",
            "slots": "4",
        },
    )
    assert resp.status_code == 302
    event = db.session.scalars(sa.select(Event)).one()
    url = f"/events/{event.id}"
    assert clients["firm"].post("/events/new", data={}).status_code == 403
    assert (
        clients["supplier"]
        .post(f"{url}/lots", data={"achievement_id": str(ach.id)})
        .status_code
        == 302
    )
    lot = db.session.scalars(sa.select(EventLot)).one()
    # Not selected yet: hidden from the public, and no meetings on it.
    assert ach.title not in clients["firm"].get(url).get_data(as_text=True)
    assert clients["supplier"].post(f"/events/lots/{lot.id}/select").status_code == 403
    clients["operator"].post(f"/events/lots/{lot.id}/select")
    assert ach.title in app.test_client().get(url).get_data(as_text=True)
    # Meeting before registering is refused.
    assert clients["firm"].post(f"/events/lots/{lot.id}/meet").status_code == 403
    for name in ("firm", "firm2"):
        clients[name].post(f"{url}/register")
        assert clients[name].post(f"/events/lots/{lot.id}/meet").status_code == 302
    clients["operator"].post(f"{url}/schedule")
    slots = sorted(m.slot for m in db.session.scalars(sa.select(EventMeeting)))
    assert slots == [0, 1]  # one owner, two firms: two different slots
    # Not before the event is over.
    meeting = db.session.scalars(
        sa.select(EventMeeting).where(
            EventMeeting.firm_org_id == people["firm"].organization_id
        )
    ).one()
    clients["firm"].post(f"/events/meetings/{meeting.id}/deal")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0
    event.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert (
        clients["firm2"].post(f"/events/meetings/{meeting.id}/deal").status_code == 403
    )
    resp = clients["firm"].post(f"/events/meetings/{meeting.id}/deal")
    assert resp.status_code == 302
    deal = db.session.scalars(sa.select(Deal)).one()
    assert deal.achievement_id == ach.id
    assert deal.firm_org_id == people["firm"].organization_id
    assert "1 场洽谈已转为交易" in app.test_client().get(url).get_data(as_text=True)
