"""Payment forms: field syntax only. No form carries the amount a payer pays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.forms import PlainText, YuanField, strip_filter

_strip = [strip_filter]


class TransferForm(FlaskForm):
    receipt = FileField(_l("转账回单（PDF 或图片）"))
    reference = StringField(
        _l("付款账户 / 流水号（选填）"),
        filters=_strip,
        validators=[Length(max=200), PlainText()],
    )


class ConfirmTransferForm(FlaskForm):
    received = YuanField(
        _l("实际到账金额（元）"), validators=[InputRequired(_l("请填写实际到账金额。"))]
    )
    note = StringField(
        _l("备注"), filters=_strip, validators=[Length(max=500), PlainText()]
    )


class RejectTransferForm(FlaskForm):
    note = StringField(
        _l("未到账原因"),
        filters=_strip,
        validators=[
            DataRequired(_l("请说明未到账的原因。")),
            Length(max=500),
            PlainText(),
        ],
    )


class RefundForm(FlaskForm):
    amount = YuanField(
        _l("退款金额（元）"), validators=[InputRequired(_l("请填写退款金额。"))]
    )
    reason = StringField(
        _l("退款原因"),
        filters=_strip,
        validators=[DataRequired(_l("请填写退款原因。")), Length(max=500), PlainText()],
    )


class RoyaltyForm(FlaskForm):
    period_start = DateField(
        _l("期间开始"), validators=[InputRequired(_l("请填写日期。"))]
    )
    period_end = DateField(
        _l("期间结束"), validators=[InputRequired(_l("请填写日期。"))]
    )
    base = YuanField(
        _l("提成基数金额（元）"), validators=[InputRequired(_l("请填写提成基数金额。"))]
    )


class FeeScheduleForm(FlaskForm):
    mode = SelectField(
        _l("计费方式"),
        choices=[
            SelectChoice("percent", _l("按成交额比例")),
            SelectChoice("fixed", _l("固定金额")),
        ],
    )
    rate_pct = DecimalField(
        _l("比例（%）"), places=2, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    minimum = YuanField(_l("最低收费（元）"))
    cap = YuanField(_l("最高收费（元，留空为不封顶）"))
    fixed = YuanField(_l("固定金额（元）"))
    payer = SelectField(
        _l("付费方"),
        choices=[
            SelectChoice("firm", _l("企业（受让方）")),
            SelectChoice("supplier", _l("成果方（让与方）")),
        ],
    )
    active = BooleanField(_l("启用"))

    def to_data(self) -> dict:
        rate = self.rate_pct.data or 0
        return {
            "mode": self.mode.data,
            "rate_bp": int(round(rate * 100)),
            "min_fen": self.minimum.fen or 0,
            "cap_fen": self.cap.fen or 0,
            "fixed_fen": self.fixed.fen or 0,
            "payer": self.payer.data,
            "active": bool(self.active.data),
        }

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.mode.data == "percent" and not self.rate_pct.data:
            self.rate_pct.errors = [*self.rate_pct.errors, _l("请填写比例。")]
            ok = False
        if self.mode.data == "fixed" and not self.fixed.fen:
            self.fixed.errors = [*self.fixed.errors, _l("请填写固定金额。")]
            ok = False
        if self.cap.fen and self.minimum.fen and self.cap.fen < self.minimum.fen:
            self.cap.errors = [*self.cap.errors, _l("最高收费不能低于最低收费。")]
            ok = False
        return ok
