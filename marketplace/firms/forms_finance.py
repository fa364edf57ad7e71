"""Forms of technology finance: field syntax only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.domain import FIELD_LABELS, choices
from ..core.forms import (
    MultiCheckboxField,
    PlainText,
    YuanField,
    strip_filter,
)
from .models_finance import KIND_LABELS


def _text(label, required=None, rows=3):
    validators = [Length(max=5000), PlainText()]
    if required:
        validators.insert(0, DataRequired(required))
    return TextAreaField(
        label, validators=validators, filters=[strip_filter], render_kw={"rows": rows}
    )


def _term():
    return IntegerField(
        _l("期限（月）"),
        validators=[InputRequired(_l("请填写期限。")), NumberRange(min=1, max=360)],
    )


class InstitutionForm(FlaskForm):
    organization_id = SelectField(_l("机构"), coerce=int)
    kinds = MultiCheckboxField(_l("业务类型"), choices=choices(KIND_LABELS))
    fields = MultiCheckboxField(
        _l("关注的技术领域（不选则全部）"), choices=choices(FIELD_LABELS)
    )


class ProductForm(FlaskForm):
    kind = SelectField(_l("产品类型"), choices=choices(KIND_LABELS))
    name = StringField(
        _l("产品名称"),
        validators=[DataRequired(_l("请填写产品名称。")), Length(max=120), PlainText()],
        filters=[strip_filter],
    )
    amount_min = YuanField(_l("最低额度（元）"))
    amount_max = YuanField(_l("最高额度（元）"))
    term_months = IntegerField(
        _l("最长期限（月）"), validators=[Optional(), NumberRange(min=1, max=360)]
    )
    conditions = _text(_l("申请条件"))

    def to_data(self) -> dict:
        return {
            "kind": self.kind.data,
            "name": self.name.data,
            "amount_min_fen": self.amount_min.fen,
            "amount_max_fen": self.amount_max.fen,
            "term_months": self.term_months.data,
            "conditions": self.conditions.data or "",
        }


class RequestForm(FlaskForm):
    kind = SelectField(_l("融资方式"), choices=choices(KIND_LABELS))
    amount = YuanField(_l("融资金额（元）"))
    purpose = _text(_l("资金用途"), required=_l("请填写资金用途。"))
    term_months = _term()
    collateral = _text(_l("担保或抵质押物"))
    field = SelectField(
        _l("技术领域"), choices=choices(FIELD_LABELS, blank=_l("（不限）"))
    )
    pledged = MultiCheckboxField(_l("质押的知识产权（本企业在平台登记的）"), coerce=int)
    #: Choices set by the route: the firm's own deals and check-ups. The service
    #: checks the one sent (with a message of its own), so the form does not.
    deal_id = SelectField(
        _l("关联的技术交易"), choices=[], default="", validate_choice=False
    )
    checkup_id = SelectField(
        _l("关联的科技体检"), choices=[], default="", validate_choice=False
    )

    @staticmethod
    def _id(value) -> int | None:
        """The id chosen; -1 for anything not an id, which the service refuses."""
        if not value:
            return None
        return int(value) if str(value).isdigit() and len(str(value)) < 10 else -1

    def to_data(self) -> dict:
        return {
            "kind": self.kind.data,
            "amount_fen": self.amount.fen,
            "purpose": self.purpose.data,
            "term_months": self.term_months.data,
            "collateral": self.collateral.data or "",
            "field": self.field.data or None,
            "pledged_achievement_ids": list(self.pledged.data or []),
            "deal_id": self._id(self.deal_id.data),
            "checkup_id": self._id(self.checkup_id.data),
        }


class OfferForm(FlaskForm):
    amount = YuanField(_l("报价金额（元）"))
    rate = StringField(
        _l("利率或价格"),
        validators=[
            DataRequired(_l("请填写利率或价格。")),
            Length(max=120),
            PlainText(),
        ],
        filters=[strip_filter],
    )
    term_months = _term()
    conditions = _text(_l("条件"))

    def to_data(self) -> dict:
        return {
            "amount_fen": self.amount.fen,
            "rate": self.rate.data,
            "term_months": self.term_months.data,
            "conditions": self.conditions.data or "",
        }


class OutcomeForm(FlaskForm):
    outcome = _text(_l("结果"), required=_l("请填写结果。"))
