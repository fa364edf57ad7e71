"""技术合同认定登记: recording it with the 技术合同登记表 fields, and reminding the parties.

The parties apply after signing, as soon as they can; the 10 (Zhejiang) or 30 (the 2000
national measures) days are the office's time to decide, not a deadline for them, so
the reminders name no date. The export lives in registration_export.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import SHANGHAI, utcnow
from ..deals import services as deal_services
from ..extensions import db
from ..notifications.services import notify
from ..uploads.services import register_owner_rule, save_upload
from .models import Contract, ContractRegistration
from .rules import ENTITY_TYPE_OF_ORG, REG_TRANSFER_TYPES, registration_errors
from .services import contract_link

OWNER_TYPE = "contract_registration"


def reminder_days() -> int:
    """Days after signing when an unregistered contract's parties are reminded again."""
    return int(current_app.config.get("REGISTRATION_REMINDER_DAYS", 7))


def local_date(moment: datetime) -> date:
    """A stored UTC moment as its Beijing date."""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).date()


def can_record(contract: Contract, user) -> bool:
    """The supplier's side (the seller registers) or the deal's broker / the operator."""
    return bool(
        deal_services.deal_parties(contract.deal, user)
        & {"supplier", "broker", "operator"}
    )


def record_registration(
    contract: Contract, actor, data: dict, certificate=None
) -> ContractRegistration:
    """Keep the office's registration, file its certificate, and move the deal on.

    `data` holds the 登记表 fields (RegistrationForm.to_data); rules.registration_errors
    checks them, and a date before the signing is refused.
    """
    if not can_record(contract, actor):
        raise PermissionDenied(_("只有成果方或技术经纪人可以录入认定登记。"))
    if not contract.latest_fully_signed or contract.signed_at is None:
        raise InvalidTransition(_("合同经双方签署后才能办理认定登记。"))
    if contract.registration is not None:
        raise InvalidTransition(_("该合同的认定登记已录入。"))
    body = contract.latest.body
    errors = registration_errors(
        data, local_date(contract.signed_at), body.get("type"), body.get("price_fen")
    )
    if errors:
        raise ValidationFailed([(f, str(m)) for f, m in errors])
    transfer = body.get("type") in REG_TRANSFER_TYPES
    reg = ContractRegistration(
        contract=contract,
        **{k: data.get(k) for k in REGISTRATION_FIELDS},
        expected_investment_fen=data.get("expected_investment_fen")
        if transfer
        else None,
        expected_output_fen=data.get("expected_output_fen") if transfer else None,
        recorded_by_id=actor.id,
    )
    db.session.add(reg)
    db.session.flush()
    if certificate is not None and getattr(certificate, "filename", None):
        reg.certificate = save_upload(
            certificate, OWNER_TYPE, reg.id, actor, confidential=True
        )
    deal_services.apply_action(contract.deal, "register", actor)
    audit.record(
        actor,
        "contract.register",
        contract,
        number=reg.registration_number,
        technical_income_fen=reg.technical_income_fen,
    )
    return reg


#: The form's fields kept as they are on the registration row.
REGISTRATION_FIELDS = (
    "applied_on",
    "office",
    "registration_number",
    "technical_income_fen",
    "period_start",
    "period_end",
    "technical_field",
    "ip_category",
    "socio_economic_goal",
    "seller_entity_type",
    "seller_region_code",
    "buyer_entity_type",
    "buyer_region_code",
)


def initial_data(contract: Contract) -> dict:
    """What the form starts from: entity types from the parties' organisations."""
    deal = contract.deal
    return {
        "seller_entity_type": ENTITY_TYPE_OF_ORG.get(str(deal.supplier_org.type)),
        "buyer_entity_type": ENTITY_TYPE_OF_ORG.get(str(deal.firm_org.type)),
    }


def remind_due(now: datetime | None = None) -> int:
    """Remind the supplier's members and the broker to apply for registration: once
    when the contract is signed, and once more after REGISTRATION_REMINDER_DAYS if it
    is still unregistered. No date is named: the parties have no deadline. Idempotent
    (one reminder per contract, phase and person); returns the number sent.

    Called by `flask jobs tick`.
    """
    now = now or utcnow()
    contracts = db.session.scalars(
        sa.select(Contract)
        .outerjoin(ContractRegistration)
        .where(
            Contract.signed_at.is_not(None),
            Contract.signed_at <= now,
            ContractRegistration.id.is_(None),
        )
        .order_by(Contract.id)
    ).all()
    sent = 0
    for contract in contracts:
        later = contract.signed_at + timedelta(days=reminder_days()) <= now
        phase = "again" if later else "signed"
        title = (
            _l("技术合同尚未认定登记，请尽快申请：%(t)s", t=contract.title)
            if later
            else _l(
                "合同已签订，请尽快向技术合同登记机构申请认定登记：%(t)s",
                t=contract.title,
            )
        )
        for user in deal_services.party_users(contract.deal):
            if not (
                deal_services.deal_parties(contract.deal, user) & {"supplier", "broker"}
            ):
                continue
            if notify(
                user,
                "contract.registration",
                title,
                link=contract_link(contract),
                dedupe_key=f"contract:{contract.id}:reg:{phase}:{user.id}",
            ):
                sent += 1
    return sent


def _can_download(user, attachment) -> bool:
    reg = db.session.get(ContractRegistration, attachment.owner_id)
    if reg is None or not (user and user.is_authenticated):
        return False
    return user.is_staff or bool(deal_services.deal_parties(reg.contract.deal, user))


register_owner_rule(OWNER_TYPE, _can_download)
