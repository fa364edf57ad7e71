"""Auctions: registration, start price and increment, extension, reserve, anonymity."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import Role
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.timeutil import utcnow
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import auctions
from marketplace.payments import deposits, paying
from marketplace.payments.models import BankTransfer

YUAN = 100


def pay_deposit(db, bidder, operator, now=None):
    """The operator confirms the bidder's bank transfer of its whole deposit."""
    req = deposits.deposit_request(bidder.id)
    transfer = BankTransfer(payment_request_id=req.id, submitted_by_id=bidder.user_id)
    db.session.add(transfer)
    db.session.flush()
    paying.confirm_transfer(transfer, operator, req.amount_fen)
    if now is not None:  # when the confirmation is taken to have happened
        bidder.deposit_paid_at = now
    db.session.flush()


@pytest.fixture
def auction(make_deal, create_user, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True, pricing_mode="auction")
    ns.t0 = utcnow()
    ns.auction = auctions.create_auction(
        ns.deal,
        ns.broker,
        {
            "start_price_fen": 100_000 * YUAN,
            "increment_fen": 5_000 * YUAN,
            "reserve_fen": 120_000 * YUAN,
            "deposit_fen": 10_000 * YUAN,
            "starts_at": ns.t0,
            "ends_at": ns.t0 + timedelta(hours=2),
            "registration_ends_at": ns.t0 + timedelta(hours=1),
        },
        now=ns.t0,
    )
    ns.rival = create_user(Role.FIRM)
    ns.b1 = auctions.register_bidder(ns.auction, ns.firm, now=ns.t0)
    ns.b2 = auctions.register_bidder(ns.auction, ns.rival, now=ns.t0)
    db.session.commit()
    assert ns.b1.deposit_state(ns.t0) == "unpaid"
    for bidder in (ns.b1, ns.b2):
        pay_deposit(db, bidder, ns.operator)
    db.session.commit()
    return ns


def at(ns, minutes):
    return ns.t0 + timedelta(minutes=minutes)


def test_bidders_numbered_and_deposit_paid(auction):
    assert (auction.b1.number, auction.b2.number) == (1, 2)
    assert auction.b1.deposit_fen == 1_000_000 and auction.b1.deposit_status == "paid"
    assert auction.b1.qualified and auction.b1.deposit_state() == "paid"


def test_unregistered_cannot_bid(auction):
    with pytest.raises(PermissionDenied):
        auctions.place_bid(
            auction.auction, auction.outsider, 100_000 * YUAN, now=at(auction, 1)
        )


def test_first_bid_must_reach_start_then_beat_by_increment(auction):
    a = auction.auction
    with pytest.raises(ValidationFailed):
        auctions.place_bid(a, auction.firm, 99_999 * YUAN, now=at(auction, 1))
    auctions.place_bid(a, auction.firm, 100_000 * YUAN, now=at(auction, 1))
    with pytest.raises(ValidationFailed):
        auctions.place_bid(a, auction.rival, 104_999 * YUAN, now=at(auction, 2))
    auctions.place_bid(a, auction.rival, 105_000 * YUAN, now=at(auction, 2))
    assert a.high_bid_fen == 105_000 * YUAN and a.bid_count == 2


def test_bid_in_last_five_minutes_extends_close(auction):
    a = auction.auction
    auctions.place_bid(a, auction.firm, 100_000 * YUAN, now=at(auction, 100))
    assert a.ends_at == at(auction, 120)
    auctions.place_bid(a, auction.rival, 105_000 * YUAN, now=at(auction, 116))
    assert a.ends_at == at(auction, 125) and a.bids[0].extended
    auctions.place_bid(a, auction.firm, 110_000 * YUAN, now=at(auction, 122))
    assert a.ends_at == at(auction, 130)


def test_no_bid_after_close(auction):
    from marketplace.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        auctions.place_bid(
            auction.auction, auction.firm, 100_000 * YUAN, now=at(auction, 120)
        )


def test_highest_bid_at_reserve_wins_and_sets_the_price(auction, db):
    a = auction.auction
    auctions.place_bid(a, auction.firm, 115_000 * YUAN, now=at(auction, 10))
    auctions.place_bid(a, auction.rival, 120_000 * YUAN, now=at(auction, 20))
    assert a.effective_status(at(auction, 121)) == "closing"
    assert not auctions.close_auction(a, now=at(auction, 119))
    assert auctions.close_auction(a, now=at(auction, 121))
    assert not auctions.close_auction(a, now=at(auction, 122))
    deal = auction.deal
    assert a.outcome == "won" and deal.agreed_price_fen == 120_000 * YUAN
    assert deal.firm_org_id == auction.rival.organization_id
    assert deal.events[-1].action == "auction_close"


