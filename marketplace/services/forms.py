"""Forms of the service network: provider profile, catalogue, orders, instruments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.domain import FIELD_LABELS, choices
from ..core.forms import MultiCheckboxField, YuanField
from ..vouchers.rules import SERVICE_KINDS
from .rules import (
    ACCREDITATION_SCHEMES,
    PRICE_MODES,
    PROVIDER_KINDS,
    TOWN_LABELS,
    UNIT_LABELS,
)


class ProfileForm(FlaskForm):
    kind = SelectField(_l("服务机构类别"), choices=choices(PROVIDER_KINDS))
    fields = MultiCheckboxField(_l("服务领域"), choices=choices(FIELD_LABELS))
    town = SelectField(
        _l("所在街道/镇"), choices=choices(TOWN_LABELS, blank=_l("（不限）"))
    )
    description = TextAreaField(_l("简介"), validators=[Length(max=4000)])


class AccreditationForm(FlaskForm):
    scheme = SelectField(_l("资质类别"), choices=choices(ACCREDITATION_SCHEMES))
    number = StringField(
        _l("证书编号"),
        validators=[InputRequired(_l("请填写证书编号。")), Length(max=60)],
    )
    valid_from = DateField(
        _l("有效期开始"), validators=[InputRequired(_l("请填写日期。"))]
    )
    valid_until = DateField(
        _l("有效期结束"), validators=[InputRequired(_l("请填写日期。"))]
    )


class OfferingForm(FlaskForm):
    name = StringField(
        _l("服务名称"),
        validators=[InputRequired(_l("请填写服务名称。")), Length(max=120)],
    )
    standard = StringField(_l("依据标准"), validators=[Length(max=120)])
    field = SelectField(
        _l("技术领域"), choices=choices(FIELD_LABELS, blank=_l("（不限）"))
    )
    service_kind = SelectField(_l("创新券服务类别"), choices=choices(SERVICE_KINDS))
    turnaround_days = IntegerField(
        _l("服务周期（工作日）"), validators=[Optional(), NumberRange(min=0, max=365)]
    )
    price_mode = SelectField(_l("计价方式"), choices=choices(PRICE_MODES))
    price = YuanField(_l("价格（元）"))
    client_sends = TextAreaField(_l("委托方需提供"), validators=[Length(max=2000)])


class OrderForm(FlaskForm):
    quantity = IntegerField(
        _l("数量（样品数/小时数）"),
        default=1,
        validators=[InputRequired(_l("请填写数量。")), NumberRange(min=1, max=10000)],
    )
    note = TextAreaField(_l("需求说明"), validators=[Length(max=4000)])


class QuoteForm(FlaskForm):
    price = YuanField(_l("报价（元）"), validators=[InputRequired(_l("请填写报价。"))])
    note = TextAreaField(_l("报价说明"), validators=[Length(max=2000)])


class DeliverForm(FlaskForm):
    report = FileField(_l("检测报告/交付文件"))


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        _l("异议理由"),
        validators=[InputRequired(_l("请说明异议的理由。")), Length(max=2000)],
    )


class RateForm(FlaskForm):
    rating = SelectField(
        _l("评分"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(5, 0, -1)],
    )
    comment = TextAreaField(_l("评价"), validators=[Length(max=2000)])


class InstrumentForm(FlaskForm):
    name = StringField(
        _l("仪器名称"),
        validators=[InputRequired(_l("请填写仪器名称。")), Length(max=120)],
    )
    model = StringField(_l("型号"), validators=[Length(max=80)])
    maker = StringField(_l("生产厂家"), validators=[Length(max=80)])
    location = StringField(_l("放置地点（场所与房间）"), validators=[Length(max=200)])
    town = SelectField(
        _l("所在街道/镇"), choices=choices(TOWN_LABELS, blank=_l("（不限）"))
    )
    field = SelectField(
        _l("技术领域"), choices=choices(FIELD_LABELS, blank=_l("（不限）"))
    )
    capabilities = TextAreaField(_l("功能与可测参数"), validators=[Length(max=4000)])
    standards = StringField(_l("检测依据标准"), validators=[Length(max=200)])
    price_unit = SelectField(_l("计价单位"), choices=choices(UNIT_LABELS))
    unit_price = YuanField(
        _l("单价（元）"), validators=[InputRequired(_l("请填写单价。"))]
    )
    opens_hour = IntegerField(
        _l("每日开放（时）"),
        default=8,
        validators=[InputRequired(), NumberRange(0, 23)],
    )
    closes_hour = IntegerField(
        _l("每日关闭（时）"),
        default=17,
        validators=[InputRequired(), NumberRange(1, 24)],
    )
    staff_operated = BooleanField(_l("由本单位人员操作"), default=True)


class BookingForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("开始时间（北京时间）"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("请填写开始时间。"))],
    )
    hours = IntegerField(
        _l("时长（小时）"),
        default=1,
        validators=[InputRequired(_l("请填写时长。")), NumberRange(min=1, max=24)],
    )
    note = TextAreaField(_l("样品与用途说明"), validators=[Length(max=2000)])
    self_operate = BooleanField(_l("由我本人操作（须为登记的培训用户）"))


class EligibilityForm(FlaskForm):
    eligible = BooleanField(_l("列为创新券服务机构（载体）"))
    reason = TextAreaField(
        _l("理由"), validators=[InputRequired(_l("请填写认定或取消的理由。"))]
    )


class ClaimForm(FlaskForm):
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])


class RejectClaimForm(FlaskForm):
    reason = TextAreaField(
        _l("驳回理由"), validators=[InputRequired(), Length(max=2000)]
    )


class AttachDealForm(FlaskForm):
    """The broker's choice of deal for an order (0: detach from its deal)."""

    deal = SelectField(_l("关联交易"), coerce=int, validate_choice=False)


class SamplesForm(FlaskForm):
    """Samples only: the owner's staff tests them; no slot is held."""

    drop_off = DateField(
        _l("送样日期"), validators=[InputRequired(_l("请填写送样日期。"))]
    )
    samples = IntegerField(
        _l("样品数量（件）"),
        default=1,
        validators=[InputRequired(_l("请填写样品数量。")), NumberRange(min=1, max=500)],
    )
    note = TextAreaField(_l("样品与检测要求"), validators=[Length(max=2000)])


class ClosureForm(FlaskForm):
    first = DateField(
        _l("停用开始日期"), validators=[InputRequired(_l("请填写停用开始日期。"))]
    )
    last = DateField(_l("停用结束日期"), validators=[Optional()])
    reason = StringField(_l("停用原因"), validators=[Length(max=200)])


class TrainingForm(FlaskForm):
    email = StringField(
        _l("培训用户的登录邮箱"),
        validators=[InputRequired(_l("请填写邮箱。")), Length(max=200)],
    )
    trained_on = DateField(
        _l("培训日期"), validators=[InputRequired(_l("请填写培训日期。"))]
    )


class PhotoForm(FlaskForm):
    photo = FileField(_l("仪器照片（PNG/JPG/GIF/WEBP）"))
