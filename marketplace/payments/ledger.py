"""The ledger: booking entries once (by external reference) and deriving balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from .models import EntryKind, LedgerEntry, PaymentRequest, PaymentStatus

P = PaymentStatus

#: Entry kinds that settle what the payer owes.
SETTLING = (EntryKind.PAYMENT, EntryKind.VOUCHER, EntryKind.TRANSFER_IN)


def find(external_ref: str) -> LedgerEntry | None:
    return db.session.scalar(
        sa.select(LedgerEntry).where(LedgerEntry.external_ref == external_ref)
    )


def book(
    request: PaymentRequest,
    kind: str,
    amount_fen: int,
    method: str,
    external_ref: str,
    actor=None,
    note: str = "",
) -> LedgerEntry | None:
    """Append an entry unless one with `external_ref` exists (then None: nothing twice).

    The request's version moves with every entry, so two writers on the same request
    collide (StaleDataError) instead of both booking against a stale balance.
    """
    if amount_fen <= 0:
        raise ValueError("ledger amounts are positive")
    if find(external_ref) is not None:
        return None
    entry = LedgerEntry(
        payment_request_id=request.id,
        deal_id=request.deal_id,
        kind=str(kind),
        amount_fen=amount_fen,
        currency=request.currency,
        method=method,
        external_ref=external_ref,
        actor_id=getattr(actor, "id", None),
        note=note or "",
    )
    db.session.add(entry)
    request.touched_at = utcnow()
    db.session.flush()
    db.session.expire(request, ["entries"])
    return entry


@dataclass(frozen=True)
class Balance:
    due: int
    paid: int  #: payments and deposit transfers received
    voucher: int
    refunded: int
    transferred_out: int
    status: str
    #: Voucher money the programme has paid the payee (settled claims).
    voucher_settled: int = 0

    @property
    def settled(self) -> int:
        return self.paid + self.voucher

    @property
    def voucher_receivable(self) -> int:
        """Voucher money the payee still awaits from the programme."""
        return self.voucher - self.voucher_settled

    @property
    def outstanding(self) -> int:
        if self.status in (P.REFUNDED, P.APPLIED, P.CANCELLED):
            return 0
        return max(self.due - self.settled, 0)

    @property
    def refundable(self) -> int:
        return max(self.paid - self.refunded - self.transferred_out, 0)


def _sums(request_ids) -> dict[int, dict[str, int]]:
    rows = db.session.execute(
        sa.select(
            LedgerEntry.payment_request_id,
            LedgerEntry.kind,
            sa.func.sum(LedgerEntry.amount_fen),
        )
        .where(LedgerEntry.payment_request_id.in_(list(request_ids)))
        .group_by(LedgerEntry.payment_request_id, LedgerEntry.kind)
    )
    out: dict[int, dict[str, int]] = {}
    for rid, kind, total in rows:
        out.setdefault(rid, {})[kind] = int(total or 0)
    return out


def _status(request: PaymentRequest, s: dict[str, int], today: date) -> PaymentStatus:
    paid = s.get(EntryKind.PAYMENT, 0) + s.get(EntryKind.TRANSFER_IN, 0)
    settled = paid + s.get(EntryKind.VOUCHER, 0)
    refunded = s.get(EntryKind.REFUND, 0)
    if request.cancelled_at is not None:
        return P.CANCELLED
    if s.get(EntryKind.TRANSFER_OUT, 0):
        return P.APPLIED
    if refunded and refunded >= paid:
        return P.REFUNDED
    if settled >= request.amount_fen:
        return P.PAID
    if settled > 0:
        return P.PARTIAL
    return P.OVERDUE if request.due_on < today else P.OPEN


def balances(requests, today: date | None = None) -> dict[int, Balance]:
    """Balance per request id, from the ledger in one query."""
    today = today or today_shanghai()
    requests = list(requests)
    sums = _sums(r.id for r in requests) if requests else {}
    out = {}
    for r in requests:
        s = sums.get(r.id, {})
        out[r.id] = Balance(
            due=r.amount_fen,
            paid=s.get(EntryKind.PAYMENT, 0) + s.get(EntryKind.TRANSFER_IN, 0),
            voucher=s.get(EntryKind.VOUCHER, 0),
            refunded=s.get(EntryKind.REFUND, 0),
            transferred_out=s.get(EntryKind.TRANSFER_OUT, 0),
            status=_status(r, s, today),
            voucher_settled=s.get(EntryKind.VOUCHER_SETTLED, 0),
        )
    return out


def balance(request: PaymentRequest, today: date | None = None) -> Balance:
    return balances([request], today)[request.id]


def deal_totals(deal_id: int) -> dict[str, int]:
    """Due, settled and outstanding over all live requests of a deal."""
    reqs = db.session.scalars(
        sa.select(PaymentRequest).where(PaymentRequest.deal_id == deal_id)
    ).all()
    bal = balances(reqs)
    return {
        "due": sum(b.due for b in bal.values() if b.status != P.CANCELLED),
        "settled": sum(b.settled for b in bal.values()),
        "refunded": sum(b.refunded for b in bal.values()),
        "outstanding": sum(b.outstanding for b in bal.values()),
    }
