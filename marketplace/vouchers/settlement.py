"""The half-yearly settlement (兑付) report and the ledger entry of a settled claim.

The government settles vouchers at least every six months. The report lists, for a
Beijing-time half-year, the claims the operator settled (per provider, and each one
with its service) beside the redemptions made in it.

When a redemption is made, the ledger books a `voucher` entry: the firm's debt is
covered by a receivable from the voucher programme. When the claim is settled, the
ledger books the matching `voucher_settled` entry of the same amount on the same
payment request, which clears that receivable: on every request the settled voucher
money never exceeds the voucher money, and the firm's balance does not move.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Organization
from ..extensions import db
from ..payments import ledger
from ..payments.models import EntryKind, LedgerEntry, PaymentRequest
from .models import VoucherClaim, VoucherRedemption
from .rules import SERVICE_KINDS, ClaimStatus

#: Periods are Beijing-time half-years; times are stored in UTC.
SHANGHAI_OFFSET = timedelta(hours=8)


def period(year: int, half: int) -> tuple[datetime, datetime]:
    """The half-year's [start, end) in UTC."""
    start = datetime(year, 1 if half == 1 else 7, 1) - SHANGHAI_OFFSET
    end = (
        datetime(year, 7, 1) if half == 1 else datetime(year + 1, 1, 1)
    ) - SHANGHAI_OFFSET
    return start, end


def _org_cells(org_id: int | None) -> tuple[str, str]:
    org = db.session.get(Organization, org_id) if org_id else None
    return (org.name, org.credit_code or "") if org else (_("瓯海科技大市场"), "")


def settlement_rows(year: int, half: int) -> list[dict]:
    """Redemptions in the half-year, per provider and service kind, for the government."""
    start, end = period(year, half)
    rows = db.session.execute(
        sa.select(
            VoucherRedemption.provider_org_id,
            VoucherRedemption.service_kind,
            sa.func.count(),
            sa.func.sum(VoucherRedemption.amount_fen),
        )
        .where(
            VoucherRedemption.redeemed_at >= start, VoucherRedemption.redeemed_at < end
        )
        .group_by(VoucherRedemption.provider_org_id, VoucherRedemption.service_kind)
        .order_by(VoucherRedemption.provider_org_id, VoucherRedemption.service_kind)
    ).all()
    out = []
    for provider_id, kind, count, total in rows:
        name, code = _org_cells(provider_id)
        out.append(
            {
                "provider": name,
                "credit_code": code,
                "service_kind": str(SERVICE_KINDS.get(kind, kind)),
                "count": int(count),
                "amount_fen": int(total or 0),
            }
        )
    return out


def settled_claims(year: int, half: int) -> list[VoucherClaim]:
    """The claims the operator settled in the half-year, by provider then date."""
    start, end = period(year, half)
    return list(
        db.session.scalars(
            sa.select(VoucherClaim)
            .where(
                VoucherClaim.status == ClaimStatus.SETTLED,
                VoucherClaim.decided_at >= start,
                VoucherClaim.decided_at < end,
            )
            .order_by(VoucherClaim.provider_org_id, VoucherClaim.decided_at)
        )
    )


def claims_by_provider(claims: list[VoucherClaim]) -> list[dict]:
    """Per provider: how many settled claims and how much, from settled_claims()."""
    totals: dict[int, dict] = {}
    for c in claims:
        row = totals.get(c.provider_org_id)
        if row is None:
            name, code = _org_cells(c.provider_org_id)
            row = totals[c.provider_org_id] = {
                "provider": name,
                "credit_code": code,
                "count": 0,
                "amount_fen": 0,
            }
        row["count"] += 1
        row["amount_fen"] += c.amount_fen
    return list(totals.values())


#: The export's columns (the government's form is in Chinese whatever the page language).
CLAIM_HEADERS = [
    "服务机构",
    "统一社会信用代码",
    "兑付申请号",
    "服务类别",
    "所服务企业",
    "服务内容",
    "兑付金额(元)",
    "兑付日期",
]


def claim_cells(claims: list[VoucherClaim]) -> list[list]:
    """One export row per settled claim."""
    out = []
    for c in claims:
        name, code = _org_cells(c.provider_org_id)
        red = c.redemption
        if c.order is not None:
            what = c.order.offering.name
        elif c.booking is not None:
            what = c.booking.instrument.name
        elif c.payment_request is not None:
            what = c.payment_request.title
        else:
            what = ""
        out.append(
            [
                name,
                code,
                c.id,
                str(SERVICE_KINDS.get(red.service_kind, red.service_kind)),
                red.voucher.organization.name,
                what,
                f"{c.amount_fen / 100:.2f}",
                (c.decided_at + SHANGHAI_OFFSET).date().isoformat(),
            ]
        )
    return out


def _sum(request_id: int, kind: str) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_fen), 0)).where(
                LedgerEntry.payment_request_id == request_id, LedgerEntry.kind == kind
            )
        )
        or 0
    )


def book_settlement(claim: VoucherClaim, actor) -> LedgerEntry | None:
    """Book the settled claim on its payment request (once, by the claim's reference).

    Refuses (ValueError: a programming error, not user input) a settlement that would
    make the request's settled voucher money exceed its voucher money.
    """
    redemption = db.session.get(VoucherRedemption, claim.redemption_id)
    req = db.session.get(PaymentRequest, redemption.payment_request_id)
    ref = f"voucher_claim:{claim.id}"
    if ledger.find(ref) is not None:
        return None
    vouchered = _sum(req.id, EntryKind.VOUCHER)
    settled = _sum(req.id, EntryKind.VOUCHER_SETTLED)
    if settled + claim.amount_fen > vouchered:
        raise ValueError("a voucher settlement beyond the voucher entries")
    return ledger.book(
        req,
        EntryKind.VOUCHER_SETTLED,
        claim.amount_fen,
        "voucher",
        ref,
        actor=actor,
        note=_("创新券兑付 #%(n)s", n=claim.id),
    )
