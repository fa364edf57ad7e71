"""The market's code tables in one place: fields, TRL, IP forms, modes, with labels.

Codes are stored in the database and index; labels go through Flask-Babel so the
same code reads in Chinese or English.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice


class Field(StrEnum):
    """Technical fields of the eyewear trade."""

    FRAME_MATERIALS = "frame_materials"
    SURFACE_TREATMENT = "surface_treatment"
    LENSES_COATINGS = "lenses_coatings"
    MYOPIA_CONTROL = "myopia_control"
    OPTOMETRY_DEVICES = "optometry_devices"
    SMART_GLASSES = "smart_glasses"
    DESIGN_3D_PRINTING = "design_3d_printing"
    AUTOMATION = "automation"
    ENVIRONMENTAL = "environmental"
    OTHER = "other"


FIELD_LABELS = {
    Field.FRAME_MATERIALS: _l("镜架材料"),
    Field.SURFACE_TREATMENT: _l("表面处理"),
    Field.LENSES_COATINGS: _l("镜片与镀膜"),
    Field.MYOPIA_CONTROL: _l("近视防控"),
    Field.OPTOMETRY_DEVICES: _l("视光设备"),
    Field.SMART_GLASSES: _l("智能眼镜"),
    Field.DESIGN_3D_PRINTING: _l("3D打印与设计"),
    Field.AUTOMATION: _l("自动化"),
    Field.ENVIRONMENTAL: _l("环保工艺"),
    Field.OTHER: _l("其他"),
}


class CooperationMode(StrEnum):
    ASSIGNMENT = "assignment"  #: 转让
    LICENCE = "licence"  #: 许可
    EQUITY = "equity"  #: 作价投资
    JOINT_DEVELOPMENT = "joint_development"  #: 合作开发
    SERVICE = "service"  #: 技术服务


COOPERATION_LABELS = {
    CooperationMode.ASSIGNMENT: _l("转让"),
    CooperationMode.LICENCE: _l("许可"),
    CooperationMode.EQUITY: _l("作价投资"),
    CooperationMode.JOINT_DEVELOPMENT: _l("合作开发"),
    CooperationMode.SERVICE: _l("技术服务"),
}


class PricingMode(StrEnum):
    AGREEMENT = "agreement"  #: 协议定价 (with public notice when state-funded)
    LISTING = "listing"  #: 挂牌交易 at a reference price
    AUCTION = "auction"  #: 拍卖
    NEGOTIABLE = "negotiable"  #: 面议, private suppliers only


PRICING_LABELS = {
    PricingMode.AGREEMENT: _l("协议定价"),
    PricingMode.LISTING: _l("挂牌交易"),
    PricingMode.AUCTION: _l("拍卖"),
    PricingMode.NEGOTIABLE: _l("面议"),
}


class IpForm(StrEnum):
    INVENTION_PATENT = "invention_patent"
    UTILITY_MODEL = "utility_model"
    DESIGN_PATENT = "design_patent"
    SOFTWARE_COPYRIGHT = "software_copyright"
    LAYOUT_DESIGN = "layout_design"
    KNOW_HOW = "know_how"
    PROCESS = "process"
    FORMULA = "formula"
    SAMPLE_DATA = "sample_data"


IP_FORM_LABELS = {
    IpForm.INVENTION_PATENT: _l("发明专利"),
    IpForm.UTILITY_MODEL: _l("实用新型专利"),
    IpForm.DESIGN_PATENT: _l("外观设计专利"),
    IpForm.SOFTWARE_COPYRIGHT: _l("软件著作权"),
    IpForm.LAYOUT_DESIGN: _l("集成电路布图设计"),
    IpForm.KNOW_HOW: _l("技术秘密"),
    IpForm.PROCESS: _l("工艺"),
    IpForm.FORMULA: _l("配方"),
    IpForm.SAMPLE_DATA: _l("样品与数据"),
}

#: Patent forms and their statutory term in years from the filing date (专利法 §42).
PATENT_TERM_YEARS = {
    IpForm.INVENTION_PATENT: 20,
    IpForm.UTILITY_MODEL: 10,
    IpForm.DESIGN_PATENT: 15,
}


class PatentStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    LAPSED = "lapsed"


PATENT_STATUS_LABELS = {
    PatentStatus.PENDING: _l("申请中"),
    PatentStatus.GRANTED: _l("已授权"),
    PatentStatus.LAPSED: _l("已失效"),
}


class PaymentMethod(StrEnum):
    """How money moved on a ledger entry (LedgerEntry.method)."""

    STRIPE = "stripe"
    BANK = "bank"
    VOUCHER = "voucher"
    DEPOSIT = "deposit"


PAYMENT_METHOD_LABELS = {
    PaymentMethod.STRIPE: _l("在线支付"),
    PaymentMethod.BANK: _l("对公转账"),
    PaymentMethod.VOUCHER: _l("创新券"),
    PaymentMethod.DEPOSIT: _l("保证金"),
}

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
