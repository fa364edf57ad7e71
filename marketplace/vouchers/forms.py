"""Voucher forms: issuing (operator), quota applications (firm), the settlement period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.forms import MultiCheckboxField, YuanField
from .rules import DEFAULT_MAX_SHARE_PCT, SERVICE_KINDS


class IssueForm(FlaskForm):
    organization = SelectField(
        _l("企业"),
        coerce=int,
        choices=[],
        validators=[InputRequired(_l("请选择企业。"))],
    )
    face_value = YuanField(
        _l("面额（元）"), validators=[InputRequired(_l("请填写面额。"))]
    )
    valid_from = DateField(
        _l("有效期开始"), validators=[InputRequired(_l("请填写日期。"))]
    )
    valid_until = DateField(
        _l("有效期结束"), validators=[InputRequired(_l("请填写日期。"))]
    )
    service_kinds = MultiCheckboxField(
        _l("可抵扣的服务类别"),
        choices=[SelectChoice(k, v) for k, v in SERVICE_KINDS.items()],
    )
    max_share_pct = IntegerField(
        _l("单笔费用最高抵扣比例（%）"),
        default=DEFAULT_MAX_SHARE_PCT,
        validators=[InputRequired(_l("请填写比例。")), NumberRange(min=1, max=100)],
    )


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(
        _l("年度"), validators=[InputRequired(), NumberRange(2000, 2100)]
    )
    half = SelectField(
        _l("半年"),
        coerce=int,
        choices=[SelectChoice(1, _l("上半年")), SelectChoice(2, _l("下半年"))],
    )


class QuotaForm(FlaskForm):
    """申领额度: the firm's application."""

    amount = YuanField(
        _l("申领金额（元）"), validators=[InputRequired(_l("请填写申领金额。"))]
    )
    purpose = TextAreaField(
        _l("用途与计划购买的服务"),
        validators=[
            InputRequired(_l("请说明用途和计划购买的服务。")),
            Length(max=4000),
        ],
    )


class DecideForm(FlaskForm):
    """The operator's decision: an amount up to the applied one, or none with a reason."""

    approved = YuanField(_l("批准金额（元，留空或 0 为不批准）"))
    reason = TextAreaField(_l("审批意见"), validators=[Length(max=2000)])
