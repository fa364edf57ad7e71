"""`notify` writes the row and the e-mail in the recipient's language, whoever acted."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify, render


def _match_title(title: str):
    return _l("新需求与您的成果匹配：%(title)s", title=title)


def _match_body(other: str):
    return _l("匹配度 %(score)s，与「%(other)s」相关。", score=87, other=other)


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def _html(mail) -> str:
    return mail.get_body(("html",)).get_content()


def test_an_english_actor_tells_a_chinese_recipient_in_chinese(
    db, create_user, smtp_server
):
    boss = create_user(Role.FIRM, locale="zh_CN", email="boss@factory.example")
    with force_locale("en"):
        # The actor's own pages are English: the bug was to reuse that language.
        assert gettext("成果") == "Achievement"
        note = notify(
            boss,
            "match.need",
            _match_title("镜架PVD镀层附着力"),
            _match_body("PVD coating line"),
            "/needs/1",
        )
        assert gettext("成果") == "Achievement"  # the actor's locale is restored
    db.session.commit()
    stored = db.session.get(Notification, note.id)
    assert stored.title == "新需求与您的成果匹配：镜架PVD镀层附着力"
    assert stored.body == "匹配度 87，与「PVD coating line」相关。"
    [mail] = smtp_server
    assert mail["To"] == "boss@factory.example"
    assert mail["Subject"] == "新需求与您的成果匹配：镜架PVD镀层附着力"
    for part in (_text(mail), _html(mail)):
        assert f"{boss.name}，您好：" in part
        assert "新需求与您的成果匹配：镜架PVD镀层附着力" in part
        assert "匹配度 87，与「PVD coating line」相关。" in part
        assert "瓯海科技大市场" in part
        assert "A new need" not in part and "Dear" not in part
    assert stored.emailed_at is not None


def test_a_chinese_actor_tells_an_english_recipient_in_english(
    db, create_user, smtp_server
):
    broker = create_user(Role.BROKER, locale="en", email="broker@market.example")
    note = notify(
        broker,
        "match.need",
        _match_title("镜架PVD镀层附着力"),
        _match_body("离焦镜片"),
        "/needs/1",
    )
    assert gettext("成果") == "成果"  # the actor (no request: the default) is Chinese
    assert note.title == "A new need matches your achievement: 镜架PVD镀层附着力"
    assert note.body == "Match score 87; related to “离焦镜片”."
    assert smtp_server == []  # e-mail leaves after the commit, never before
    db.session.commit()
    [mail] = smtp_server
    assert mail["Subject"] == note.title
    for part in (_text(mail), _html(mail)):
        assert f"Dear {broker.name}," in part
        assert note.title in part and note.body in part
        assert "View details" in part and "Ouhai Technology Market" in part
        assert "您好" not in part and "新需求" not in part


def test_without_a_usable_locale_the_recipient_reads_chinese(db, create_user):
    unset = create_user(Role.FIRM, email_notifications=False)
    other = create_user(Role.FIRM, locale="fr", email_notifications=False)
    with force_locale("en"):
        notes = [notify(u, "match.need", _match_title("T")) for u in (unset, other)]
    assert [n.title for n in notes] == ["新需求与您的成果匹配：T"] * 2


def test_data_is_never_translated(db, create_user):
    """Plain strings and interpolated values are shown as given, even when they happen
    to be catalog messages ("成果", "需求")."""
    reader = create_user(Role.FIRM, locale="en", email_notifications=False)
    note = notify(reader, "x", "成果", "需求", "/x")
    assert (note.title, note.body) == ("成果", "需求")
    note = notify(reader, "x", _match_title("需求"), _match_body("成果"))
    assert note.title == "A new need matches your achievement: 需求"
    assert note.body == "Match score 87; related to “成果”."


def test_lazy_labels_and_callables_render_in_the_recipients_language(db, create_user):
    reader = create_user(Role.FIRM, locale="en", email_notifications=False)
    label = _l("异议成立")
    note = notify(
        reader,
        "deal.objection",
        _l("交易“%(t)s”有新%(k)s", t="钛合金镜架", k=_l("留言")),
        lambda: f"{label}: 经核实价格偏低",
    )
    assert note.title == "Deal “钛合金镜架” — new: Message"
    assert note.body == "Objection upheld: 经核实价格偏低"
    assert render(label, "zh_CN") == "异议成立" and render(label, "en") == (
        "Objection upheld"
    )


def test_a_dedupe_key_still_notifies_once(db, create_user):
    reader = create_user(Role.FIRM, email_notifications=False)
    first = notify(reader, "x", _match_title("T"), dedupe_key="k1")
    assert first is not None
    assert notify(reader, "x", _match_title("T"), dedupe_key="k1") is None
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert count == 1
