"""Forms of the digest: the subscriber's fields, the operator's note, unsubscribe."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from ..core.domain import FIELD_LABELS, choices
from ..core.forms import MultiCheckboxField, PlainText, strip_filter


class SettingsForm(FlaskForm):
    fields = MultiCheckboxField(
        _l("关注的技术领域（不选则全部）"), choices=choices(FIELD_LABELS)
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("本周按语"),
        validators=[Length(max=5000), PlainText()],
        filters=[strip_filter],
    )


class UnsubscribeForm(FlaskForm):
    """CSRF only."""
