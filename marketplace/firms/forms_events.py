"""Forms of roadshows and matchmaking events."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.domain import FIELD_LABELS, choices
from ..core.forms import MultiCheckboxField, PlainText, strip_filter


class EventForm(FlaskForm):
    title = StringField(
        _l("活动名称"),
        validators=[DataRequired(_l("请填写活动名称。")), Length(max=200), PlainText()],
        filters=[strip_filter],
    )
    starts_at = DateTimeLocalField(
        _l("开始时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("请填写开始时间。"))],
    )
    place = StringField(
        _l("地点"), validators=[Length(max=200), PlainText()], filters=[strip_filter]
    )
    online_link = StringField(
        _l("线上链接"),
        validators=[Optional(), URL(message=_l("请输入有效网址。")), Length(max=300)],
        filters=[strip_filter],
    )
    fields = MultiCheckboxField(_l("技术领域"), choices=choices(FIELD_LABELS))
    programme = TextAreaField(
        _l("议程"), validators=[Length(max=5000), PlainText()], filters=[strip_filter]
    )
    slot_minutes = IntegerField(
        _l("每场洽谈时长（分钟）"), default=20, validators=[NumberRange(min=5, max=240)]
    )
    slots = IntegerField(
        _l("洽谈场次"), default=8, validators=[NumberRange(min=1, max=100)]
    )


class LotForm(FlaskForm):
    achievement_id = SelectField(_l("推荐成果"), coerce=int)
