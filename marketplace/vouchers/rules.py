"""Voucher rules in one place: the eligible service kinds and what each payment counts as."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: 科技创新券 eligible service kinds (浙江省促进科技成果转化条例 §22 and local practice).
SERVICE_KINDS = {
    "testing": _l("检验检测"),
    "rnd_design": _l("研发设计"),
    "pilot": _l("中试"),
    "purchase": _l("购买科技成果"),
    "evaluation": _l("科技成果评价"),
    "brokerage": _l("技术经纪服务"),
}
#: Contract type → the service kind its contract payments count as.
CONTRACT_SERVICE_KIND = {
    "assignment": "purchase",
    "licence": "purchase",
    "development_commissioned": "rnd_design",
    "development_joint": "rnd_design",
    "consulting": "rnd_design",
    "service": "testing",
}
FEE_SERVICE_KIND = {"evaluation_fee": "evaluation", "broker_fee": "brokerage"}
#: The share of one fee a voucher may pay when the operator sets none (percent).
DEFAULT_MAX_SHARE_PCT = 50
