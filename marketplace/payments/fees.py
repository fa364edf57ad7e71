"""The market's service fees: the schedule (operator-edited), computing and previewing them.

The brokerage fee and the contract's 技术中介报酬 clause (民法典 §887) are one sum when the
market brokers the deal: the schedule's amount only pre-fills the clause, and what the
signed clause says is what is billed (no clause, no remuneration).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit
from ..core.money import format_fen
from ..core.timeutil import utcnow
from ..evaluation.models import Evaluation
from ..extensions import db
from .models import KIND_LABELS, FeeSchedule, PaymentKind

#: Used until the operator saves a schedule: 3 % brokerage (min ¥2,000, cap ¥50,000)
#: paid by the firm, a fixed ¥5,000 evaluation fee paid by the supplier.
DEFAULTS = {
    PaymentKind.BROKER_FEE: {
        "mode": "percent",
        "rate_bp": 300,
        "min_fen": 200_000,
        "cap_fen": 5_000_000,
        "fixed_fen": 0,
        "payer": "firm",
    },
    PaymentKind.EVALUATION_FEE: {
        "mode": "fixed",
        "rate_bp": 0,
        "min_fen": 0,
        "cap_fen": 0,
        "fixed_fen": 500_000,
        "payer": "supplier",
    },
}


@dataclass(frozen=True)
class FeeLine:
    kind: str
    amount_fen: int
    payer: str  #: "firm" or "supplier"
    rule: str

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def payer_label(self) -> str:
        return _("企业（受让方）") if self.payer == "firm" else _("成果方（让与方）")


def compute(schedule, price_fen: int) -> int:
    """The fee on `price_fen`: fixed, or rate with minimum and cap (half-up to a fen)."""
    if schedule.mode == "fixed":
        return schedule.fixed_fen
    fee = (price_fen * schedule.rate_bp + 5_000) // 10_000
    fee = max(fee, schedule.min_fen)
    if schedule.cap_fen:
        fee = min(fee, schedule.cap_fen)
    return fee


def rule_text(schedule) -> str:
    if schedule.mode == "fixed":
        return _("固定 %(a)s", a=format_fen(schedule.fixed_fen))
    text = _("成交额的 %(r)s%%", r=f"{schedule.rate_bp / 100:g}")
    if schedule.min_fen:
        text += _("，最低 %(a)s", a=format_fen(schedule.min_fen))
    if schedule.cap_fen:
        text += _("，最高 %(a)s", a=format_fen(schedule.cap_fen))
    return text


def schedules() -> dict[str, object]:
    """The active rule per fee kind: saved rows, else the defaults."""
    rows = {s.kind: s for s in db.session.scalars(sa.select(FeeSchedule))}
    out = {}
    for kind, default in DEFAULTS.items():
        row = rows.get(str(kind))
        if row is None:
            row = FeeSchedule(kind=str(kind), active=True, **default)
        if row.active:
            out[str(kind)] = row
    return out


def _applies(kind: str, deal) -> bool:
    if kind != PaymentKind.EVALUATION_FEE:
        return True

    return (
        db.session.scalar(
            sa.select(Evaluation.id).where(Evaluation.deal_id == deal.id).limit(1)
        )
        is not None
    )


def preview(deal, price_fen: int | None) -> list[FeeLine]:
    """The fees the schedule computes for a contract at `price_fen` (before drafting)."""
    if not price_fen:
        return []
    return [
        FeeLine(kind, compute(s, price_fen), s.payer, rule_text(s))
        for kind, s in schedules().items()
        if _applies(kind, deal) and compute(s, price_fen) > 0
    ]


def brokerage_clause_fen(deal, price_fen: int | None) -> int | None:
    """What the schedule puts in a new contract's 技术中介报酬 clause, or None.

    None when the market does not broker the deal (no broker), the brokerage fee is
    switched off, or there is no price yet.
    """
    schedule = schedules().get(str(PaymentKind.BROKER_FEE))
    if deal.broker_id is None or schedule is None or not price_fen:
        return None
    return compute(schedule, price_fen)


def contract_lines(deal, body: dict) -> list[FeeLine]:
    """The fees a contract with `body` bills once signed: the brokerage from its clause.

    The other fees (evaluation) still follow the schedule on the contract price.
    """
    price = body.get("price_fen") or deal.agreed_price_fen
    lines = [
        line for line in preview(deal, price) if line.kind != PaymentKind.BROKER_FEE
    ]
    clause = body.get("broker_fee_fen")
    if deal.broker_id is not None and clause:
        schedule = schedules().get(str(PaymentKind.BROKER_FEE))
        payer = schedule.payer if schedule is not None else "firm"
        lines.insert(
            0,
            FeeLine(PaymentKind.BROKER_FEE, clause, payer, _("按合同技术中介报酬条款")),
        )
    return lines


def save_schedule(kind: str, actor, data: dict) -> FeeSchedule:
    """Store the operator's rule for `kind` (validated by the form)."""

    row = db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.kind == kind))
    if row is None:
        row = FeeSchedule(kind=kind)
        db.session.add(row)
    for key in (
        "mode",
        "rate_bp",
        "min_fen",
        "cap_fen",
        "fixed_fen",
        "payer",
        "active",
    ):
        setattr(row, key, data[key])
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(actor, "fees.update", row, **{k: data[k] for k in data})
    return row
