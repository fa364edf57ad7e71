"""技术合同认定登记: recording it, the deadline reminder, and the office's export (CSV/XLSX)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit, exports
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import SHANGHAI, utcnow
from ..deals import services as deal_services
from ..extensions import db
from ..notifications.services import notify
from ..uploads.services import register_owner_rule, save_upload
from .models import Contract, ContractRegistration
from .services import contract_link

OWNER_TYPE = "contract_registration"


def deadline_days() -> int:
    return int(current_app.config.get("REGISTRATION_DEADLINE_DAYS", 30))


def deadline(contract: Contract) -> datetime | None:
    """When the registration should be applied for (UTC): signing + the configured days."""
    if contract.signed_at is None:
        return None
    return contract.signed_at + timedelta(days=deadline_days())


def can_record(contract: Contract, user) -> bool:
    """The supplier's side (the seller registers) or the deal's broker / the operator."""
    return bool(
        deal_services.deal_parties(contract.deal, user)
        & {"supplier", "broker", "operator"}
    )


def record_registration(
    contract: Contract,
    actor,
    applied_on: date,
    office: str,
    registration_number: str,
    technical_income_fen: int,
    certificate=None,
) -> ContractRegistration:
    """Keep the office's registration, file its certificate, and move the deal on."""
    if not can_record(contract, actor):
        raise PermissionDenied(_("只有成果方或技术经纪人可以录入认定登记。"))
    if not contract.latest_fully_signed or contract.signed_at is None:
        raise InvalidTransition(_("合同经双方签署后才能办理认定登记。"))
    if contract.registration is not None:
        raise InvalidTransition(_("该合同的认定登记已录入。"))
    errors = []
    if technical_income_fen is None or technical_income_fen < 0:
        errors.append(("technical_income", _("请填写核定技术性收入。")))
    price = contract.latest.body.get("price_fen")
    if technical_income_fen and isinstance(price, int) and technical_income_fen > price:
        errors.append(("technical_income", _("核定技术性收入不能超过合同价款。")))
    signed_on = contract.signed_at.replace(tzinfo=None)
    if applied_on < signed_on.date() - timedelta(days=1):
        errors.append(("applied_on", _("申请登记日期不能早于合同签订日期。")))
    if errors:
        raise ValidationFailed(errors)
    reg = ContractRegistration(
        contract=contract,
        applied_on=applied_on,
        office=office,
        registration_number=registration_number,
        technical_income_fen=technical_income_fen,
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
        number=registration_number,
        technical_income_fen=technical_income_fen,
    )
    return reg


def remind_due(now: datetime | None = None) -> int:
    """Notify the supplier's members and the broker of registrations due within 7 days
    or overdue; idempotent (one reminder per contract, phase and person). Returns count.

    Called by `flask jobs tick`.
    """
    now = now or utcnow()
    days = deadline_days()
    soon = now - timedelta(days=max(days - 7, 0))
    contracts = db.session.scalars(
        sa.select(Contract)
        .outerjoin(ContractRegistration)
        .where(
            Contract.signed_at.is_not(None),
            Contract.signed_at <= soon,
            ContractRegistration.id.is_(None),
        )
        .order_by(Contract.id)
    ).all()
    sent = 0
    for contract in contracts:
        due = deadline(contract)
        overdue = due <= now
        phase = "overdue" if overdue else "soon"
        title = (
            _l("技术合同认定登记已逾期：%(t)s", t=contract.title)
            if overdue
            else _l(
                "请在 %(d)s 前办理技术合同认定登记：%(t)s",
                d=_local_date(due),
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


def _local_date(moment: datetime) -> str:
    from datetime import UTC

    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).date().isoformat()


# -- export as the registration office asks for it ---------------------------------
def export_header() -> list[str]:
    return [
        _("合同名称"),
        _("合同类型"),
        _("卖方（成果方）"),
        _("卖方统一社会信用代码"),
        _("买方（企业）"),
        _("买方统一社会信用代码"),
        _("合同价款（元）"),
        _("核定技术性收入（元）"),
        _("签订日期"),
        _("申请登记日期"),
        _("登记机构"),
        _("登记编号"),
        _("技术中介方"),
        _("交易编号"),
    ]


def export_row(contract: Contract) -> list:
    body = contract.latest.body
    reg = contract.registration
    sup, firm = body.get("supplier") or {}, body.get("firm") or {}

    def yuan(fen):
        return f"{fen / 100:.2f}" if isinstance(fen, int) else ""

    return [
        body.get("title", ""),
        str(contract.latest.type_label),
        sup.get("name", ""),
        sup.get("credit_code", ""),
        firm.get("name", ""),
        firm.get("credit_code", ""),
        yuan(body.get("price_fen")),
        yuan(reg.technical_income_fen) if reg else "",
        _local_date(contract.signed_at) if contract.signed_at else "",
        reg.applied_on.isoformat() if reg else "",
        reg.office if reg else "",
        reg.registration_number if reg else "",
        _("瓯海科技大市场"),
        contract.deal_id,
    ]


def registered_between(date_from: date | None, date_to: date | None) -> list[Contract]:
    """Registered contracts signed within [date_from, date_to] (Shanghai dates)."""
    query = sa.select(Contract).join(ContractRegistration).order_by(Contract.signed_at)
    if date_from:
        query = query.where(Contract.signed_at >= _utc_start(date_from))
    if date_to:
        query = query.where(
            Contract.signed_at < _utc_start(date_to + timedelta(days=1))
        )
    return list(db.session.scalars(query))


def _utc_start(day: date) -> datetime:
    from datetime import UTC

    local = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def to_csv(contracts: list[Contract]) -> bytes:
    return exports.to_csv(export_header(), [export_row(c) for c in contracts])


def to_xlsx(contracts: list[Contract]) -> bytes:
    return exports.to_xlsx(
        exports.Sheet(
            _("技术合同"), export_header(), [export_row(c) for c in contracts]
        )
    )


def _can_download(user, attachment) -> bool:
    reg = db.session.get(ContractRegistration, attachment.owner_id)
    if reg is None or not (user and user.is_authenticated):
        return False
    return user.is_staff or bool(deal_services.deal_parties(reg.contract.deal, user))


register_owner_rule(OWNER_TYPE, _can_download)
