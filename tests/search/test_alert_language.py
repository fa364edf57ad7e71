"""Match and saved-search alerts reach each person in that person's language."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from marketplace.accounts.models import Role
from marketplace.notifications.models import Notification
from marketplace.search.models import SavedSearch
from marketplace.search.service import sync_outbox

from .test_alerts import PVD_ACH, PVD_NEED


def _note(db, user) -> Notification:
    return db.session.scalar(
        sa.select(Notification).where(Notification.user_id == user.id)
    )


def test_a_match_found_while_english_is_spoken_tells_each_member_in_their_language(
    app, db, create_need, create_achievement, create_user, smtp_server
):
    need = create_need(**PVD_NEED)
    boss = create_user(role=Role.FIRM, org=need.organization, email="boss@firm.example")
    engineer = create_user(
        role=Role.FIRM, org=need.organization, locale="en", email_notifications=False
    )
    sync_outbox()
    app.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        with force_locale("en"):  # the supplier publishes from an English page
            assert gettext("成果") == "Achievement"
            ach = create_achievement(**PVD_ACH)
            sync_outbox()
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    chinese, english = _note(db, boss), _note(db, engineer)
    assert chinese.title == f"新成果可能解决您的需求：{ach.title}"
    assert chinese.body.startswith("匹配度 ")
    assert chinese.body.endswith(f"，与「{need.title}」相关。")
    assert english.title == f"A new achievement may solve your need: {ach.title}"
    assert english.body.startswith("Match score ")
    assert english.body.endswith(f"; related to “{need.title}”.")
    [mail] = smtp_server
    assert mail["To"] == "boss@firm.example" and mail["Subject"] == chinese.title
    text = mail.get_body(("plain",)).get_content()
    assert f"{boss.name}，您好：" in text and chinese.body in text
    assert "A new" not in text and "Match score" not in text


def test_a_saved_search_holder_who_reads_english_is_told_in_english(
    db, create_user, create_achievement
):
    user = create_user(role=Role.FIRM, locale="en", email_notifications=False)
    db.session.add(SavedSearch(user_id=user.id, kind="achievement", query="离焦"))
    db.session.commit()
    ach = create_achievement(title="儿童近视离焦镜片", summary="多点离焦设计")
    sync_outbox()  # no request: the market's default language, Chinese
    assert _note(db, user).title == (
        f"New match for your saved search “离焦” (Achievement): {ach.title}"
    )
