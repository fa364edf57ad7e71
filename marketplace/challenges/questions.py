"""Questions to a call: signed-in users ask, the broker answers publicly (the author
is never shown). Flushes, never commits."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..deals.services import path_for
from ..extensions import db
from ..notifications.services import notify
from .models import Challenge, ChallengeQuestion, Stage
from .services import TEXT_MAX

QUESTION_MAX = 1000


def ask_question(user, call: Challenge, body: str, now: datetime | None = None):
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("请先登录再提问。"))
    now = now or utcnow()
    if call.stage(now) != Stage.OPEN:
        raise InvalidTransition(_("征集已结束，不能再提问。"))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed([("body", _("请填写问题。"))])
    if len(body) > QUESTION_MAX:
        raise ValidationFailed([("body", _("问题不能超过 %(n)d 字。", n=QUESTION_MAX))])
    question = ChallengeQuestion(
        challenge=call, author_id=user.id, body=body, created_at=now
    )
    db.session.add(question)
    db.session.flush()
    broker = db.session.get(User, call.broker_id)
    notify(
        broker,
        "challenge.question",
        _l("榜单有新问题：%(t)s", t=call.title),
        body,
        path_for("challenges.detail", call_id=call.id),
        dedupe_key=f"challenge-question:{question.id}",
    )
    return question


def answer_question(actor, question: ChallengeQuestion, answer: str) -> None:
    call = question.challenge
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_operator or actor.id == call.broker_id)
    ):
        raise PermissionDenied(_("只有本榜单的经纪人可以答复问题。"))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed([("answer", _("请填写答复。"))])
    if len(answer) > TEXT_MAX:
        raise ValidationFailed([("answer", _("答复不能超过 %(n)d 字。", n=TEXT_MAX))])
    question.answer = answer
    question.answered_at = utcnow()
    question.answered_by_id = actor.id
    db.session.flush()


def public_questions(call: Challenge) -> list[ChallengeQuestion]:
    return [q for q in call.questions if q.answered_at is not None]
