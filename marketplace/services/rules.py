"""Code tables of the service network: provider kinds, price modes, order states, towns."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum

#: A voucher claim's states live with its table (vouchers.models.VoucherClaim).
from ..vouchers.rules import CLAIM_STATUS_LABELS as CLAIM_STATUS_LABELS
from ..vouchers.rules import ClaimStatus as ClaimStatus

PROVIDER_KINDS = {
    "testing": _l("检验检测机构"),
    "ip_agency": _l("知识产权代理"),
    "design": _l("设计与3D打印中心"),
    "rd_platform": _l("研发平台与重点实验室"),
    "law_accounting": _l("律师与会计事务所"),
    "finance": _l("科技金融机构"),
}
PRICE_MODES = {
    "fixed": _l("固定价"),
    "per_sample": _l("按样品计价"),
    "per_hour": _l("按小时计价"),
    "on_quote": _l("按报价"),
}
ACCREDITATION_SCHEMES = {"CMA": _l("CMA 资质认定"), "CNAS": _l("CNAS 认可")}


class OrderStatus(LabelledEnum):
    """A service order's state (services.orders moves it)."""

    REQUESTED = "requested", _l("待报价")
    QUOTED = "quoted", _l("待确认")
    CONFIRMED = "confirmed", _l("服务中")
    DELIVERED = "delivered", _l("待验收")
    ACCEPTED = "accepted", _l("已验收")
    DISPUTED = "disputed", _l("有异议")
    CANCELLED = "cancelled", _l("已取消")


ORDER_STATUS_LABELS = OrderStatus.labels()


class BookingStatus(LabelledEnum):
    """An instrument booking's state (services.instruments moves it)."""

    REQUESTED = "requested", _l("待确认")
    CONFIRMED = "confirmed", _l("已确认")
    REFUSED = "refused", _l("已拒绝")
    CANCELLED = "cancelled", _l("已取消")
    COMPLETED = "completed", _l("已完成")


BOOKING_STATUS_LABELS = BookingStatus.labels()
BOOKING_KINDS = {"slot": _l("预约时段"), "samples": _l("送样检测")}
#: Bookings that hold their slot (of kind "slot").
LIVE_BOOKINGS = (
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
)
UNIT_LABELS = {
    "hour": _l("每小时"),
    "sample": _l("每样品"),
    "day": _l("每天"),
}
#: Ouhai's towns and streets (瓯海区街道、镇), with a position on the map (0–100).
TOWNS = {
    "jingshan": (_l("景山街道"), 30, 30),
    "xinqiao": (_l("新桥街道"), 45, 35),
    "nanbaixiang": (_l("南白象街道"), 60, 50),
    "louqiao": (_l("娄桥街道"), 45, 60),
    "quxi": (_l("瞿溪街道"), 20, 55),
    "guoxi": (_l("郭溪街道"), 25, 42),
    "xianyan": (_l("仙岩街道"), 70, 75),
    "liao": (_l("丽岙街道"), 55, 80),
    "panqiao": (_l("潘桥街道"), 35, 75),
    "zeya": (_l("泽雅镇"), 8, 30),
}
TOWN_LABELS = {code: label for code, (label, _x, _y) in TOWNS.items()}
