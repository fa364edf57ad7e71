"""Issuing vouchers and applying them to fees; a voucher never goes below zero.

Overspending is impossible by construction: the balance is lowered by one conditional
UPDATE (`balance_fen >= amount`) and the database serialises concurrent updates of
the row, so of two simultaneous redemptions the second sees the lowered balance.
The listed providers are in eligibility.py, quota applications in quota.py, the
half-yearly settlement in settlement.py.
"""

from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai
from ..extensions import db
from ..payments import ledger
from ..payments.models import EntryKind, PaymentRequest
from ..payments.paying import lock
from .eligibility import payee_eligible
from .models import Voucher, VoucherRedemption
from .rules import DEFAULT_SMALL_PURCHASE_FEN, SERVICE_KINDS


def issue(
    actor,
    org,
    face_value_fen: int | None,
    valid_from: date,
    valid_until: date,
    service_kinds: list[str],
    max_share_pct: int,
) -> Voucher:
    """The operator issues a voucher to a verified firm."""
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以发放创新券。"))
    errors = []
    if org is None or not org.is_verified:
        errors.append(("organization", _("只能向已认证的企业发放创新券。")))
    if not face_value_fen or face_value_fen <= 0:
        errors.append(("face_value", _("请填写大于 0 的面额。")))
    if valid_until < valid_from:
        errors.append(("valid_until", _("有效期结束不能早于开始。")))
    if not service_kinds or set(service_kinds) - set(SERVICE_KINDS):
        errors.append(("service_kinds", _("请选择可抵扣的服务类别。")))
    if not 0 < max_share_pct <= 100:
        errors.append(("max_share_pct", _("单笔抵扣比例应在 1–100% 之间。")))
    if errors:
        raise ValidationFailed(errors)
    voucher = Voucher(
        code=f"KJQ-{secrets.token_hex(4).upper()}",
        organization_id=org.id,
        face_value_fen=face_value_fen,
        balance_fen=face_value_fen,
        valid_from=valid_from,
        valid_until=valid_until,
        service_kinds=list(service_kinds),
        max_share_pct=max_share_pct,
        issued_by_id=actor.id,
    )
    db.session.add(voucher)
    db.session.flush()
    audit.record(
        actor, "voucher.issue", voucher, org=org.id, face_value_fen=face_value_fen
    )
    return voucher


def covered(voucher: Voucher, req: PaymentRequest) -> int:
    return (
        db.session.scalar(
            sa.select(
                sa.func.coalesce(sa.func.sum(VoucherRedemption.amount_fen), 0)
            ).where(VoucherRedemption.payment_request_id == req.id)
        )
        or 0
    )


def small_purchase_fen() -> int:
    """Fees under this many fen are payable wholly by voucher (0: never)."""
    return int(
        current_app.config.get("VOUCHER_SMALL_PURCHASE_FEN", DEFAULT_SMALL_PURCHASE_FEN)
    )


def share_limit(voucher: Voucher, req: PaymentRequest) -> int:
    """The most vouchers may pay of this fee: all of a small purchase, else the share."""
    if req.amount_fen < small_purchase_fen():
        return req.amount_fen
    return req.amount_fen * voucher.max_share_pct // 100


def allowance(voucher: Voucher, req: PaymentRequest, day: date | None = None) -> int:
    """How much `voucher` may pay on `req` now (0 when it may not be used)."""
    if voucher.organization_id != req.payer_org_id or req.cancelled_at is not None:
        return 0
    if not voucher.is_valid_on(day) or req.service_kind not in voucher.service_kinds:
        return 0
    if voucher.currency != req.currency:
        return 0
    share_cap = share_limit(voucher, req) - covered(voucher, req)
    return max(min(voucher.balance_fen, share_cap, ledger.balance(req).outstanding), 0)


def usable_vouchers(req: PaymentRequest, user) -> list[tuple[Voucher, int]]:
    """(voucher, amount it would pay) for the payer's vouchers that fit this request."""
    if not user.organization_id or not req.service_kind:
        return []
    if not payee_eligible(req.payee_org_id):
        return []
    vouchers = db.session.scalars(
        sa.select(Voucher)
        .where(Voucher.organization_id == user.organization_id, Voucher.balance_fen > 0)
        .order_by(Voucher.valid_until)
    ).all()
    return [(v, a) for v in vouchers if (a := allowance(v, req)) > 0]


def redeem(
    voucher: Voucher, req: PaymentRequest, actor, day: date | None = None
) -> VoucherRedemption:
    """Apply the voucher to the request, as much as the rules allow; flushes."""

    if not req.can_pay(actor) or not actor.belongs_to(voucher.organization_id):
        raise PermissionDenied(_("只有持券企业可以为本单位的款项使用创新券。"))
    day = day or today_shanghai()
    if not voucher.is_valid_on(day):
        raise InvalidTransition(_("创新券不在有效期内，不能使用。"))
    if req.service_kind not in voucher.service_kinds:
        raise ValidationFailed([(None, _("此款项不属于该创新券可抵扣的服务类别。"))])
    if not payee_eligible(req.payee_org_id):
        raise ValidationFailed(
            [(None, _("收款机构不是创新券服务机构（载体），不能用创新券支付。"))]
        )
    req = lock(req)
    amount = allowance(voucher, req, day)
    if amount <= 0:
        raise ValidationFailed([(None, _("该创新券已无可用于此款项的额度。"))])
    # The one guard against overspending: lower the balance only if it is still there.
    done = db.session.execute(
        sa.update(Voucher)
        .where(Voucher.id == voucher.id, Voucher.balance_fen >= amount)
        .values(balance_fen=Voucher.balance_fen - amount)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise ValidationFailed(
            [(None, _("创新券余额不足（可能刚被使用），请刷新后重试。"))]
        )
    db.session.expire(voucher, ["balance_fen"])
    redemption = VoucherRedemption(
        voucher_id=voucher.id,
        payment_request_id=req.id,
        amount_fen=amount,
        service_kind=req.service_kind,
        provider_org_id=req.payee_org_id,
        actor_id=actor.id,
    )
    db.session.add(redemption)
    db.session.flush()
    ledger.book(
        req,
        EntryKind.VOUCHER,
        amount,
        "voucher",
        f"voucher:{redemption.id}",
        actor=actor,
        note=voucher.code,
    )
    return redemption