def test_below_reserve_fails(auction):
    a = auction.auction
    auctions.place_bid(a, auction.firm, 115_000 * YUAN, now=at(auction, 10))
    assert auctions.close_auction(a, now=at(auction, 121))
    assert a.outcome == "failed" and auction.deal.agreed_price_fen is None


def test_reserve_below_start_is_refused(make_deal):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow()
    with pytest.raises(ValidationFailed):
        auctions.create_auction(
            ns.deal,
            ns.broker,
            {
                "start_price_fen": 100,
                "increment_fen": 10,
                "reserve_fen": 50,
                "deposit_fen": 0,
                "starts_at": t0,
                "ends_at": t0 + timedelta(hours=1),
            },
            now=t0,
        )


def test_bidders_see_each_other_anonymised(auction, client, login, db):
    a = auction.auction
    auctions.place_bid(a, auction.firm, 100_000 * YUAN)
    auctions.place_bid(a, auction.rival, 105_000 * YUAN)
    db.session.commit()
    login(auction.rival)
    page = client.get(f"/deals/auctions/{a.id}").get_data(as_text=True)
    assert "竞买人1" in page and "竞买人2（我）" in page
    assert auction.firm_org.name not in page


def test_bid_route_rejects_below_increment_with_422(auction, client, login, db):
    a = auction.auction
    auctions.place_bid(a, auction.firm, 100_000 * YUAN)
    db.session.commit()
    login(auction.rival)
    assert (
        client.post(
            f"/deals/auctions/{a.id}/bid", data={"amount": "101000"}
        ).status_code
        == 422
    )
    assert (
        client.post(f"/deals/auctions/{a.id}/bid", data={"amount": "abc"}).status_code
        == 422
    )
    assert (
        client.post(
            f"/deals/auctions/{a.id}/bid", data={"amount": "105000"}
        ).status_code
        == 302
    )


