"""Public notices (公示) of agreed prices, objections to them, and their outcome.

A notice runs at least 15 days (PUBLIC_NOTICE_DAYS, never below 15), counted as the
statute counts them (rules.notice_end: from the day after posting to 24:00
Beijing time of the last day); anyone signed in may object while it runs; the deal's broker records how each objection was
handled; at the end the outcome is "passed", or "failed" if any objection was sustained.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core import audit
from ...core.domain import COOPERATION_LABELS
from ...core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ...core.timeutil import utcnow
from ...extensions import db
from ...notifications.services import notify
from .. import pipeline
from ..models import Deal
from ..services import apply_action, deal_parties, path_for, tell_parties
from . import rules
from .models import Handling, NoticeOutcome, Objection, PublicNotice

MIN_NOTICE_DAYS = rules.MIN_NOTICE_DAYS
TEXT_MAX = 2000


def notice_days() -> int:
    return max(
        MIN_NOTICE_DAYS,
        int(current_app.config.get("PUBLIC_NOTICE_DAYS", MIN_NOTICE_DAYS)),
    )


def open_notice(
    deal: Deal, actor, data: dict, now: datetime | None = None
) -> PublicNotice:
    """Publish the notice of `deal`'s agreed price on the board, starting now."""
    now = now or utcnow()
    achievement = deal.achievement
    mode = data.get("transfer_mode") or pipeline.deal_mode(deal) or "licence"
    if mode not in COOPERATION_LABELS:
        raise ValidationFailed([("transfer_mode", _("请选择转化方式。"))])
    related = bool(data.get("related_party"))
    related_reason = (data.get("related_party_reason") or "").strip()
    if related and not related_reason:
        raise ValidationFailed([("related_party_reason", _("请说明关联关系。"))])
    notice = PublicNotice(
        deal_id=deal.id,
        title=(data.get("title") or deal.title)[:200],
        summary=data.get("summary")
        or (achievement.summary if achievement else deal.title),
        transfer_mode=mode,
        proposed_price_fen=deal.agreed_price_fen,
        currency=deal.currency,
        related_party=related,
        related_party_reason=related_reason,
        starts_at=now,
        ends_at=rules.notice_end(now, notice_days()),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(notice)
    db.session.flush()
    db.session.expire(deal, ["notices"])
    return notice


def file_objection(
    notice: PublicNotice, user, reasons: str, now: datetime | None = None
) -> Objection:
    """Anyone signed in objects, with reasons, while the notice runs."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("请先登录。"))
    if not notice.is_running(now):
        raise InvalidTransition(_("公示期已结束，不能再提出异议。"))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed([("reasons", _("请填写异议理由。"))])
    if len(reasons) > TEXT_MAX:
        raise ValidationFailed(
            [("reasons", _("异议理由不能超过 %(n)d 字。", n=TEXT_MAX))]
        )
    objection = Objection(
        notice=notice, user_id=user.id, reasons=reasons, filed_at=now or utcnow()
    )
    db.session.add(objection)
    db.session.flush()
    deal = notice.deal
    tell_parties(
        deal,
        user,
        "deal.objection",
        _l("公示“%(t)s”收到异议", t=notice.title),
        reasons[:200],
        f"notice:{notice.id}:objection:{objection.id}",
        audience=frozenset({pipeline.BROKER, pipeline.SUPPLIER}),
    )
    return objection


def handle_objection(
    objection: Objection, actor, decision: str, note: str, now: datetime | None = None
) -> Objection:
    """The deal's broker (or the operator) records the objection as sustained/dismissed."""
    deal = objection.notice.deal
    if not deal_parties(deal, actor) & {pipeline.BROKER, pipeline.OPERATOR}:
        raise PermissionDenied(_("只有本交易的经纪人可以处理异议。"))
    if decision not in (Handling.SUSTAINED, Handling.DISMISSED):
        raise ValidationFailed([("decision", _("请选择处理结论。"))])
    note = (note or "").strip()
    if not note:
        raise ValidationFailed([("note", _("请填写处理说明。"))])
    if objection.handling != Handling.PENDING:
        raise InvalidTransition(_("该异议已处理。"))
    if objection.notice.outcome is not None:
        raise InvalidTransition(_("公示已结束。"))
    objection.handling, objection.handling_note = decision, note[:TEXT_MAX]
    objection.handled_by_id, objection.handled_at = actor.id, now or utcnow()
    db.session.flush()
    audit.record(
        actor,
        f"notice.objection_{decision}",
        objection.notice,
        objection_id=objection.id,
        note=note,
    )
    label = objection.handling_label  # lazy: rendered in the objector's language
    notify(
        objection.user,
        "deal.objection",
        _l("您对公示“%(t)s”的异议已处理", t=objection.notice.title),
        lambda: f"{label}: {note}",
        path_for("notices.detail", notice_id=objection.notice_id),
        dedupe_key=f"objection:{objection.id}:handled",
    )
    return objection


def close_notice(notice: PublicNotice, now: datetime | None = None) -> bool:
    """Record the outcome of an ended notice; False when not due (or already closed)."""
    now = now or utcnow()
    outcome = notice.effective_outcome(now)
    if notice.outcome is not None or outcome not in (
        NoticeOutcome.PASSED,
        NoticeOutcome.FAILED,
    ):
        return False
    notice.outcome, notice.closed_at = outcome, now
    deal = notice.deal
    label = (
        _("公示期满无异议")
        if outcome == NoticeOutcome.PASSED
        else _("异议成立，公示未通过")
    )
    if deal.stage == "public_notice":
        apply_action(deal, "notice_close", None, reason=str(label), now=now)
    else:
        db.session.flush()
    return True


def close_due_notices(now: datetime | None = None) -> int:
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(PublicNotice)
        .where(PublicNotice.outcome.is_(None), PublicNotice.ends_at <= now)
        .order_by(PublicNotice.id)
    ).all()
    return sum(1 for n in due if close_notice(n, now))


def board_query(now: datetime | None = None) -> sa.Select:
    """Notices on the public board: running first (soonest end), then the ended ones."""
    now = now or utcnow()
    running = sa.and_(PublicNotice.outcome.is_(None), PublicNotice.ends_at > now)
    return (
        sa.select(PublicNotice)
        .where(
            sa.or_(
                PublicNotice.outcome.is_(None),
                PublicNotice.outcome != NoticeOutcome.WITHDRAWN,
            )
        )
        .order_by(
            sa.case((running, 0), else_=1),
            PublicNotice.ends_at.desc(),
            PublicNotice.id.desc(),
        )
    )
