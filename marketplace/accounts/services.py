"""Account and organisation writes: registration, passwords, profile, invitations."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.mail_outbox import queue_mail
from ..core.timeutil import utcnow
from ..core.urls import external_url
from ..extensions import db
from . import sessions, tokens
from .models import (
    Organization,
    OrgType,
    Role,
    User,
    UserSession,
    Verification,
)

#: The role a member gets from the type of the organisation they act for.
ROLE_FOR_ORG_TYPE = {
    OrgType.UNIVERSITY: Role.SUPPLIER,
    OrgType.INSTITUTE: Role.SUPPLIER,
    OrgType.TTO: Role.SUPPLIER,
    OrgType.FIRM: Role.FIRM,
    OrgType.PROVIDER: Role.SUPPLIER,
}
#: Only public institutions can be state-funded in the sense of 促进科技成果转化法 §18.
STATE_FUNDABLE = frozenset({OrgType.UNIVERSITY, OrgType.INSTITUTE})
#: Checked against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _email_taken(email: str) -> bool:
    return find_user_by_email(email) is not None


def _org_conflicts(name: str, code: str, exclude_id: int | None = None) -> list:
    errors = []
    query = sa.select(Organization.id)
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query.where(Organization.name == name)):
        errors.append(
            (
                "org_name",
                _("该机构名称已注册；如您属于该机构，请联系其成员邀请您加入。"),
            )
        )
    if code and db.session.scalar(query.where(Organization.credit_code == code)):
        errors.append(("credit_code", _("该统一社会信用代码已注册。")))
    return errors


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    organization: Organization | None = None,
    password: str | None = None,
    broker_fields: list[str] | None = None,
) -> User:
    """Add a user; without a password it gets an unusable one (set through a link)."""
    email = email.strip().lower()
    if _email_taken(email):
        raise ValidationFailed([("email", _("该电子邮箱已注册。"))])
    if role in (Role.SUPPLIER, Role.FIRM):
        if organization is None:
            raise ValidationFailed([("org", _("成果方和需求方用户必须属于一个机构。"))])
        if ROLE_FOR_ORG_TYPE[organization.type] != role:
            raise ValidationFailed([("role", _("用户角色与机构类型不符。"))])
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        organization=organization,
        broker_fields=list(broker_fields or []) if role == Role.BROKER else [],
    )
    user.set_password(password or secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    return user


def register(
    *,
    org_type: str,
    org_name: str,
    credit_code: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    state_funded: bool,
    name: str,
    email: str,
    password: str,
    user_agent: str = "",
    ip: str = "",
) -> User:
    """A new organisation (pending verification) and its first member, signed in."""
    org_type = OrgType(org_type)
    errors = _org_conflicts(org_name, credit_code)
    if _email_taken(email):
        errors.append(("email", _("该电子邮箱已注册，请直接登录或找回密码。")))
    if errors:
        raise ValidationFailed(errors)
    org = Organization(
        name=org_name,
        type=org_type,
        credit_code=credit_code,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=email.strip().lower(),
        state_funded=bool(state_funded) and org_type in STATE_FUNDABLE,
        verification=Verification.PENDING,
    )
    db.session.add(org)
    user = create_user(
        email=email,
        name=name,
        role=ROLE_FOR_ORG_TYPE[org_type],
        organization=org,
        password=password,
    )
    record_login(user, user_agent, ip)
    return user


def authenticate(email: str, password: str) -> User:
    """The user these credentials name; the same error whether the e-mail exists or not."""
    user = find_user_by_email(email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok:
        raise ValidationFailed([(None, _("电子邮箱或密码不正确。"))])
    if not user.active:
        # Told on the sign-in form (422, counted by the login throttle), not as a 403
        # page: only someone who knows the password gets this far.
        raise ValidationFailed(
            [(None, _("该账户已被停用，如有疑问请联系平台运营方。"))]
        )
    return user


def sign_in(email: str, password: str, user_agent: str = "", ip: str = "") -> User:
    """Check the credentials and open the session; the route then logs the user in."""
    user = authenticate(email, password)
    record_login(user, user_agent, ip)
    return user


def record_login(user: User, user_agent: str = "", ip: str = "") -> None:
    """Note the sign-in and open its server-side session (sessions.py)."""
    user.last_login_at = utcnow()
    sessions.start(user, user_agent, ip)
    db.session.flush()


def change_password(
    user: User, current: str, new: str, keep: UserSession | None = None
) -> None:
    """New password; every other session and remember-me cookie of the user ends."""
    if not user.check_password(current):
        raise ValidationFailed([("current_password", _("当前密码不正确。"))])
    user.set_password(new)
    sessions.end_all(user, keep=keep)
    db.session.flush()


def set_password(user: User, new: str) -> None:
    """Set the password from a reset or invitation link; old links die with it, and
    so does every session: whoever knew the old password is signed out."""
    user.set_password(new)
    sessions.end_all(user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this e-mail; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = external_url("accounts.reset_password", token=tokens.make_token(user))
    queue_mail(
        user.email,
        _("重置您在瓯海科技大市场的密码"),
        "password_reset",
        user=user,
        link=link,
    )


def send_invitation(user: User, inviter: User | None) -> None:
    link = external_url(
        "accounts.reset_password", token=tokens.make_token(user, tokens.Purpose.INVITE)
    )
    queue_mail(
        user.email,
        _("邀请您加入瓯海科技大市场"),
        "invitation",
        user=user,
        inviter=inviter,
        link=link,
        days=max(1, tokens.invitation_max_age() // 86400),
    )


def invite_member(inviter: User, *, name: str, email: str) -> User:
    """A colleague in the inviter's organisation, with the same role, invited by mail."""
    if inviter.organization is None:
        raise PermissionDenied(_("您不属于任何机构，无法邀请成员。"))
    user = create_user(
        email=email, name=name, role=inviter.role, organization=inviter.organization
    )
    audit.record(inviter, "user.invite", user, organization_id=inviter.organization_id)
    send_invitation(user, inviter)
    return user


def update_profile(
    user: User, *, name: str, locale: str, email_notifications: bool
) -> None:
    user.name = name
    user.locale = locale
    user.email_notifications = bool(email_notifications)
    db.session.flush()


#: Changing these facts means the operator has to check the organisation again.
VERIFIED_FACTS = ("name", "credit_code", "state_funded")


def update_organization(
    org: Organization,
    actor: User,
    *,
    name: str,
    credit_code: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    state_funded: bool,
) -> bool:
    """Edit the organisation; returns True when it went back to pending verification."""
    if not actor.belongs_to(org.id):
        raise PermissionDenied(_("您无权修改该机构的资料。"))
    if errors := _org_conflicts(name, credit_code, exclude_id=org.id):
        raise ValidationFailed(errors)
    state_funded = bool(state_funded) and org.type in STATE_FUNDABLE
    new = {"name": name, "credit_code": credit_code, "state_funded": state_funded}
    changed = [k for k in VERIFIED_FACTS if getattr(org, k) != new[k]]
    for key, value in new.items():
        setattr(org, key, value)
    org.address = address
    org.contact_name = contact_name
    org.contact_phone = contact_phone
    org.contact_email = contact_email
    back_to_pending = bool(changed) and org.verification != Verification.PENDING
    if changed:
        org.verification = Verification.PENDING
        org.verified_at = None
        org.verified_by_id = None
    audit.record(actor, "organization.update", org, changed=changed or None)
    db.session.flush()
    return back_to_pending
