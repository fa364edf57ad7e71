"""Issuing vouchers and applying them to fees; a voucher never goes below zero.

Overspending is impossible by construction: the balance is lowered by one conditional
UPDATE (`balance_fen >= amount`) and the database serialises concurrent updates of
the row, so of two simultaneous redemptions the second sees the lowered balance.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..payments import ledger
from ..payments.models import EntryKind, PaymentRequest
from .models import EligibleProvider, QuotaApplication, Voucher, VoucherRedemption
from .rules import (
    DEFAULT_CAP_PER_APPLICATION_FEN,
    DEFAULT_CAP_PER_YEAR_FEN,
    DEFAULT_MAX_SHARE_PCT,
    DEFAULT_QUOTA_VALID_DAYS,
    DEFAULT_SMALL_PURCHASE_FEN,
    QUOTA_SERVICE_KINDS,
    SERVICE_KINDS,
)

#: Periods are Beijing-time half-years; redemption times are stored in UTC.
SHANGHAI_OFFSET = timedelta(hours=8)


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
    from ..payments.paying import lock

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


def settlement_rows(year: int, half: int) -> list[dict]:
    """Redemptions in the half-year, per provider and service kind, for the government."""
    start = datetime(year, 1 if half == 1 else 7, 1) - SHANGHAI_OFFSET
    end = (
        datetime(year, 7, 1) if half == 1 else datetime(year + 1, 1, 1)
    ) - SHANGHAI_OFFSET
    from ..accounts.models import Organization

    rows = db.session.execute(
        sa.select(
            VoucherRedemption.provider_org_id,
            VoucherRedemption.service_kind,
            sa.func.count(),
            sa.func.sum(VoucherRedemption.amount_fen),
        )
        .where(
            VoucherRedemption.redeemed_at >= start, VoucherRedemption.redeemed_at < end
        )
        .group_by(VoucherRedemption.provider_org_id, VoucherRedemption.service_kind)
        .order_by(VoucherRedemption.provider_org_id, VoucherRedemption.service_kind)
    ).all()
    out = []
    for provider_id, kind, count, total in rows:
        org = db.session.get(Organization, provider_id) if provider_id else None
        out.append(
            {
                "provider": org.name if org else _("瓯海科技大市场"),
                "credit_code": org.credit_code if org else "",
                "service_kind": str(SERVICE_KINDS.get(kind, kind)),
                "count": int(count),
                "amount_fen": int(total or 0),
            }
        )
    return out


# -- 载体: the providers a voucher may pay ------------------------------------------


def is_eligible(org_id: int | None) -> bool:
    """Is the organisation on the operator's list of voucher providers?"""
    if org_id is None:
        return False
    row = db.session.get(EligibleProvider, org_id)
    return bool(row and row.eligible)


def payee_eligible(payee_org_id: int | None) -> bool:
    """A voucher pays the market's own fees (payee None) or a listed provider only."""
    return payee_org_id is None or is_eligible(payee_org_id)


def set_eligibility(actor, org, eligible: bool, reason: str) -> EligibleProvider:
    """The operator lists (or delists) a provider, always with a reason."""
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以认定创新券服务机构。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("请填写认定或取消的理由。"))])
    if org is None or not org.is_verified:
        raise ValidationFailed([(None, _("只有已认证的机构可以列为服务机构。"))])
    row = db.session.get(EligibleProvider, org.id)
    if row is None:
        row = EligibleProvider(organization_id=org.id)
        db.session.add(row)
    row.eligible = bool(eligible)
    row.reason = reason
    row.set_by_id = actor.id
    row.set_at = utcnow()
    db.session.flush()
    audit.record(actor, "voucher.provider", org, eligible=bool(eligible), reason=reason)
    return row


# -- 申领额度: quota applications ----------------------------------------------------


def caps() -> tuple[int, int]:
    """(per application, per year) in fen, from the settings or DOMAIN.md's defaults."""
    cfg = current_app.config
    return (
        int(
            cfg.get("VOUCHER_CAP_PER_APPLICATION_FEN", DEFAULT_CAP_PER_APPLICATION_FEN)
        ),
        int(cfg.get("VOUCHER_CAP_PER_YEAR_FEN", DEFAULT_CAP_PER_YEAR_FEN)),
    )


