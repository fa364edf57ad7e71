"""Money KPIs: contracts signed, registered technical income, and, when the payments
and vouchers modules are installed, payments received and vouchers issued / redeemed."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..contracts.models import Contract, ContractRegistration
from ..extensions import db

if TYPE_CHECKING:
    from .kpis import Period


def _within(column, p: Period):
    return sa.and_(column >= p.lo, column < p.hi)


def optional_model(package: str, name: str):
    """The model `marketplace.<package>.models.<name>` if the module is installed AND its
    table exists in this database; else None (the KPI then reads "not available")."""
    try:
        module = importlib.import_module(f"marketplace.{package}.models")
    except ImportError:
        return None
    model = getattr(module, name, None)
    table = getattr(model, "__tablename__", None)
    if table is None or not sa.inspect(db.engine).has_table(table):
        return None
    return model


def _signed_price(contract: Contract) -> int:
    """The price of the newest version both sides signed (the contract in force)."""
    for version in reversed(contract.versions):
        if version.signed_parties() >= {"supplier", "firm"}:
            price = version.body.get("price_fen")
            if isinstance(price, int):
                return price
    deal = contract.deal
    return (deal.agreed_price_fen or 0) if deal is not None else 0


def contracts_signed(p: Period) -> dict[str, int]:
    """Contracts fully signed within the period (Contract.signed_at) and their total value:
    the price_fen of the newest version signed by both sides (fen)."""
    contracts = db.session.scalars(
        sa.select(Contract).where(_within(Contract.signed_at, p))
    ).all()
    return {
        "count": len(contracts),
        "value_fen": sum(_signed_price(c) for c in contracts),
    }


def contract_signing_times(p: Period) -> list[datetime]:
    return list(
        db.session.scalars(
            sa.select(Contract.signed_at).where(_within(Contract.signed_at, p))
        )
    )


def technical_income(p: Period) -> dict[str, int]:
    """技术合同认定登记 recorded in the market within the period (recorded_at) and the
    technical income (技术性收入) the registration office approved for them (fen)."""
    count, total = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(ContractRegistration.technical_income_fen), 0),
        ).where(_within(ContractRegistration.recorded_at, p))
    ).one()
    return {"count": count or 0, "value_fen": int(total or 0)}


def payments_received(p: Period) -> dict[str, int] | None:
    """Money received from payers within the period: ledger entries of kind "payment"
    (Stripe or confirmed bank transfer, LedgerEntry.at) minus "refund" entries booked in
    the period (count = payment entries; fen). Voucher-paid parts and deposits turned
    into price are not new money and are left out. None when payments is absent."""
    entry = optional_model("payments", "LedgerEntry")
    if entry is None:
        return None
    rows = dict(
        db.session.execute(
            sa.select(entry.kind, sa.func.coalesce(sa.func.sum(entry.amount_fen), 0))
            .where(_within(entry.at, p), entry.kind.in_(("payment", "refund")))
            .group_by(entry.kind)
        ).all()
    )
    count = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(entry)
            .where(_within(entry.at, p), entry.kind == "payment")
        )
        or 0
    )
    return {
        "count": count,
        "value_fen": int(rows.get("payment", 0)) - int(rows.get("refund", 0)),
    }


def vouchers_issued(p: Period) -> dict[str, int] | None:
    """Innovation vouchers issued within the period (Voucher.issued_at; revoked ones
    included): count and face value in fen. None when the vouchers module is absent."""
    voucher = optional_model("vouchers", "Voucher")
    if voucher is None:
        return None
    count, total = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(voucher.face_value_fen), 0)
        ).where(_within(voucher.issued_at, p))
    ).one()
    return {"count": count or 0, "value_fen": int(total or 0)}


def vouchers_redeemed(p: Period) -> dict[str, int] | None:
    """Voucher redemptions against eligible fees within the period (redeemed_at): count
    and amount in fen. None when the vouchers module is absent."""
    redemption = optional_model("vouchers", "VoucherRedemption")
    if redemption is None:
        return None
    count, total = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(redemption.amount_fen), 0)
        ).where(_within(redemption.redeemed_at, p))
    ).one()
    return {"count": count or 0, "value_fen": int(total or 0)}


def voucher_firm_ids(p: Period) -> set[int]:
    """Organisations whose voucher was redeemed within the period (empty if absent)."""
    redemption = optional_model("vouchers", "VoucherRedemption")
    voucher = optional_model("vouchers", "Voucher")
    if redemption is None or voucher is None:
        return set()
    return set(
        db.session.scalars(
            sa.select(voucher.organization_id)
            .join(redemption, redemption.voucher_id == voucher.id)
            .where(_within(redemption.redeemed_at, p))
        )
    )
