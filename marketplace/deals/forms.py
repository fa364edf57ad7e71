"""Forms of the deal pages: field syntax only; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.domain import COOPERATION_LABELS
from ..core.forms import PlainText, YuanField, strip_filter
from .models import MessageKind
from .pricing.models import DEFAULT_SIGN_WITHIN_DAYS

TEXT_MAX = 2000
_strip = [strip_filter]


class InterestForm(FlaskForm):
    message = TextAreaField(
        _l("留言（您的需求与合作设想）"),
        filters=_strip,
        validators=[
            DataRequired(_l("请填写留言。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
    )
    nda = BooleanField(_l("申请查看保密技术详情（同意平台保密协议）"))


class AnswerForm(FlaskForm):
    proposal = TextAreaField(
        _l("解决方案简述"),
        filters=_strip,
        validators=[
            DataRequired(_l("请填写方案简述。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
    )
    achievement_id = SelectField(
        _l("相关成果（可选）"), choices=[], validate_choice=False
    )


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Length(max=32)])
    version = HiddenField(validators=[Optional(), Length(max=12)])
    reason = TextAreaField(
        _l("原因 / 说明"),
        filters=_strip,
        validators=[Optional(), Length(max=TEXT_MAX), PlainText()],
    )
    files = MultipleFileField(_l("附件"))


class MessageForm(FlaskForm):
    kind = SelectField(
        _l("类型"),
        choices=[SelectChoice(k.value, k.label) for k in MessageKind],
    )
    body = TextAreaField(
        _l("内容"),
        filters=_strip,
        validators=[DataRequired(_l("请填写内容。")), Length(max=5000), PlainText()],
    )
    files = MultipleFileField(_l("附件"))


class PriceForm(FlaskForm):
    version = HiddenField(validators=[Optional(), Length(max=12)])
    price = YuanField(
        _l("协议价格（元）"), validators=[DataRequired(_l("请填写价格。"))]
    )
    # Checked by the service, which only needs it when a notice opens.
    transfer_mode = SelectField(
        _l("转化方式"),
        validate_choice=False,
        choices=[SelectChoice(str(k), v) for k, v in COOPERATION_LABELS.items()],
    )
    related_party = BooleanField(_l("受让方为发明人或存在关联关系"))
    related_party_reason = StringField(
        _l("关联关系说明"),
        filters=_strip,
        validators=[Optional(), Length(max=500), PlainText()],
    )


class PricingModeForm(FlaskForm):
    version = HiddenField(validators=[Optional(), Length(max=12)])
    pricing_mode = SelectField(
        _l("定价方式"),
        choices=[
            SelectChoice("agreement", _l("协议定价")),
            SelectChoice("listing", _l("挂牌交易")),
            SelectChoice("auction", _l("拍卖")),
            SelectChoice("negotiable", _l("面议")),
        ],
    )


class ReassignForm(FlaskForm):
    version = HiddenField(validators=[Optional(), Length(max=12)])
    broker_id = SelectField(_l("经纪人"), choices=[], validate_choice=False)
    reason = StringField(
        _l("原因"),
        filters=_strip,
        validators=[DataRequired(_l("请填写原因。")), Length(max=500), PlainText()],
    )


class ConflictForm(FlaskForm):
    organization_id = SelectField(
        _l("机构"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("请选择机构。"))],
    )
    reason = TextAreaField(
        _l("利益冲突说明"),
        filters=_strip,
        validators=[
            DataRequired(_l("请说明利益冲突的情况。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
    )


class AuctionForm(FlaskForm):
    start_price = YuanField(_l("起拍价（元）"), validators=[DataRequired()])
    increment = YuanField(_l("加价幅度（元）"), validators=[DataRequired()])
    reserve = YuanField(_l("保留价（元）"), validators=[DataRequired()])
    deposit = YuanField(_l("保证金（元）"), validators=[DataRequired()])
    starts_at = DateTimeLocalField(
        _l("开始时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("请填写开始时间。"))],
    )
    ends_at = DateTimeLocalField(
        _l("结束时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("请填写结束时间。"))],
    )
    registration_ends_at = DateTimeLocalField(
        _l("报名及保证金截止时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("保证金须在此时间前到账方可出价；不填则为开始时间。"),
    )
    sign_within_days = IntegerField(
        _l("成交后签约期限（天）"),
        default=DEFAULT_SIGN_WITHIN_DAYS,
        validators=[
            Optional(),
            NumberRange(min=1, max=90, message=_l("签约期限应为 1 至 90 天。")),
        ],
        description=_l("竞得人逾期未签订合同的，保证金不予退还。"),
    )


class BidForm(FlaskForm):
    amount = YuanField(_l("出价（元）"), validators=[DataRequired(_l("请填写出价。"))])


class ObjectionForm(FlaskForm):
    reasons = TextAreaField(
        _l("异议理由"),
        filters=_strip,
        validators=[
            DataRequired(_l("请填写异议理由。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
    )


class HandleObjectionForm(FlaskForm):
    decision = SelectField(
        _l("处理结论"),
        choices=[
            SelectChoice("dismissed", _l("异议不成立")),
            SelectChoice("sustained", _l("异议成立")),
        ],
    )
    note = TextAreaField(
        _l("处理说明"),
        filters=_strip,
        validators=[
            DataRequired(_l("请填写处理说明。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
    )
