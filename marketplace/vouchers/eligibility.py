"""载体: the operator's list of providers a voucher may pay, with the reason for each."""

from __future__ import annotations

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from .models import EligibleProvider


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
