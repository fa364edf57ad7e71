"""The form of the 技术合同认定登记 (the 技术合同登记表 fields) and the export filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.forms import PlainText, YuanField, strip_filter
from .rules import (
    REG_ENTITY_TYPES,
    REG_IP_CATEGORIES,
    REG_SOCIO_ECONOMIC_GOALS,
    REG_TECH_FIELDS,
)


def _line(label, required=False, max_len=200, **kw):
    checks = [DataRequired(_l("请填写此项。"))] if required else [Optional()]
    return StringField(
        label,
        validators=[*checks, Length(max=max_len), PlainText()],
        filters=[strip_filter],
        **kw,
    )


def _choice(label, table):
    # The service checks the code against the table and names the field in its error.
    return SelectField(
        label,
        validate_choice=False,
        choices=[SelectChoice("", _l("请选择"))]
        + [SelectChoice(k, v) for k, v in table.items()],
    )


class RegistrationForm(FlaskForm):
    applied_on = DateField(
        _l("申请登记日期"), validators=[DataRequired(_l("请填写日期。"))]
    )
    office = _line(_l("登记机构"), required=True, max_len=120)
    registration_number = _line(
        _l("登记编号"),
        required=True,
        max_len=16,
        description=_l("16 位数字，如 2026330304000123"),
    )
    period_start = DateField(
        _l("合同有效期自"), validators=[DataRequired(_l("请填写日期。"))]
    )
    period_end = DateField(_l("至"), validators=[DataRequired(_l("请填写日期。"))])
    technical_field = _choice(_l("技术领域"), REG_TECH_FIELDS)
    ip_category = _choice(_l("知识产权类别"), REG_IP_CATEGORIES)
    socio_economic_goal = _choice(_l("社会经济目标"), REG_SOCIO_ECONOMIC_GOALS)
    seller_entity_type = _choice(_l("卖方主体性质"), REG_ENTITY_TYPES)
    seller_region_code = _line(
        _l("卖方所在地行政区划代码"), max_len=6, description=_l("6 位数字，如 330304")
    )
    buyer_entity_type = _choice(_l("买方主体性质"), REG_ENTITY_TYPES)
    buyer_region_code = _line(
        _l("买方所在地行政区划代码"), max_len=6, description=_l("6 位数字，如 330304")
    )
    technical_income = YuanField(
        _l("核定技术性收入（元）"),
        validators=[InputRequired(_l("请填写核定技术性收入。"))],
    )
    expected_investment = YuanField(_l("预计新增投资（元）"), validators=[Optional()])
    expected_output = YuanField(_l("预计新增产值（元）"), validators=[Optional()])
    certificate = FileField(_l("登记证明文件（PDF 或图片）"))

    def to_data(self) -> dict:
        """The plain values the service checks against the 登记表 rules."""
        return {
            "applied_on": self.applied_on.data,
            "office": self.office.data,
            "registration_number": self.registration_number.data or "",
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "technical_field": self.technical_field.data,
            "ip_category": self.ip_category.data,
            "socio_economic_goal": self.socio_economic_goal.data,
            "seller_entity_type": self.seller_entity_type.data,
            "seller_region_code": self.seller_region_code.data or "",
            "buyer_entity_type": self.buyer_entity_type.data,
            "buyer_region_code": self.buyer_region_code.data or "",
            "technical_income_fen": self.technical_income.fen,
            "expected_investment_fen": self.expected_investment.fen,
            "expected_output_fen": self.expected_output.fen,
        }
