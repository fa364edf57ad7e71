"""Provider profiles, accreditations and the service catalogue; flushes, never commits."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import OrgType
from ..core import audit
from ..core.domain import FIELD_LABELS
from ..core.errors import PermissionDenied, ValidationFailed
from ..extensions import db
from ..vouchers.rules import SERVICE_KINDS
from .models import Accreditation, Offering, Provider, ServiceOrder
from .rules import (
    ACCREDITATION_SCHEMES,
    PRICE_MODES,
    PROVIDER_KINDS,
    TOWNS,
    OrderStatus,
)

#: Organisations that may offer services: providers, universities, institutes, TTOs.
PROVIDING_TYPES = frozenset(
    {OrgType.PROVIDER, OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.TTO}
)


def provider_of(org_id: int | None) -> Provider | None:
    if org_id is None:
        return None
    return db.session.scalar(
        sa.select(Provider).where(Provider.organization_id == org_id)
    )


def can_manage(user, provider: Provider) -> bool:
    return bool(
        user and user.is_authenticated and user.belongs_to(provider.organization_id)
    )


def _require_manager(user, provider: Provider) -> None:
    if not can_manage(user, provider):
        raise PermissionDenied(_("只有该服务机构的成员可以修改其服务信息。"))


def save_profile(
    actor, kind: str, description: str, fields: list[str], town: str
) -> Provider:
    """Create or update the service profile of the actor's (verified) organisation."""
    org = actor.organization
    if org is None or org.type not in PROVIDING_TYPES or not org.is_verified:
        raise PermissionDenied(
            _("只有已认证的服务机构、高校或科研院所可以登记服务机构信息。")
        )
    errors = []
    if kind not in PROVIDER_KINDS:
        errors.append(("kind", _("请选择服务机构类别。")))
    if set(fields or []) - {str(f) for f in FIELD_LABELS}:
        errors.append(("fields", _("请选择有效的技术领域。")))
    if town and town not in TOWNS:
        errors.append(("town", _("请选择瓯海区的街道或镇。")))
    if errors:
        raise ValidationFailed(errors)
    provider = provider_of(org.id)
    if provider is None:
        provider = Provider(organization_id=org.id)
        db.session.add(provider)
    provider.kind = kind
    provider.description = (description or "").strip()
    provider.fields = list(fields or [])
    provider.town = town or ""
    db.session.flush()
    audit.record(actor, "service.provider", provider, kind=kind)
    return provider


def add_accreditation(
    actor,
    provider: Provider,
    scheme: str,
    number: str,
    valid_from: date | None,
    valid_until: date | None,
) -> Accreditation:
    _require_manager(actor, provider)
    number = (number or "").strip()
    errors = []
    if scheme not in ACCREDITATION_SCHEMES:
        errors.append(("scheme", _("请选择 CMA 或 CNAS。")))
    if not number:
        errors.append(("number", _("请填写证书编号。")))
    if valid_from is None or valid_until is None:
        errors.append(("valid_until", _("请填写有效期。")))
    elif valid_until < valid_from:
        errors.append(("valid_until", _("有效期结束不能早于开始。")))
    if errors:
        raise ValidationFailed(errors)
    acc = Accreditation(
        provider_id=provider.id,
        scheme=scheme,
        number=number,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    db.session.add(acc)
    db.session.flush()
    db.session.expire(provider, ["accreditations"])
    return acc


def add_offering(
    actor,
    provider: Provider,
    *,
    name: str,
    standard: str,
    field: str,
    service_kind: str,
    turnaround_days: int | None,
    price_mode: str,
    price_fen: int | None,
    client_sends: str,
) -> Offering:
    _require_manager(actor, provider)
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(("name", _("请填写服务名称。")))
    if field and field not in {str(f) for f in FIELD_LABELS}:
        errors.append(("field", _("请选择有效的技术领域。")))
    if service_kind not in SERVICE_KINDS:
        errors.append(("service_kind", _("请选择服务类别。")))
    if price_mode not in PRICE_MODES:
        errors.append(("price_mode", _("请选择计价方式。")))
    elif price_mode == "on_quote":
        price_fen = None
    elif not price_fen or price_fen <= 0:
        errors.append(("price", _("请填写大于 0 的价格，或选择“按报价”。")))
    if turnaround_days is not None and turnaround_days < 0:
        errors.append(("turnaround_days", _("周期不能为负数。")))
    if errors:
        raise ValidationFailed(errors)
    offering = Offering(
        provider_id=provider.id,
        name=name,
        standard=(standard or "").strip(),
        field=field or "",
        service_kind=service_kind,
        turnaround_days=turnaround_days or 0,
        price_mode=price_mode,
        price_fen=price_fen,
        client_sends=(client_sends or "").strip(),
    )
    db.session.add(offering)
    db.session.flush()
    db.session.expire(provider, ["offerings"])
    return offering


def directory(q: str = "", field: str = "", standard: str = "") -> list[Offering]:
    """Active offerings matching a text, a field and a standard (all optional)."""
    query = (
        sa.select(Offering)
        .join(Provider, Provider.id == Offering.provider_id)
        .where(Offering.active.is_(True))
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            sa.or_(Offering.name.ilike(like), Provider.description.ilike(like))
        )
    if field:
        query = query.where(Offering.field == field)
    if standard:
        query = query.where(Offering.standard.ilike(f"%{standard.strip()}%"))
    return list(
        db.session.scalars(query.order_by(Offering.name, Offering.id).limit(200))
    )


def ratings(provider: Provider) -> list[ServiceOrder]:
    """Rated orders of the provider; only accepted (delivered) ones carry a rating."""
    return list(
        db.session.scalars(
            sa.select(ServiceOrder)
            .where(
                ServiceOrder.provider_org_id == provider.organization_id,
                ServiceOrder.status == OrderStatus.ACCEPTED,
                ServiceOrder.rating.is_not(None),
            )
            .order_by(ServiceOrder.id.desc())
        )
    )
