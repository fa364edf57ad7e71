"""Money KPIs: contracts signed, registered technical income, payments received and
vouchers issued / redeemed (every module is always installed: nothing is looked up)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..contracts.models import Contract, ContractRegistration, ContractVersion
from ..extensions import db
from ..payments.models import LedgerEntry
from ..vouchers.models import Voucher, VoucherRedemption

if TYPE_CHECKING:
    from .kpis import Period


def _within(column, p: Period):
    return sa.and_(column >= p.lo, column < p.hi)


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
        sa.select(Contract)
        .where(_within(Contract.signed_at, p))
        .options(
            selectinload(Contract.versions).selectinload(ContractVersion.signatures),
            selectinload(Contract.deal),
        )
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


def payments_received(p: Period) -> dict[str, int]:
    """Money received from payers within the period: ledger entries of kind "payment"
    (Stripe or confirmed bank transfer, LedgerEntry.at) minus "refund" entries booked in
    the period (count = payment entries; fen). Voucher-paid parts and deposits turned
    into price are not new money and are left out."""
    entry = LedgerEntry
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


def vouchers_issued(p: Period) -> dict[str, int]:
    """Innovation vouchers issued within the period (Voucher.issued_at; revoked ones
    included): count and face value in fen."""
    voucher = Voucher
    count, total = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(voucher.face_value_fen), 0)
        ).where(_within(voucher.issued_at, p))
    ).one()
    return {"count": count or 0, "value_fen": int(total or 0)}


def vouchers_redeemed(p: Period) -> dict[str, int]:
    """Voucher redemptions against eligible fees within the period (redeemed_at): count
    and amount in fen."""
    redemption = VoucherRedemption
    count, total = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(redemption.amount_fen), 0)
        ).where(_within(redemption.redeemed_at, p))
    ).one()
    return {"count": count or 0, "value_fen": int(total or 0)}


def voucher_firm_ids(p: Period) -> set[int]:
    """Organisations whose voucher was redeemed within the period."""
    redemption, voucher = VoucherRedemption, Voucher
    return set(
        db.session.scalars(
            sa.select(voucher.organization_id)
            .join(redemption, redemption.voucher_id == voucher.id)
            .where(_within(redemption.redeemed_at, p))
        )
    )
