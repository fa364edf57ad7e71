"""`flask payments reconcile`: compare the ledger with Stripe's records, report differences."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..extensions import db
from . import stripe_gateway
from .models import EntryKind, LedgerEntry, StripeIntent


@click.group("payments")
def payments_group() -> None:
    """Payments: reconciliation with Stripe."""


def reconcile() -> list[str]:
    """One line per difference between Stripe and the ledger (empty when they agree)."""
    problems: list[str] = []
    for intent in db.session.scalars(sa.select(StripeIntent).order_by(StripeIntent.id)):
        try:
            pi = stripe_gateway.retrieve_intent(intent.intent_id)
            refunds = (
                stripe_gateway.list_refunds(intent.intent_id)
                if pi.get("status") == "succeeded"
                else []
            )
        except stripe_gateway.GatewayError as exc:
            problems.append(f"{intent.intent_id}: cannot read from Stripe ({exc})")
            continue
        booked = db.session.scalar(
            sa.select(LedgerEntry).where(
                LedgerEntry.external_ref == f"stripe:{intent.intent_id}"
            )
        )
        if pi.get("status") == "succeeded":
            got = pi.get("amount_received") or pi.get("amount")
            if booked is None:
                problems.append(
                    f"{intent.intent_id}: paid {got} at Stripe, not in ledger"
                )
            elif booked.amount_fen != got:
                problems.append(
                    f"{intent.intent_id}: Stripe {got}, ledger {booked.amount_fen}"
                )
        elif booked is not None:
            problems.append(
                f"{intent.intent_id}: in ledger but Stripe says {pi.get('status')}"
            )
        for r in refunds:
            entry = db.session.scalar(
                sa.select(LedgerEntry).where(
                    LedgerEntry.external_ref == f"stripe:{r['id']}"
                )
            )
            if entry is None and r.get("status") in ("succeeded", "pending"):
                problems.append(
                    f"{r['id']}: refund {r['amount']} at Stripe, not in ledger"
                )
            elif entry is not None and entry.amount_fen != r["amount"]:
                problems.append(
                    f"{r['id']}: refund Stripe {r['amount']}, ledger {entry.amount_fen}"
                )
        ids = {f"stripe:{r['id']}" for r in refunds}
        for entry in db.session.scalars(
            sa.select(LedgerEntry).where(
                LedgerEntry.payment_request_id == intent.payment_request_id,
                LedgerEntry.kind == EntryKind.REFUND,
                LedgerEntry.method == "stripe",
            )
        ):
            if entry.external_ref not in ids and len(intent.request.intents) == 1:
                problems.append(
                    f"{entry.external_ref}: refund in ledger, not at Stripe"
                )
    return problems


@payments_group.command("reconcile")
@with_appcontext
def reconcile_command() -> None:
    """Compare every Stripe payment and refund with the ledger; exit 1 on differences."""
    if not stripe_gateway.enabled():
        click.echo("Stripe is not configured; nothing to reconcile.")
        return
    problems = reconcile()
    for line in problems:
        click.echo(line)
    click.echo(f"differences={len(problems)}")
    if problems:
        raise SystemExit(1)