def _lock_org(org_id: int) -> None:
    """Serialise quota decisions of one firm: a row lock on its organisation."""
    from ..accounts.models import Organization

    db.session.execute(
        sa.select(Organization.id).where(Organization.id == org_id).with_for_update()
    )


def year_committed(org_id: int, year: int) -> int:
    """Fen a firm has pending or approved in quota applications this year."""
    amount = sa.case(
        (QuotaApplication.status == "approved", QuotaApplication.approved_fen),
        else_=QuotaApplication.amount_fen,
    )
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(amount), 0)).where(
                QuotaApplication.organization_id == org_id,
                QuotaApplication.year == year,
                QuotaApplication.status.in_(("pending", "approved")),
            )
        )
        or 0
    )


def apply_for_quota(actor, amount_fen: int | None, purpose: str) -> QuotaApplication:
    """A verified firm's member applies; the caps hold also for simultaneous applications."""
    from ..accounts.models import OrgType

    org = actor.organization
    if org is None or org.type != OrgType.FIRM or not org.is_verified:
        raise PermissionDenied(_("只有已认证企业的成员可以申领创新券额度。"))
    per_application, per_year = caps()
    purpose = (purpose or "").strip()
    errors = []
    if not amount_fen or amount_fen <= 0:
        errors.append(("amount", _("请填写大于 0 的申领金额。")))
    elif amount_fen > per_application:
        errors.append(
            (
                "amount",
                _(
                    "单次申领不能超过 %(cap)s 元。",
                    cap=f"{per_application / 100:,.2f}",
                ),
            )
        )
    if not purpose:
        errors.append(("purpose", _("请说明用途和计划购买的服务。")))
    if errors:
        raise ValidationFailed(errors)
    year = today_shanghai().year
    _lock_org(org.id)
    used = year_committed(org.id, year)
    if used + amount_fen > per_year:
        raise ValidationFailed(
            [
                (
                    "amount",
                    _(
                        "本年度申领合计不能超过 %(cap)s 元，尚可申领 %(left)s 元。",
                        cap=f"{per_year / 100:,.2f}",
                        left=f"{max(per_year - used, 0) / 100:,.2f}",
                    ),
                )
            ]
        )
    application = QuotaApplication(
        organization_id=org.id,
        applicant_id=actor.id,
        year=year,
        amount_fen=amount_fen,
        purpose=purpose,
    )
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "voucher.quota_apply", application, amount_fen=amount_fen)
    return application


def decide_quota(
    actor, application: QuotaApplication, approved_fen: int | None, reason: str
) -> QuotaApplication:
    """The operator approves all or part (a voucher is issued) or refuses with a reason.

    approved_fen None or 0 refuses. The application's row is locked, so two operators
    deciding at once cannot both issue a voucher.
    """
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以审批创新券申领。"))
    application = db.session.scalars(
        sa.select(QuotaApplication)
        .where(QuotaApplication.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if application.status != "pending":
        raise InvalidTransition(_("该申领已审批。"))
    reason = (reason or "").strip()
    if not approved_fen:
        if not reason:
            raise ValidationFailed([("reason", _("不批准时请填写理由。"))])
        application.status = "refused"
    else:
        if approved_fen < 0 or approved_fen > application.amount_fen:
            raise ValidationFailed([("approved", _("批准金额应在 0 与申领金额之间。"))])
        today = today_shanghai()
        days = int(
            current_app.config.get("VOUCHER_QUOTA_VALID_DAYS", DEFAULT_QUOTA_VALID_DAYS)
        )
        voucher = issue(
            actor,
            application.organization,
            approved_fen,
            today,
            today + timedelta(days=days),
            list(QUOTA_SERVICE_KINDS),
            DEFAULT_MAX_SHARE_PCT,
        )
        application.status = "approved"
        application.approved_fen = approved_fen
        application.voucher_id = voucher.id
    application.reason = reason
    application.decided_by_id = actor.id
    application.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "voucher.quota_decide",
        application,
        status=application.status,
        approved_fen=application.approved_fen,
    )
    return application
