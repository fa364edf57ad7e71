"""Form pieces every feature uses: plain-text validation and multi-choice fields."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import ValidationError

from . import money

_MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript\s*:", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ButtonForm(FlaskForm):
    """A bare POST with its CSRF token: a button that confirms, accepts, cancels …"""


class PlainText:
    """Reject markup (tags, javascript: URLs) and control characters in a text field.

    Text is always shown escaped, so this is about telling people clearly that the
    market takes plain text, not about escaping.
    """

    def __call__(self, form, field):
        value = field.data or ""
        if not isinstance(value, str):
            return
        if _MARKUP_RE.search(value):
            raise ValidationError(_l("请只填写纯文本，不能包含 HTML 标签或脚本。"))
        if _CONTROL_RE.search(value):
            raise ValidationError(_l("包含无法识别的控制字符，请删除后重试。"))


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes; an unknown value is a validation error, not a crash."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class YuanField(StringField):
    """Money typed in yuan ("30万" is not accepted; "300000" or "300,000.00" is); data in fen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("description", _l("单位：元"))
        super().__init__(*args, **kwargs)
        self.fen: int | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        self.fen = None
        if text:
            try:
                self.fen = money.yuan_to_fen(text)
            except ValueError:
                self.fen = None
                self.process_errors.append(
                    _l("请输入有效金额（元），例如 300000 或 300000.00。")
                )

    def process_data(self, value):
        # Populated from an object's fen value.
        self.fen = value
        self.data = money.fen_to_yuan_str(value) if isinstance(value, int) else value


def keyword_list(text: str | None, limit: int = 12) -> list[str]:
    """Split '钛合金, 激光焊接；TR90' into a de-duplicated keyword list."""
    parts = re.split(r"[,，;；、\n]+", text or "")
    seen: list[str] = []
    for p in parts:
        p = p.strip()
        if p and p not in seen:
            seen.append(p[:40])
    return seen[:limit]


def put_errors(form, exc) -> None:
    """Show a service's ValidationFailed errors on the fields they name (else above the
    form), so the route re-renders the form with them."""
    for name, message in exc.errors:
        field = form._fields.get(name) if name else None
        if field is not None and isinstance(field.errors, list | tuple):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
