"""Voucher rules in one place: the eligible service kinds and what each payment counts as."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum

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
#: A call's prize (揭榜奖金) buys the solution of the sponsor's own technical problem:
#: technology development from the solver (the winning proposal becomes a 技术开发
#: deal), so it counts as 研发设计, like a commissioned development contract. As for
#: every voucher payment, only a listed provider (载体) may be paid so, and only the
#: voucher's share of it (all of it under the small-purchase threshold).
PRIZE_SERVICE_KIND = "rnd_design"
#: Why a kind of payment counts as its service kind, for the pages that explain it.
SERVICE_KIND_REASONS = {
    "prize": _l(
        "揭榜奖金是发榜企业为解决本企业技术难题向揭榜方购买的技术开发服务，"
        "按“研发设计”类别使用创新券。"
    ),
}
#: The share of one fee a voucher may pay when the operator sets none (percent).
DEFAULT_MAX_SHARE_PCT = 50
#: Caps on quota applications (玉环's county rule as DOMAIN.md gives it); settings
#: VOUCHER_CAP_PER_APPLICATION_FEN and VOUCHER_CAP_PER_YEAR_FEN override them.
DEFAULT_CAP_PER_APPLICATION_FEN = 2_000_000  # 2万元
DEFAULT_CAP_PER_YEAR_FEN = 10_000_000  # 10万元
#: A fee under this (玉环: 1万元) is payable wholly by voucher, whatever the voucher's
#: share; setting VOUCHER_SMALL_PURCHASE_FEN overrides it (0: no such rule).
DEFAULT_SMALL_PURCHASE_FEN = 1_000_000
#: How long an approved quota stays valid, in days (setting VOUCHER_QUOTA_VALID_DAYS).
DEFAULT_QUOTA_VALID_DAYS = 365
#: What a quota's voucher pays for, and its share of one fee.
QUOTA_SERVICE_KINDS = ["testing", "rnd_design", "pilot", "purchase"]


class QuotaStatus(LabelledEnum):
    """A quota application's state (vouchers.quota decides it)."""

    PENDING = "pending", _l("待审批")
    APPROVED = "approved", _l("已批准")
    REFUSED = "refused", _l("未批准")


QUOTA_STATUS_LABELS = QuotaStatus.labels()


class ClaimStatus(LabelledEnum):
    """A voucher claim's state (兑付; services.claims decides it)."""

    SUBMITTED = "submitted", _l("待审核")
    SETTLED = "settled", _l("已兑付")
    REJECTED = "rejected", _l("已驳回")


CLAIM_STATUS_LABELS = ClaimStatus.labels()
