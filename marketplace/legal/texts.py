"""The current version of each legal text, its history, and publishing a new one.

A kind with no version yet reads as its default (defaults.py); the first acceptance
or the operator's first edit stores that default as version 1, so every acceptance
points at a stored version. Services flush, never commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from . import defaults
from .models import LegalText, TextKind

TEXT_MAX = 20_000
_DEFAULTS = {
    TextKind.NDA: (defaults.NDA_TITLE, defaults.NDA_BODY, defaults.NDA_BODY_EN, {}),
    TextKind.OBJECTION_PROCEDURE: (
        defaults.OBJECTION_TITLE,
        defaults.OBJECTION_BODY,
        defaults.OBJECTION_BODY_EN,
        {
            **defaults.OBJECTION_FACTS,
            "handler_en": defaults.OBJECTION_FACTS_EN["handler"],
        },
    ),
}


def default_text(kind: str) -> LegalText:
    """The unsaved version 1 of `kind`."""
    title, body, body_en, facts = _DEFAULTS[TextKind(kind)]
    return LegalText(
        kind=str(kind), version=1, title=title, body=body, body_en=body_en, facts=facts
    )


def current(kind: str) -> LegalText:
    """The newest version of `kind`, or its unsaved default when none is stored."""
    text = db.session.scalar(
        sa.select(LegalText)
        .where(LegalText.kind == str(kind))
        .order_by(LegalText.version.desc())
        .limit(1)
    )
    return text or default_text(kind)


def stored_current(kind: str) -> LegalText:
    """The newest stored version of `kind`, storing the default first if needed."""
    text = current(kind)
    if text.id is None:
        text.published_at = utcnow()
        db.session.add(text)
        db.session.flush()
    return text


def version(kind: str, number: int) -> LegalText | None:
    text = db.session.scalar(
        sa.select(LegalText).where(
            LegalText.kind == str(kind), LegalText.version == number
        )
    )
    if text is None and number == 1 and current(kind).id is None:
        return default_text(kind)
    return text


def history(kind: str) -> list[LegalText]:
    return list(
        db.session.scalars(
            sa.select(LegalText)
            .where(LegalText.kind == str(kind))
            .order_by(LegalText.version.desc())
        )
    )


def accepted_version(
    kind: str, shown: int | None, field: str = "accept_terms"
) -> LegalText:
    """The stored version a user accepts; refused when the page showed an older one."""
    text = stored_current(kind)
    if shown is not None and shown != text.version:
        raise ValidationFailed(
            [
                (
                    field,
                    _(
                        "协议已更新为第 %(n)d 版，请阅读新版本后重新确认。",
                        n=text.version,
                    ),
                )
            ]
        )
    return text


def publish(
    kind: str, actor, title: str, body: str, body_en: str = "", facts=None
) -> LegalText:
    """The operator publishes a new version of `kind`; earlier ones stay as they were."""
    title, body, body_en = (
        (title or "").strip(),
        (body or "").strip(),
        (body_en or "").strip(),
    )
    errors = []
    if not title:
        errors.append(("title", _("请填写标题。")))
    if not body:
        errors.append(("body", _("请填写中文文本。")))
    if len(body) > TEXT_MAX or len(body_en) > TEXT_MAX:
        errors.append(("body", _("文本不能超过 %(n)d 字。", n=TEXT_MAX)))
    if errors:
        raise ValidationFailed(errors)
    latest = stored_current(kind)
    text = LegalText(
        kind=str(kind),
        version=latest.version + 1,
        title=title[:200],
        body=body,
        body_en=body_en,
        facts=dict(facts or {}),
        published_at=utcnow(),
        created_by_id=actor.id,
    )
    db.session.add(text)
    db.session.flush()
    audit.record(actor, f"legal.{kind}.publish", text, version=text.version)
    return text
