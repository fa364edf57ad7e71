"""The operator's decisions: verifying organisations, disabling accounts, adding staff."""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts import services as account_services
from ..accounts.models import Organization, Role, User, Verification
from ..core import audit
from ..core.domain import Field
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db

DECISIONS = {"verify": Verification.VERIFIED, "reject": Verification.REJECTED}


def _require_operator(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_operator):
        raise PermissionDenied(_("只有运营方可以执行此操作。"))


def verify_organization(
    org: Organization, actor: User, decision: str, reason: str = ""
) -> None:
    """Verify or reject an organisation; rejection needs a reason the members will see."""
    _require_operator(actor)
    if decision not in DECISIONS:
        raise ValidationFailed([("decision", _("请选择审核结论。"))])
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ValidationFailed([("reason", _("不通过时请填写原因。"))])
    target = DECISIONS[decision]
    if org.verification == target:
        raise InvalidTransition(_("该机构已是此状态。"))
    previous = str(org.verification)
    org.verification = target
    org.verified_by_id = actor.id
    if target == Verification.VERIFIED:
        org.verified_at = utcnow()
        org.rejection_reason = None
    else:
        org.verified_at = None
        org.rejection_reason = reason
    audit.record(
        actor,
        f"organization.{decision}",
        org,
        from_state=previous,
        to_state=str(target),
        reason=reason or None,
    )
    db.session.flush()


def set_user_active(user: User, actor: User, active: bool) -> None:
    """Disable or re-enable an account; nobody can lock themselves out."""
    _require_operator(actor)
    if user.id == actor.id and not active:
        raise PermissionDenied(_("不能停用您自己的账户。"))
    if user.active == active:
        return
    user.active = active
    audit.record(
        actor, "user.enable" if active else "user.disable", user, email=user.email
    )
    db.session.flush()


def create_staff(
    actor: User, *, role: str, name: str, email: str, broker_fields: list[str]
) -> User:
    """A broker or operator account; the person sets a password through the mailed link."""
    _require_operator(actor)
    if role not in (Role.BROKER, Role.OPERATOR):
        raise ValidationFailed([("role", _("只能创建技术经纪人或运营方账户。"))])
    valid_fields = {f.value for f in Field}
    if any(f not in valid_fields for f in broker_fields):
        raise ValidationFailed([("broker_fields", _("技术领域无效。"))])
    if role == Role.BROKER and not broker_fields:
        raise ValidationFailed(
            [("broker_fields", _("请至少选择一个技术经纪人负责的领域。"))]
        )
    user = account_services.create_user(
        email=email, name=name, role=Role(role), broker_fields=broker_fields
    )
    audit.record(
        actor,
        "user.create_staff",
        user,
        role=str(role),
        email=user.email,
        broker_fields=list(user.broker_fields) or None,
    )
    account_services.send_invitation(user, None)
    return user
