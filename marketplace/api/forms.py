"""The account page's form for a new personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..core.forms import MultiCheckboxField, PlainText, strip_filter
from .tokens import MAX_DAYS, NAME_MAX


class TokenForm(FlaskForm):
    name = StringField(
        _l("令牌名称"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=NAME_MAX), PlainText()],
        description=_l("写明用途，例如“校内成果系统同步”。"),
    )
    scopes = MultiCheckboxField(
        _l("权限范围"),
        choices=[
            SelectChoice("read", _l("读取（read）")),
            SelectChoice("write", _l("写入（write）：创建、修改、提交、交易操作")),
        ],
        validators=[DataRequired(_l("请至少选择一项权限。"))],
    )
    days = IntegerField(
        _l("有效天数"),
        default=90,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)],
        description=_l("1–%(n)s 天，到期自动失效。", n=MAX_DAYS),
    )
