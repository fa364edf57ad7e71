"""People and the organisations they act for."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


def str_enum(enum_cls: type[StrEnum], length: int = 24) -> sa.Enum:
    """A portable enum column storing the member's value (no native PG enum)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class OrgType(LabelledEnum):
    UNIVERSITY = "university", _l("高校")
    INSTITUTE = "institute", _l("科研院所")
    TTO = "tto", _l("技术转移机构")
    FIRM = "firm", _l("企业")
    #: 科技服务机构: testing agencies, IP agencies, design centres …
    PROVIDER = "provider", _l("科技服务机构")


ORG_TYPE_LABELS = OrgType.labels()
SUPPLIER_ORG_TYPES = frozenset({OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.TTO})


class Verification(LabelledEnum):
    PENDING = "pending", _l("待审核")
    VERIFIED = "verified", _l("已认证")
    REJECTED = "rejected", _l("未通过")


VERIFICATION_LABELS = Verification.labels()


class Role(LabelledEnum):
    SUPPLIER = (
        "supplier",
        _l("成果方"),
    )  #: 成果方: member of a university, institute or TTO
    FIRM = "firm", _l("需求方（企业）")  #: 需求方: member of an eyewear firm
    BROKER = "broker", _l("技术经纪人")  #: 技术经纪人, works for the market
    OPERATOR = "operator", _l("运营方")  #: 运营方, runs the market
    EXPERT = (
        "expert",
        _l("评审专家"),
    )  #: 评审专家, outside the staff, invited by the operator


ROLE_LABELS = Role.labels()


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    type: Mapped[OrgType] = mapped_column(str_enum(OrgType))
    #: 统一社会信用代码, 18 characters, check character validated.
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(60), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: Funded by the state: its prices follow 促进科技成果转化法 §18 (notice, listing, auction).
    state_funded: Mapped[bool] = mapped_column(default=False)
    verification: Mapped[Verification] = mapped_column(
        str_enum(Verification), default=Verification.PENDING
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(
        back_populates="organization", foreign_keys="User.organization_id"
    )

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED

    @property
    def is_supplier(self) -> bool:
        return self.type in SUPPLIER_ORG_TYPES

    @property
    def type_label(self):
        return ORG_TYPE_LABELS[self.type]

    @property
    def verification_label(self):
        return VERIFICATION_LABELS[self.verification]

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    #: False when the operator disabled the account: it cannot log in.
    active: Mapped[bool] = mapped_column(default=True)
    #: Preferred UI language code, e.g. "zh_CN" or "en".
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    #: Send notifications by e-mail as well as in the app.
    email_notifications: Mapped[bool] = mapped_column(default=True)
    #: For brokers: the field codes they cover (round-robin assignment).
    broker_fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Bumped on every password change; reset tokens carry it, so old links die.
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(
        back_populates="members", foreign_keys=[organization_id]
    )

    #: The sign-in this request runs under (accounts/sessions.py), not a column.
    session_token = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Flask-Login's alternative id: the session's token, never the bare user id,
        so a cookie dies with its server-side session (sessions.py)."""
        if not self.session_token:
            raise RuntimeError("sign users in through accounts.sessions.start()")
        return self.session_token

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt (n=2**15, r=8, p=1): memory-hard and slow by design.
        # Only the test suite lowers it, through PASSWORD_HASH_METHOD.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_broker(self) -> bool:
        return self.role == Role.BROKER

    @property
    def is_staff(self) -> bool:
        """Brokers and operators act for the market and see confidential detail."""
        return self.role in (Role.BROKER, Role.OPERATOR)

    @property
    def role_label(self):
        return ROLE_LABELS[self.role]

    def belongs_to(self, organization_id: int | None) -> bool:
        return organization_id is not None and self.organization_id == organization_id

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One signed-in browser: the server-side half of a session or remember-me cookie.

    The cookie carries a random token (Flask-Login's alternative id, see sessions.py);
    only its SHA-256 is stored, so a copy of this table signs nobody in. Ending the row
    ends the session and every remember-me cookie made from it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Touched at most once a minute (sessions.TOUCH_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
