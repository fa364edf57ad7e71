"""Who sees what in the deal room: parties only, internal notes for staff only."""

from __future__ import annotations

import io

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.deals.room import messages as room
from marketplace.uploads.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_non_party_gets_404_and_parties_see_the_room(
    client, login, make_deal, create_user
):
    ns = make_deal()
    url = f"/deals/{ns.deal.id}"
    for user in (ns.outsider, create_user(Role.BROKER), create_user(Role.SUPPLIER)):
        login(user)
        assert client.get(url).status_code == 404
        client.post("/account/logout")
    for user in (ns.firm, ns.supplier, ns.broker, ns.operator):
        login(user)
        assert client.get(url).status_code == 200
        client.post("/account/logout")
    assert client.get(url).status_code == 302  # anonymous: log in first


def test_internal_notes_are_for_broker_and_operator_only(client, login, make_deal, db):
    ns = make_deal()
    room.post_message(ns.deal, ns.broker, "internal", "企业预算可能不足")
    room.post_message(ns.deal, ns.broker, "meeting", "5月3日线上会议纪要")
    db.session.commit()
    url = f"/deals/{ns.deal.id}"
    for user, sees in (
        (ns.firm, False),
        (ns.supplier, False),
        (ns.broker, True),
        (ns.operator, True),
    ):
        login(user)
        page = client.get(url).get_data(as_text=True)
        assert ("企业预算可能不足" in page) is sees
        assert "5月3日线上会议纪要" in page
        client.post("/account/logout")


def test_firm_cannot_write_internal_notes(client, login, make_deal, db):
    ns = make_deal()
    login(ns.firm)
    r = client.post(
        f"/deals/{ns.deal.id}/messages", data={"kind": "internal", "body": "偷偷写"}
    )
    assert r.status_code == 403


def test_message_files_follow_the_message_audience(client, login, make_deal, db):
    ns = make_deal()
    login(ns.broker)
    r = client.post(
        f"/deals/{ns.deal.id}/messages",
        data={
            "kind": "internal",
            "body": "评估底稿",
            "files": (io.BytesIO(PDF), "底稿.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    att = db.session.scalars(sa.select(Attachment)).one()
    assert att.owner_type == "deal_message"
    assert client.get(f"/files/{att.id}").status_code == 200
    client.post("/account/logout")
    login(ns.firm)
    assert client.get(f"/files/{att.id}").status_code == 404


def test_message_thread_notifies_other_parties(client, login, make_deal, db):
    from marketplace.notifications.models import Notification

    ns = make_deal()
    login(ns.firm)
    r = client.post(
        f"/deals/{ns.deal.id}/messages",
        data={"kind": "message", "body": "什么时候见面？"},
    )
    assert r.status_code == 302
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "deal.message")
        )
    )
    assert told == {ns.supplier.id, ns.broker.id}


def test_buttons_follow_the_viewers_parties(client, login, make_deal):
    ns = make_deal()
    login(ns.firm)
    page = client.get(f"/deals/{ns.deal.id}").get_data(as_text=True)
    assert (
        'data-action="terminate"' in page
        and 'data-action="start_matchmaking"' not in page
    )
    client.post("/account/logout")
    login(ns.broker)
    page = client.get(f"/deals/{ns.deal.id}").get_data(as_text=True)
    assert 'data-action="start_matchmaking"' in page


def test_action_route_with_stale_version_answers_409(client, login, make_deal, db):
    ns = make_deal()
    login(ns.broker)
    url = f"/deals/{ns.deal.id}/action"
    v = ns.deal.version
    assert (
        client.post(
            url, data={"action": "start_matchmaking", "version": str(v)}
        ).status_code
        == 302
    )
    r = client.post(url, data={"action": "start_evaluation", "version": str(v)})
    assert r.status_code == 409 and "刷新" in r.get_data(as_text=True)
    db.session.refresh(ns.deal)
    assert ns.deal.stage == "matchmaking"


def test_refused_action_answers_409_and_forbidden_403(client, login, make_deal):
    ns = make_deal()
    login(ns.broker)
    assert (
        client.post(
            f"/deals/{ns.deal.id}/action", data={"action": "register"}
        ).status_code
        == 409
    )
    client.post("/account/logout")
    login(ns.firm)
    assert (
        client.post(
            f"/deals/{ns.deal.id}/action", data={"action": "start_matchmaking"}
        ).status_code
        == 403
    )


def test_price_form_opens_notice_for_state_funded(client, login, make_deal, db):
    from marketplace.deals.models import DealStage

    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    login(ns.broker)
    r = client.post(
        f"/deals/{ns.deal.id}/price",
        data={
            "price": "250000",
            "transfer_mode": "licence",
            "version": str(ns.deal.version),
        },
    )
    assert r.status_code == 302
    db.session.refresh(ns.deal)
    assert (
        ns.deal.stage == "public_notice"
        and ns.deal.notice.proposed_price_fen == 25_000_000
    )
    assert (
        client.post(f"/deals/{ns.deal.id}/price", data={"price": "-5"}).status_code
        == 422
    )


def test_pages_render_for_every_party_with_notice_and_auction(
    client, login, make_deal, db
):
    from datetime import timedelta

    from marketplace.core.timeutil import utcnow
    from marketplace.deals import services
    from marketplace.deals.models import DealStage
    from marketplace.deals.pricing import auctions

    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(ns.deal, ns.broker, 1_000_000)
    other = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow()
    auction = auctions.create_auction(
        other.deal,
        other.broker,
        {
            "start_price_fen": 100,
            "increment_fen": 10,
            "reserve_fen": 100,
            "deposit_fen": 0,
            "starts_at": t0,
            "ends_at": t0 + timedelta(hours=1),
        },
        now=t0,
    )
    db.session.commit()
    for user in (ns.firm, ns.supplier, ns.broker, ns.operator):
        login(user)
        page = client.get(f"/deals/{ns.deal.id}").get_data(as_text=True)
        assert f"/notices/{ns.deal.notice.id}" in page
        client.post("/account/logout")
    for user in (other.firm, other.broker, other.operator):
        login(user)
        assert f"/deals/auctions/{auction.id}" in client.get(
            f"/deals/{other.deal.id}"
        ).get_data(as_text=True)
        assert client.get(f"/deals/auctions/{auction.id}").status_code == 200
        client.post("/account/logout")
    login(other.broker)
    assert client.get(f"/deals/{other.deal.id}/auction/new").status_code == 200
    login(ns.firm)
    assert client.get(f"/deals/interest/{ns.achievement.id}").status_code == 200


def test_price_form_carries_the_page_version(client, login, make_deal, db):
    from marketplace.deals.models import DealStage

    ns = make_deal(DealStage.NEGOTIATION)
    login(ns.broker)
    page = client.get(f"/deals/{ns.deal.id}").get_data(as_text=True)
    assert f'value="{ns.deal.version}"' in page
    r = client.post(
        f"/deals/{ns.deal.id}/price",
        data={"price": "1000", "version": str(ns.deal.version - 1)},
    )
    assert r.status_code == 409
    db.session.refresh(ns.deal)
    assert ns.deal.agreed_price_fen is None
