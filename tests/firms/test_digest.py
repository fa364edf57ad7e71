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
