"""Forms of the roster and the check-ups: field syntax only, the rules live in services."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.forms import PlainText, strip_filter

#: Fen in one 万元.
FEN_PER_WAN = 1_000_000


class RosterUploadForm(FlaskForm):
    file = FileField(
        _l("名录文件（CSV 或 XLSX）"), validators=[FileRequired(_l("请选择文件。"))]
    )


class ConfirmForm(FlaskForm):
    """CSRF only."""


class OutreachForm(FlaskForm):
    happened_on = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期。"))])
    contact = StringField(
        _l("对接人"), validators=[Length(max=120), PlainText()], filters=[strip_filter]
    )
    outcome = TextAreaField(
        _l("结果"),
        validators=[DataRequired(_l("请填写结果。")), Length(max=2000), PlainText()],
        filters=[strip_filter],
    )
    next_step = TextAreaField(
        _l("下一步"), validators=[Length(max=2000), PlainText()], filters=[strip_filter]
    )


def _wan(label):
    return DecimalField(
        label,
        places=2,
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
        description=_l("单位：万元"),
    )


def _pct(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100)])


def _text(label, rows=3):
    return TextAreaField(
        label,
        validators=[Length(max=5000), PlainText()],
        filters=[strip_filter],
        render_kw={"rows": rows},
    )


class CheckupForm(FlaskForm):
    """The structured check-up a broker (on a visit) or the firm fills."""

    staff = IntegerField(
        _l("职工总数（人）"),
        validators=[
            InputRequired(_l("请填写职工总数。")),
            NumberRange(min=1, max=1_000_000),
        ],
    )
    rd_staff = IntegerField(
        _l("科技人员（人）"),
        validators=[
            InputRequired(_l("请填写科技人员数。")),
            NumberRange(min=0, max=1_000_000),
        ],
    )
    revenue = DecimalField(
        _l("上年销售收入"),
        places=2,
        validators=[
            InputRequired(_l("请填写销售收入。")),
            NumberRange(min=0, max=10_000_000),
        ],
        description=_l("单位：万元"),
    )
    rd_spend = DecimalField(
        _l("上年研发费用"),
        places=2,
        validators=[
            InputRequired(_l("请填写研发费用。")),
            NumberRange(min=0, max=10_000_000),
        ],
        description=_l("单位：万元"),
    )
    total_cost = _wan(_l("上年成本费用总额"))
    assets = _wan(_l("资产总额"))
    revenue_3y = _wan(_l("近三年销售收入合计"))
    rd_spend_3y = _wan(_l("近三年研发费用合计"))
    ip_class1 = IntegerField(
        _l("Ⅰ类知识产权（发明专利等，项）"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )
    ip_class2 = IntegerField(
        _l("Ⅱ类知识产权（实用新型、外观设计、软件著作权等，项）"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )
    registered_on = DateField(_l("注册成立日期"), validators=[Optional()])
    clean_record = BooleanField(
        _l("近一年未发生重大安全、质量事故或严重违法失信行为"), default=True
    )
    core_ip = BooleanField(_l("拥有对主要产品发挥核心支持作用的知识产权"))
    supported_field = BooleanField(_l("核心技术属于国家重点支持的高新技术领域"))
    hnte_certificate = BooleanField(_l("持有效期内高新技术企业证书"))
    domestic_rd_pct = _pct(_l("境内研发费用占比（%）"))
    hightech_income_pct = _pct(_l("高新技术产品收入占比（%）"))
    innovation_score = _pct(_l("创新能力评价得分"))
    products = _text(_l("主要产品和工艺"))
    equipment = _text(_l("主要设备"))
    certifications = _text(_l("资质和认证"))
    problems = _text(_l("当前技术难题"), rows=5)
    plans = _text(_l("发展计划"))

    @staticmethod
    def _fen(value: Decimal | None) -> int | None:
        return None if value is None else int(value * FEN_PER_WAN)

    def to_data(self) -> dict:
        """The plain values the services take (money in fen)."""
        return {
            "staff": self.staff.data,
            "rd_staff": self.rd_staff.data,
            "revenue_fen": self._fen(self.revenue.data),
            "rd_spend_fen": self._fen(self.rd_spend.data),
            "total_cost_fen": self._fen(self.total_cost.data),
            "assets_fen": self._fen(self.assets.data),
            "revenue_3y_fen": self._fen(self.revenue_3y.data),
            "rd_spend_3y_fen": self._fen(self.rd_spend_3y.data),
            "ip_class1": self.ip_class1.data or 0,
            "ip_class2": self.ip_class2.data or 0,
            "registered_on": self.registered_on.data,
            "clean_record": bool(self.clean_record.data),
            "core_ip": bool(self.core_ip.data),
            "supported_field": bool(self.supported_field.data),
            "hnte_certificate": bool(self.hnte_certificate.data),
            "domestic_rd_pct": self.domestic_rd_pct.data,
            "hightech_income_pct": self.hightech_income_pct.data,
            "innovation_score": self.innovation_score.data,
            "products": self.products.data or "",
            "equipment": self.equipment.data or "",
            "certifications": self.certifications.data or "",
            "problems": self.problems.data or "",
            "plans": self.plans.data or "",
        }
