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
    SelectField,
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

from ..core.domain import choices
from ..core.forms import PlainText, strip_filter
from . import rules

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


def _grade(label):
    return SelectField(
        label,
        choices=choices(rules.GRADE_LABELS, blank=_l("（未评估）")),
        default="",
        validate_choice=True,
    )


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
    innovation_score = _pct(_l("专家给出的创新能力评价得分（如有）"))
    restricted_products = BooleanField(_l("产品或服务属于国家规定的禁止、限制和淘汰类"))
    national_award_top3 = BooleanField(
        _l("近五年内获得过国家级科技奖励，并在获奖单位中排在前三名")
    )
    provincial_rd_centre = BooleanField(_l("拥有经认定的省部级以上研发机构"))
    led_standard = BooleanField(_l("近五年内主导制定过国际标准、国家标准或行业标准"))
    joined_standard = BooleanField(
        _l("参与编制过国家标准、行业标准、检测方法或技术规范")
    )
    ip_advancement = _grade(_l("知识产权所涉技术的先进程度"))
    ip_core_support = _grade(_l("知识产权对主要产品在技术上的核心支持作用"))
    ip_acquisition = SelectField(
        _l("知识产权获得方式"),
        choices=choices(rules.ACQUISITION_LABELS, blank=_l("（未填写）")),
        default="",
        validate_choice=True,
    )
    conversions_3y = IntegerField(
        _l("近三年科技成果转化项数合计"),
        validators=[Optional(), NumberRange(min=0, max=10_000)],
        description=_l("同一成果转化为多个产品、工艺、样品等只计一项"),
    )
    rd_system = BooleanField(rules.RD_MANAGEMENT_LABELS["rd_system"])
    rd_institute = BooleanField(rules.RD_MANAGEMENT_LABELS["rd_institute"])
    conversion_incentives = BooleanField(
        rules.RD_MANAGEMENT_LABELS["conversion_incentives"]
    )
    talent_system = BooleanField(rules.RD_MANAGEMENT_LABELS["talent_system"])
    revenue_y1 = _wan(_l("近三年中第一年的销售收入"))
    revenue_y2 = _wan(_l("近三年中第二年的销售收入"))
    net_assets_y1 = _wan(_l("第一年末净资产"))
    net_assets_y2 = _wan(_l("第二年末净资产"))
    net_assets_y3 = _wan(_l("第三年末（上年末）净资产"))
    products = _text(_l("主要产品和工艺"))
    equipment = _text(_l("主要设备"))
    certifications = _text(_l("资质和认证"))
    problems = _text(_l("当前技术难题"), rows=5)
    plans = _text(_l("发展计划"))

    #: Form field → check-up column holding fen.
    MONEY = {
        "revenue": "revenue_fen",
        "rd_spend": "rd_spend_fen",
        "total_cost": "total_cost_fen",
        "assets": "assets_fen",
        "revenue_3y": "revenue_3y_fen",
        "rd_spend_3y": "rd_spend_3y_fen",
        "revenue_y1": "revenue_y1_fen",
        "revenue_y2": "revenue_y2_fen",
        "net_assets_y1": "net_assets_y1_fen",
        "net_assets_y2": "net_assets_y2_fen",
        "net_assets_y3": "net_assets_y3_fen",
    }

    def fill_from(self, checkup) -> None:
        """Prefill a repeated check-up with the last one's answers (to be updated)."""
        for name, f in self._fields.items():
            if name in self.MONEY:
                fen = getattr(checkup, self.MONEY[name])
                f.data = None if fen is None else Decimal(fen) / FEN_PER_WAN
            elif hasattr(checkup, name) and name != "csrf_token":
                value = getattr(checkup, name)
                f.data = "" if value is None and f.type == "SelectField" else value

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
            "restricted_products": bool(self.restricted_products.data),
            "national_award_top3": bool(self.national_award_top3.data),
            "provincial_rd_centre": bool(self.provincial_rd_centre.data),
            "led_standard": bool(self.led_standard.data),
            "joined_standard": bool(self.joined_standard.data),
            "ip_advancement": self.ip_advancement.data or None,
            "ip_core_support": self.ip_core_support.data or None,
            "ip_acquisition": self.ip_acquisition.data or None,
            "conversions_3y": self.conversions_3y.data,
            "rd_system": bool(self.rd_system.data),
            "rd_institute": bool(self.rd_institute.data),
            "conversion_incentives": bool(self.conversion_incentives.data),
            "talent_system": bool(self.talent_system.data),
            "revenue_y1_fen": self._fen(self.revenue_y1.data),
            "revenue_y2_fen": self._fen(self.revenue_y2.data),
            "net_assets_y1_fen": self._fen(self.net_assets_y1.data),
            "net_assets_y2_fen": self._fen(self.net_assets_y2.data),
            "net_assets_y3_fen": self._fen(self.net_assets_y3.data),
            "products": self.products.data or "",
            "equipment": self.equipment.data or "",
            "certifications": self.certifications.data or "",
            "problems": self.problems.data or "",
            "plans": self.plans.data or "",
        }
