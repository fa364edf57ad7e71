"""The weekly digest: content by fields, the note, e-mail per language, unsubscribe."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.mail_outbox import MailOutbox
from marketplace.firms import digest
from marketplace.firms.models_digest import DigestSubscription

#: Wednesday 2026-12-09 10:00 UTC: "last week" is Monday 2026-11-30 to Sunday 12-06.
NOW = datetime(2026, 12, 9, 10, 0)
IN_WEEK = datetime(2026, 12, 2, 3, 0)
BEFORE = datetime(2026, 11, 29, 15, 0)  # Sunday 23:00 Shanghai: the week before


def test_week_start_is_the_shanghai_monday():
    assert str(digest.week_start(datetime(2026, 12, 6, 16, 30))) == "2026-12-07"
    assert str(digest.week_start(datetime(2026, 12, 6, 15, 59))) == "2026-11-30"


def test_content_follows_the_week_and_the_fields(db, create_achievement, create_need):
    a = create_achievement(title="镜架材料成果", field="frame_materials")
    a.published_at = IN_WEEK
    b = create_achievement(title="镜片成果", field="lenses_coatings")
    b.published_at = IN_WEEK
    old = create_achievement(title="旧成果", field="frame_materials")
    old.published_at = BEFORE
    n = create_need(title="表面处理需求")
    n.published_at = IN_WEEK
    db.session.commit()
    d = digest.build(["frame_materials"], NOW)
    assert [x.title for x in d.achievements] == ["镜架材料成果"]
    assert d.needs == []  # a surface-treatment need is outside the fields
    everything = digest.build([], NOW)
    assert {x.title for x in everything.achievements} == {"镜架材料成果", "镜片成果"}
    assert [x.title for x in everything.needs] == ["表面处理需求"]
    assert everything.stats["achievements"] == 2


def test_send_queues_once_in_the_recipients_language_with_the_note(
    app, client, db, create_user, create_achievement
):
    a = create_achievement(title="镜架材料成果")
    a.published_at = IN_WEEK
    operator = create_user(role=Role.OPERATOR)
    zh = create_user(role=Role.FIRM)
    en = create_user(role=Role.FIRM, locale="en")
    digest.subscribe(zh, [])
    digest.subscribe(en, [])
    digest.set_note(
        operator,
        date(2026, 11, 30),
        "本周按语：关注新材料",
    )
    db.session.commit()
    assert digest.send_weekly(NOW) == 2
    db.session.commit()
    assert digest.send_weekly(NOW) == 0  # never twice for one week
    mails = {m.recipients[0]: m for m in db.session.scalars(sa.select(MailOutbox))}
    assert set(mails) == {zh.email, en.email}
    assert "每周科技情报" in mails[zh.email].subject
    assert "本周按语：关注新材料" in mails[zh.email].text_body
    assert "镜架材料成果" in mails[zh.email].html_body
    assert (
        mails[en.email].subject == "Ouhai Technology Market weekly digest (2026-11-30)"
    )
    assert "New achievements" in mails[en.email].text_body
    # The signed link unsubscribes; a forged one does not.
    url = mails[zh.email].text_body.split("/digest/unsubscribe/")[1].split()[0]
    assert client.post("/digest/unsubscribe/forged").status_code == 422
    resp = client.post(f"/digest/unsubscribe/{url}")
    assert resp.status_code == 200 and "已退订" in resp.get_data(as_text=True)
    sub = db.session.scalar(
        sa.select(DigestSubscription).where(DigestSubscription.user_id == zh.id)
    )
    assert sub.active is False


def test_the_digest_page_subscribes(client, login, create_user, db):
    user = create_user(role=Role.FIRM)
    login(user)
    assert client.get("/digest").status_code == 200
    resp = client.post("/digest", data={"fields": ["frame_materials"]})
    assert resp.status_code == 302
    sub = db.session.scalars(sa.select(DigestSubscription)).one()
    assert sub.fields == ["frame_materials"] and sub.active


def test_calls_results_services_and_instruments_follow_the_week_and_fields(
    db, create_user, create_org, create_need, create_achievement, create_auction
):
    from datetime import timedelta

    from marketplace.accounts.models import OrgType
    from marketplace.challenges.models import CallStatus, Challenge
    from marketplace.deals.models import Deal, DealStage
    from marketplace.services.models import Instrument, Provider

    broker = create_user(role=Role.BROKER)
    frame = create_need(title="镜架需求", field="frame_materials")
    lens = create_need(title="镜片需求", field="lenses_coatings")

    def call(need, title, status, decided_at=None, deadline=NOW + timedelta(days=9)):
        c = Challenge(
            need_id=need.id,
            sponsor_org_id=need.organization_id,
            broker_id=broker.id,
            title=title,
            problem=title,
            deadline_at=deadline,
            status=status,
            approved_at=IN_WEEK,
            decided_at=decided_at,
        )
        db.session.add(c)

    call(frame, "镜架焊接揭榜", CallStatus.APPROVED)
    call(lens, "镜片揭榜", CallStatus.APPROVED)
    call(frame, "已截止榜单", CallStatus.APPROVED, deadline=NOW - timedelta(hours=1))
    call(frame, "镜架已揭榜", CallStatus.AWARDED, decided_at=IN_WEEK)
    call(frame, "上周前揭榜", CallStatus.AWARDED, decided_at=BEFORE)
    lab = create_org(type=OrgType.INSTITUTE, name="瓯海镜架检测所")
    db.session.add_all(
        [
            Provider(
                organization_id=lab.id, kind="testing", fields=["frame_materials"]
            ),
            Instrument(
                owner_org_id=lab.id,
                name="镜架疲劳试验机",
                field="frame_materials",
                unit_price_fen=1,
                created_at=IN_WEEK,
            ),
            Instrument(
                owner_org_id=lab.id,
                name="旧仪器",
                field="frame_materials",
                unit_price_fen=1,
                created_at=BEFORE,
            ),
        ]
    )
    db.session.flush()
    db.session.scalars(sa.select(Provider)).one().created_at = IN_WEEK
    ach = create_achievement(title="镜架拍卖成果", field="frame_materials")
    deal = Deal(
        achievement=ach,
        supplier_org_id=ach.organization_id,
        firm_org_id=create_org(type=OrgType.FIRM).id,
        origin="listing",
        stage=DealStage.NEGOTIATION,
    )
    db.session.add(deal)
    db.session.commit()
    auction = create_auction(
        deal, start_price_fen=100_000, increment_fen=1_000, deposit_fen=1_000
    )
    auction.outcome, auction.closed_at, auction.high_bid_fen = "won", IN_WEEK, 150_000
    db.session.commit()

    d = digest.build(["frame_materials"], NOW)
    assert [c.title for c in d.calls] == ["镜架焊接揭榜"]
    assert [c.title for c in d.call_results] == ["镜架已揭榜"]
    assert [(a.id, str(label)) for a, _deal, label in d.auction_results] == [
        (auction.id, "已成交")
    ]
    assert [i.name for i in d.instruments] == ["镜架疲劳试验机"]
    assert [p.organization.name for p in d.providers] == ["瓯海镜架检测所"]
    assert d.stats["calls"] == 5 and d.stats["auctions"] == 1
    lenses = digest.build(["lenses_coatings"], NOW)
    assert [c.title for c in lenses.calls] == ["镜片揭榜"]
    assert not (lenses.call_results or lenses.auction_results or lenses.instruments)
    assert not lenses.providers


def test_the_clock_sends_the_weekly_digest_once(app, db, create_user):
    from marketplace.clock import run_due

    user = create_user(role=Role.FIRM)
    db.session.add(DigestSubscription(user_id=user.id, fields=[]))
    db.session.commit()
    assert run_due(NOW)["digests_sent"] == 1
    db.session.commit()
    assert run_due(NOW)["digests_sent"] == 0
    assert db.session.scalar(sa.select(sa.func.count(MailOutbox.id))) == 1
    # The next week, once more.
    assert run_due(datetime(2026, 12, 14, 1, 0))["digests_sent"] == 1
