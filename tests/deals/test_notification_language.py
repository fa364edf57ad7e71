"""Deal notifications reach each party in that party's language, not the actor's."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from marketplace.accounts.models import Role
from marketplace.clock import run_due
from marketplace.core.timeutil import utcnow
from marketplace.deals import services
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import auctions, notices
from marketplace.notifications.models import Notification


def _note(db, user, kind: str = "deal.stage") -> Notification:
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind)
        .order_by(Notification.id.desc())
    ).first()


def _mail_to(inbox, user):
    [mail] = [m for m in inbox if m["To"] == user.email]
    return mail, mail.get_body(("plain",)).get_content()


def _set_locales(db, **by_user) -> None:
    for user, locale in by_user.values():
        user.locale = locale
    db.session.commit()


def test_an_english_broker_moves_a_deal_and_chinese_parties_read_chinese(
    client, login, make_deal, db, smtp_server
):
    ns = make_deal()
    _set_locales(db, b=(ns.broker, "en"), f=(ns.firm, "zh_CN"), s=(ns.supplier, None))
    smtp_server.clear()
    login(ns.broker)
    page = client.get(f"/deals/{ns.deal.id}").get_data(as_text=True)
    assert '<html lang="en">' in page  # the broker works in English
    resp = client.post(
        f"/deals/{ns.deal.id}/action",
        data={"action": "start_matchmaking", "reason": "已约双方下周面谈"},
    )
    assert resp.status_code == 302
    title = f"交易“{ns.deal.title}”进入对接洽谈"
    for user in (ns.firm, ns.supplier):
        note = _note(db, user)
        assert (note.title, note.body) == (title, "已约双方下周面谈")
        mail, text = _mail_to(smtp_server, user)
        assert mail["Subject"] == title
        assert f"{user.name}，您好：" in text and "已约双方下周面谈" in text
        assert "Deal" not in text and "Dear" not in text
    assert _note(db, ns.broker) is None  # the actor is not told


def test_a_chinese_broker_moves_a_deal_and_an_english_firm_reads_english(
    client, login, make_deal, db, smtp_server
):
    ns = make_deal()
    _set_locales(db, b=(ns.broker, "zh_CN"), f=(ns.firm, "en"))
    smtp_server.clear()
    login(ns.broker)
    client.post(
        f"/deals/{ns.deal.id}/action",
        data={"action": "start_matchmaking", "reason": "已约双方下周面谈"},
    )
    note = _note(db, ns.firm)
    assert note.title == f"Deal “{ns.deal.title}” moved to stage: Matchmaking"
    assert note.body == "已约双方下周面谈"  # typed by a person: never translated
    mail, text = _mail_to(smtp_server, ns.firm)
    assert mail["Subject"] == note.title
    assert f"Dear {ns.firm.name}," in text and "Ouhai Technology Market" in text
    assert "您好" not in text and "进入" not in text
    assert _note(db, ns.supplier).title == f"交易“{ns.deal.title}”进入对接洽谈"


def test_the_clock_tells_an_english_broker_of_an_overdue_deal_in_english(make_deal, db):
    ns = make_deal()
    ns.deal.stage_entered_at = utcnow() - timedelta(days=10)
    _set_locales(db, b=(ns.broker, "en"))
    assert run_due()["overdue_notified"] == 1
    note = _note(db, ns.broker, "deal.overdue")
    assert note.title == f"Deal “{ns.deal.title}” is overdue: Reply deadline"


def test_an_outbid_english_bidder_reads_english(make_deal, create_user, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True, pricing_mode="auction")
    t0 = utcnow()
    auction = auctions.create_auction(
        ns.deal,
        ns.broker,
        {
            "start_price_fen": 10_000_000,
            "increment_fen": 500_000,
            "reserve_fen": 12_000_000,
            "deposit_fen": 0,  # no deposit to pay before bidding: this is about language
            "starts_at": t0,
            "ends_at": t0 + timedelta(hours=2),
        },
        now=t0,
    )
    rival = create_user(Role.FIRM, locale="zh_CN")
    auctions.register_bidder(auction, ns.firm, now=t0)
    auctions.register_bidder(auction, rival, now=t0)
    _set_locales(db, f=(ns.firm, "en"))
    auctions.place_bid(auction, ns.firm, 10_000_000, now=t0 + timedelta(minutes=1))
    with force_locale("zh_CN"):  # the rival bids from a Chinese page
        auctions.place_bid(auction, rival, 10_500_000, now=t0 + timedelta(minutes=2))
    db.session.commit()
    note = _note(db, ns.firm, "deal.outbid")
    assert (note.title, note.body) == (
        "You have been outbid",
        "Current highest bid: 105,000.00 yuan",
    )


def test_a_handled_objection_is_reported_in_the_objectors_language(make_deal, db):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    services.agree_price(ns.deal, ns.broker, 25_000_000)
    _set_locales(db, o=(ns.outsider, "en"), b=(ns.broker, "zh_CN"))
    objection = notices.file_objection(ns.deal.notice, ns.outsider, "价格明显偏低")
    notices.handle_objection(objection, ns.broker, "sustained", "经核实价格偏低")
    db.session.commit()
    note = _note(db, ns.outsider, "deal.objection")
    assert note.title == (
        f"Your objection to the public notice “{ns.deal.notice.title}” has been handled"
    )
    assert note.body == "Objection upheld: 经核实价格偏低"
    # The broker, who reads Chinese, was told of the objection in Chinese.
    told = _note(db, ns.broker, "deal.objection")
    assert told.title == f"公示“{ns.deal.notice.title}”收到异议"
    assert told.body == "价格明显偏低"