def test_broker_sets_up_auction_in_beijing_time(make_deal, client, login, db):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    login(ns.broker)
    r = client.post(
        f"/deals/{ns.deal.id}/auction/new",
        data={
            "start_price": "100000",
            "increment": "5000",
            "reserve": "120000",
            "deposit": "10000",
            "starts_at": "2030-05-01T09:00",
            "ends_at": "2030-05-01T11:00",
        },
    )
    assert r.status_code == 302
    a = ns.deal.auction
    assert a.starts_at.hour == 1 and a.ends_at.hour == 3  # 09:00 Beijing = 01:00 UTC
    assert a.start_price_fen == 10_000_000
    # Registration and deposits close at the start unless the broker says otherwise.
    assert a.registration_ends_at == a.starts_at and a.sign_within_days == 10
    r = client.post(f"/deals/{ns.deal.id}/auction/new", data={"start_price": "x"})
    assert r.status_code == 422
    a.outcome = "failed"  # a failed auction may be set up again
    r = client.post(
        f"/deals/{ns.deal.id}/auction/new",
        data={
            "start_price": "100000",
            "increment": "5000",
            "reserve": "120000",
            "deposit": "10000",
            "starts_at": "2030-05-01T09:00",
            "ends_at": "2030-05-01T11:00",
            "registration_ends_at": "2030-05-01T12:00",
            "sign_within_days": "0",
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "签约期限应为 1 至 90 天" in html
    form = {
        "start_price": "100000",
        "increment": "5000",
        "reserve": "120000",
        "deposit": "10000",
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T11:00",
        "registration_ends_at": "2030-05-01T12:00",
    }
    r = client.post(f"/deals/{ns.deal.id}/auction/new", data=form)
    assert r.status_code == 422
    assert "报名截止时间不能早于现在，也不能晚于结束时间" in r.get_data(as_text=True)


def test_firm_cannot_set_up_an_auction(make_deal, client, login):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    login(ns.firm)
    assert client.get(f"/deals/{ns.deal.id}/auction/new").status_code == 403


def test_open_auctions_are_listed_on_the_public_board(auction, client):
    """Firms outside the deal find the auction on the public notice board."""
    html = client.get("/notices/").get_data(as_text=True)
    assert "open-auctions" in html
    assert f"/deals/auctions/{auction.auction.id}" in html


def _late_firm(auction, create_user, db):
    """A third firm registered in time whose deposit is not (yet) paid."""
    user = create_user(Role.FIRM)
    bidder = auctions.register_bidder(auction.auction, user, now=at(auction, 1))
    db.session.commit()
    return user, bidder


def test_an_unpaid_bidder_cannot_bid_and_is_told_to_pay(auction, create_user, db):
    user, bidder = _late_firm(auction, create_user, db)
    with pytest.raises(PermissionDenied, match="保证金到账后才能出价"):
        auctions.place_bid(auction.auction, user, 100_000 * YUAN, now=at(auction, 2))
    assert auction.auction.bid_count == 0 and bidder.deposit_state(at(auction, 2)) == (
        "unpaid"
    )


def test_an_overdue_or_late_deposit_never_qualifies(auction, create_user, db):
    user, bidder = _late_firm(auction, create_user, db)
    after = at(auction, 61)  # the registration deadline was t0 + 60 min
    assert bidder.deposit_state(after) == "overdue"
    with pytest.raises(PermissionDenied, match="未在报名截止"):
        auctions.place_bid(auction.auction, user, 100_000 * YUAN, now=after)
    pay_deposit(db, bidder, auction.operator, now=after)
    db.session.commit()
    assert bidder.deposit_status == "paid" and bidder.deposit_state(after) == "late"
    with pytest.raises(PermissionDenied, match="未在报名截止"):
        auctions.place_bid(auction.auction, user, 100_000 * YUAN, now=after)
    assert auction.auction.bid_count == 0


def test_no_registration_after_the_deadline(auction, create_user):
    from marketplace.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition, match="报名已于"):
        auctions.register_bidder(
            auction.auction, create_user(Role.FIRM), now=at(auction, 61)
        )


def test_a_deadline_after_the_close_is_refused(make_deal):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    t0 = utcnow()
    with pytest.raises(ValidationFailed) as exc:
        auctions.create_auction(
            ns.deal,
            ns.broker,
            {
                "start_price_fen": 100,
                "increment_fen": 10,
                "reserve_fen": 100,
                "deposit_fen": 10,
                "starts_at": t0,
                "ends_at": t0 + timedelta(hours=1),
                "registration_ends_at": t0 + timedelta(hours=2),
            },
            now=t0,
        )
    assert exc.value.errors[0][0] == "registration_ends_at"


@pytest.mark.parametrize(
    ("locale", "text"),
    [("zh_CN", "保证金到账后才能出价"), ("en", "only once your deposit")],
)
def test_the_bid_page_refuses_an_unpaid_bidder_in_its_language(
    auction, create_user, client, login, db, locale, text
):
    user, _bidder = _late_firm(auction, create_user, db)
    user.locale = locale
    db.session.commit()
    login(user)
    r = client.post(
        f"/deals/auctions/{auction.auction.id}/bid", data={"amount": "100000"}
    )
    assert r.status_code == 403
    assert text in r.get_data(as_text=True)
    db.session.expire_all()
    assert auction.auction.bid_count == 0


def test_the_auction_page_shows_each_deposit_state_as_a_label(
    auction, create_user, client, login, db
):
    user, _bidder = _late_firm(auction, create_user, db)
    login(auction.broker)
    html = client.get(f"/deals/auctions/{auction.auction.id}").get_data(as_text=True)
    assert html.count('data-deposit-state="paid"') == 2
    assert html.count('data-deposit-state="unpaid"') == 1
    assert "已缴纳" in html and "待缴纳" in html
    assert auction.firm_org.name in html  # the staff see who registered
    assert ">recorded<" not in html and ">paid<" not in html
    client.post("/account/logout")
    login(user)
    html = client.get(f"/deals/auctions/{auction.auction.id}").get_data(as_text=True)
    assert "竞买人3（我）" in html and auction.firm_org.name not in html
    assert 'data-my-deposit="unpaid"' in html and "缴纳保证金" in html


def test_a_firm_arriving_after_the_deadline_is_told_registration_closed(
    auction, client, login, db
):
    auction.auction.registration_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(auction.outsider)
    html = client.get(f"/deals/auctions/{auction.auction.id}").get_data(as_text=True)
    assert "data-registration-closed" in html and "报名已于" in html
    assert "报名竞买（保证金" not in html


def test_registering_twice_is_flashed_back_on_the_auction(auction, client, login):
    # A button-only write: its refusal is flashed and the route redirects back.
    login(auction.firm)
    url = f"/deals/auctions/{auction.auction.id}"
    r = client.post(f"{url}/register")
    assert r.status_code == 302 and r.headers["Location"].endswith(url)
    assert "贵单位已报名" in client.get(url).get_data(as_text=True)
    assert len(auction.auction.bidders) == 2


def test_a_bid_after_the_end_is_409_with_the_reason_above(auction, client, login, db):
    # The bid form is gone once bidding closed, so the reason is flashed above.
    auction.auction.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(auction.firm)
    r = client.post(f"/deals/auctions/{auction.auction.id}/bid", data={"amount": "1"})
    assert r.status_code == 409 and "拍卖不在竞价时间内" in r.get_data(as_text=True)
    assert auction.auction.bid_count == 0
