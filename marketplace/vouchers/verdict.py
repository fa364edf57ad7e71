"""Whether, how much and why innovation vouchers may pay part of a payment request.

The award and payment pages show this verdict; it asks the rules redeem() applies
(services.py: service kind, listed provider, validity, share and small purchase,
balance) and keeps no copy of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.money import format_fen
from ..core.timeutil import today_shanghai
from ..extensions import db
from ..payments.models import PaymentRequest
from .eligibility import payee_eligible
from .models import EligibleProvider, Voucher
from .rules import SERVICE_KIND_REASONS, SERVICE_KINDS
from .services import allowance, covered, share_limit, small_purchase_fen


@dataclass
class VoucherLine:
    """One of the payer's vouchers: what it would pay now, or why it pays nothing."""

    voucher: Voucher
    amount_fen: int
    note: str


@dataclass
class Verdict:
    #: The request itself may take vouchers (a voucher service kind, a listed payee).
    eligible: bool
    #: Why (or why not), one sentence each, in the viewer's language.
    reasons: list[str] = field(default_factory=list)
    #: The payer's vouchers with a balance (shown to the payer and the operator only).
    lines: list[VoucherLine] = field(default_factory=list)
    #: Whether the viewer may see the payer's vouchers at all.
    shows_vouchers: bool = False

    @property
    def payable_fen(self) -> int:
        """The most one voucher would pay now (each use re-checks the share left)."""
        return max((line.amount_fen for line in self.lines), default=0)


def _payee_reason(req: PaymentRequest) -> tuple[bool, str]:
    if req.payee_org_id is None:
        return True, _("收款方是瓯海科技大市场（平台服务费）。")
    name = req.payee_org.name if req.payee_org else ""
    if payee_eligible(req.payee_org_id):
        row = db.session.get(EligibleProvider, req.payee_org_id)
        return True, _(
            "收款方%(p)s是创新券服务机构（载体）：%(r)s。", p=name, r=row.reason
        )
    return False, _(
        "收款方%(p)s不在创新券服务机构（载体）名单上：创新券只能支付给名单内的机构，"
        "此款项须全额以现金支付。",
        p=name,
    )


def _share_reason(req: PaymentRequest) -> str:
    small = small_purchase_fen()
    if req.amount_fen < small:
        return _(
            "金额不足 %(t)s，属小额采购，可全部用创新券支付。", t=format_fen(small)
        )
    return _("每张创新券最多抵扣此款项金额的该券约定比例，且不超过券的余额。")


def _note(voucher: Voucher, req: PaymentRequest, amount: int, day: date) -> str:
    if amount > 0:
        return _(
            "可抵扣 %(a)s（余额 %(b)s，单笔最多 %(c)s）",
            a=format_fen(amount),
            b=format_fen(voucher.balance_fen),
            c=format_fen(share_limit(voucher, req)),
        )
    if not voucher.is_valid_on(day):
        return _("不在有效期内")
    if req.service_kind not in voucher.service_kinds:
        return _("不可抵扣“%(k)s”类服务", k=SERVICE_KINDS[req.service_kind])
    if covered(voucher, req) >= share_limit(voucher, req):
        return _("此款项可用创新券抵扣的部分已用完")
    return _("此款项已无待付金额")


def verdict(req: PaymentRequest, user, day: date | None = None) -> Verdict:
    """The verdict on `req` for `user`; the payer's vouchers only for its members and
    the operator."""
    day = day or today_shanghai()
    kind = req.service_kind
    if kind is None or kind not in SERVICE_KINDS:
        return Verdict(
            False,
            [_("此款项（%(k)s）不是创新券可抵扣的科技服务费用。", k=req.kind_label)],
        )
    reasons = [_("服务类别：%(k)s。", k=SERVICE_KINDS[kind])]
    if req.kind in SERVICE_KIND_REASONS:
        reasons.append(str(SERVICE_KIND_REASONS[req.kind]))
    ok, why = _payee_reason(req)
    reasons.append(why)
    if not ok or req.cancelled_at is not None:
        return Verdict(False, reasons)
    reasons.append(_share_reason(req))
    roles = req.viewer_roles(user)
    out = Verdict(True, reasons, shows_vouchers=bool(roles & {"payer", "operator"}))
    if not out.shows_vouchers:
        return out
    vouchers = db.session.scalars(
        sa.select(Voucher)
        .where(Voucher.organization_id == req.payer_org_id, Voucher.balance_fen > 0)
        .order_by(Voucher.valid_until, Voucher.id)
    ).all()
    for v in vouchers:
        amount = allowance(v, req, day)
        out.lines.append(VoucherLine(v, amount, _note(v, req, amount, day)))
    if not vouchers:
        out.reasons.append(_("付款单位目前没有余额大于零的创新券。"))
    return out
