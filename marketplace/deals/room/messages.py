"""The deal room: messages between firm, supplier and broker, notes, and their files."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core.errors import PermissionDenied, ValidationFailed
from ...core.timeutil import utcnow
from ...extensions import db
from ...uploads.models import Attachment
from ...uploads.services import register_owner_rule, save_upload
from ..models import MESSAGE_AUDIENCE, Deal, DealMessage, MessageKind
from ..services import deal_parties, tell_parties

BODY_MAX = 5000
#: Who may write each kind: notes are the broker's (and the operator's).
WRITERS = {
    MessageKind.MESSAGE: frozenset({"broker", "supplier", "firm", "operator"}),
    MessageKind.MEETING: frozenset({"broker", "operator"}),
    MessageKind.INTERNAL: frozenset({"broker", "operator"}),
}


def post_message(
    deal: Deal, actor, kind: str, body: str, files=(), now: datetime | None = None
) -> DealMessage:
    """Add a message or note (with files) to the room; notifies who can read it."""
    parties = deal_parties(deal, actor)
    try:
        kind = MessageKind(kind)
    except ValueError:
        raise ValidationFailed([("kind", _("请选择消息类型。"))]) from None
    if not parties & WRITERS[kind]:
        raise PermissionDenied(_("您无权发布此类消息。"))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed([("body", _("请填写内容。"))])
    if len(body) > BODY_MAX:
        raise ValidationFailed([("body", _("内容不能超过 %(n)d 字。", n=BODY_MAX))])
    message = DealMessage(
        deal=deal, author_id=actor.id, kind=kind, body=body, created_at=now or utcnow()
    )
    db.session.add(message)
    db.session.flush()
    for f in files or ():
        if getattr(f, "filename", None):
            save_upload(f, "deal_message", message.id, actor)
    tell_parties(
        deal,
        actor,
        "deal.message",
        _l("交易“%(t)s”有新%(k)s", t=deal.title, k=message.kind_label),
        body[:200],
        f"deal:{deal.id}:msg:{message.id}",
        audience=MESSAGE_AUDIENCE[kind],
    )
    return message


def visible_messages(deal: Deal, user) -> list[DealMessage]:
    parties = deal_parties(deal, user)
    kinds = [k for k, who in MESSAGE_AUDIENCE.items() if parties & who]
    return list(
        db.session.scalars(
            sa.select(DealMessage)
            .where(DealMessage.deal_id == deal.id, DealMessage.kind.in_(kinds))
            .order_by(DealMessage.created_at, DealMessage.id)
        )
    )


def files_by_message(messages: list[DealMessage]) -> dict[int, list[Attachment]]:
    ids = [m.id for m in messages]
    found: dict[int, list[Attachment]] = {i: [] for i in ids}
    if ids:
        for a in db.session.scalars(
            sa.select(Attachment)
            .where(
                Attachment.owner_type == "deal_message", Attachment.owner_id.in_(ids)
            )
            .order_by(Attachment.id)
        ):
            found[a.owner_id].append(a)
    return found


def _can_download(user, attachment) -> bool:
    message = db.session.get(DealMessage, attachment.owner_id)
    if message is None:
        return False
    return message.visible_to(deal_parties(message.deal, user))


register_owner_rule("deal_message", _can_download)
