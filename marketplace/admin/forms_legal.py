"""Forms of the operator's legal-text pages (the NDA and the objection procedure)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.forms import PlainText, strip_filter
from ..legal.texts import TEXT_MAX


def _text(label, required=True):
    checks = [DataRequired(_l("请填写此项。"))] if required else [Optional()]
    return TextAreaField(
        label,
        filters=[strip_filter],
        validators=[*checks, Length(max=TEXT_MAX), PlainText()],
        render_kw={"rows": 14},
    )


class LegalTextForm(FlaskForm):
    title = StringField(
        _l("标题"),
        filters=[strip_filter],
        validators=[DataRequired(_l("请填写标题。")), Length(max=200), PlainText()],
    )
    body = _text(_l("中文文本（以此为准）"))
    body_en = _text(_l("英文文本（供参考）"), required=False)


class ObjectionProcedureForm(LegalTextForm):
    handler = StringField(
        _l("受理和处理异议的机构"),
        filters=[strip_filter],
        validators=[DataRequired(_l("请填写此项。")), Length(max=200), PlainText()],
    )
    handler_en = StringField(
        _l("受理机构（英文）"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=200), PlainText()],
    )
    days = IntegerField(
        _l("处理时限（日）"),
        validators=[
            InputRequired(_l("请填写处理时限。")),
            NumberRange(min=1, max=60, message=_l("处理时限应为 1 至 60 日。")),
        ],
        description=_l("自收到异议之日起，作出处理结论并告知异议人的天数。"),
    )

    def facts(self) -> dict:
        return {
            "handler": self.handler.data,
            "handler_en": self.handler_en.data or "",
            "days": self.days.data,
        }
