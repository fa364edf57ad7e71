"""The market's code tables in one place: fields, TRL, IP forms, modes, with labels.

Codes are stored in the database and index; labels go through Flask-Babel so the
same code reads in Chinese or English.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from .enums import LabelledEnum


class Field(LabelledEnum):
    """Technical fields of the eyewear trade."""

    FRAME_MATERIALS = "frame_materials", _l("镜架材料")
    SURFACE_TREATMENT = "surface_treatment", _l("表面处理")
    LENSES_COATINGS = "lenses_coatings", _l("镜片与镀膜")
    MYOPIA_CONTROL = "myopia_control", _l("近视防控")
    OPTOMETRY_DEVICES = "optometry_devices", _l("视光设备")
    SMART_GLASSES = "smart_glasses", _l("智能眼镜")
    DESIGN_3D_PRINTING = "design_3d_printing", _l("3D打印与设计")
    AUTOMATION = "automation", _l("自动化")
    ENVIRONMENTAL = "environmental", _l("环保工艺")
    OTHER = "other", _l("其他")


FIELD_LABELS = Field.labels()


class CooperationMode(LabelledEnum):
    ASSIGNMENT = "assignment", _l("转让")
    LICENCE = "licence", _l("许可")
    EQUITY = "equity", _l("作价投资")
    JOINT_DEVELOPMENT = "joint_development", _l("合作开发")
    SERVICE = "service", _l("技术服务")


COOPERATION_LABELS = CooperationMode.labels()


class PricingMode(LabelledEnum):
    AGREEMENT = (
        "agreement",
        _l("协议定价"),
    )  #: 协议定价 (with public notice when state-funded)
    LISTING = "listing", _l("挂牌交易")  #: 挂牌交易 at a reference price
    AUCTION = "auction", _l("拍卖")
    NEGOTIABLE = "negotiable", _l("面议")  #: 面议, private suppliers only


PRICING_LABELS = PricingMode.labels()


class IpForm(LabelledEnum):
    INVENTION_PATENT = "invention_patent", _l("发明专利")
    UTILITY_MODEL = "utility_model", _l("实用新型专利")
    DESIGN_PATENT = "design_patent", _l("外观设计专利")
    SOFTWARE_COPYRIGHT = "software_copyright", _l("软件著作权")
    LAYOUT_DESIGN = "layout_design", _l("集成电路布图设计")
    KNOW_HOW = "know_how", _l("技术秘密")
    PROCESS = "process", _l("工艺")
    FORMULA = "formula", _l("配方")
    SAMPLE_DATA = "sample_data", _l("样品与数据")


IP_FORM_LABELS = IpForm.labels()

#: Patent forms and their statutory term in years from the filing date (专利法 §42).
PATENT_TERM_YEARS = {
    IpForm.INVENTION_PATENT: 20,
    IpForm.UTILITY_MODEL: 10,
    IpForm.DESIGN_PATENT: 15,
}


class PatentStatus(LabelledEnum):
    PENDING = "pending", _l("申请中")
    GRANTED = "granted", _l("已授权")
    LAPSED = "lapsed", _l("已失效")


PATENT_STATUS_LABELS = PatentStatus.labels()


class PaymentMethod(LabelledEnum):
    """How money moved on a ledger entry (LedgerEntry.method)."""

    STRIPE = "stripe", _l("在线支付")
    BANK = "bank", _l("对公转账")
    VOUCHER = "voucher", _l("创新券")
    DEPOSIT = "deposit", _l("保证金")


PAYMENT_METHOD_LABELS = PaymentMethod.labels()

#: TRL scale as NASA and GB/T 22900 use it.
TRL_LABELS = {
    1: _l("观察到基本原理"),
    2: _l("形成技术概念和应用设想"),
    3: _l("关键功能概念验证"),
    4: _l("实验室环境下部件验证"),
    5: _l("相关环境下部件验证"),
    6: _l("相关环境下原型演示"),
    7: _l("实际运行环境下原型验证"),
    8: _l("系统完成并通过鉴定"),
    9: _l("系统经实际运行验证"),
}

TRL_BANDS = {
    "low": (1, 3),
    "mid": (4, 6),
    "high": (7, 9),
}
TRL_BAND_LABELS = {
    "low": _l("TRL 1–3 研究阶段"),
    "mid": _l("TRL 4–6 验证阶段"),
    "high": _l("TRL 7–9 应用阶段"),
}


def choices(labels: dict, blank=None) -> list[SelectChoice]:
    """WTForms options from a code → label table, in table order, optionally after a
    blank "any" option (WTForms 3.3 deprecates plain tuples)."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(str(code), label) for code, label in labels.items()]
