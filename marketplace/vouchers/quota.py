"""申领额度: a firm applies for a voucher quota; the operator approves all, part or none.

The caps per application and per year are settings; they hold also for simultaneous
applications, because each firm's applications are decided under a row lock on it.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..accounts.models import Organization, OrgType
from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from .models import QuotaApplication
from .rules import (
    DEFAULT_CAP_PER_APPLICATION_FEN,
    DEFAULT_CAP_PER_YEAR_FEN,
    DEFAULT_MAX_SHARE_PCT,
    DEFAULT_QUOTA_VALID_DAYS,
    QUOTA_SERVICE_KINDS,
    QuotaStatus,
)
from .services import issue


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
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == org_id).with_for_update()
    )


def year_committed(org_id: int, year: int) -> int:
    """Fen a firm has pending or approved in quota applications this year."""
    amount = sa.case(
        (
            QuotaApplication.status == QuotaStatus.APPROVED,
            QuotaApplication.approved_fen,
        ),
        else_=QuotaApplication.amount_fen,
    )
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(amount), 0)).where(
                QuotaApplication.organization_id == org_id,
                QuotaApplication.year == year,
                QuotaApplication.status.in_(
                    (QuotaStatus.PENDING, QuotaStatus.APPROVED)
                ),
            )
        )
        or 0
    )


def apply_for_quota(actor, amount_fen: int | None, purpose: str) -> QuotaApplication:
    """A verified firm's member applies; the caps hold also for simultaneous applications."""
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
    if application.status != QuotaStatus.PENDING:
        raise InvalidTransition(_("该申领已审批。"))
    reason = (reason or "").strip()
    if not approved_fen:
        if not reason:
            raise ValidationFailed([("reason", _("不批准时请填写理由。"))])
        application.status = QuotaStatus.REFUSED
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
        application.status = QuotaStatus.APPROVED
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
