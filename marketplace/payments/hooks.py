"""Creates payment requests when the deals package signals a signed contract or a new
auction bidder, in the same transaction as the deal's own change.

The receivers run inside the deals service call, before the route commits, so they
flush and never commit: a later failure in the request rolls the payments back with it.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..deals.signals import auction_bidder_registered, deal_action_applied
from ..extensions import db


def on_deal_action(deal, *, action: str, actor=None, event=None, **_extra) -> None:
    """Once both sides have signed, open the contract's payments and the market's fees;
    a deal ended after a won auction settles the winner's deposit."""
    if action == "terminate":
        from .deposits import on_deal_terminated

        on_deal_terminated(deal, actor)
        return
    if action != "sign_contract":
        return
    from ..contracts.models import Contract
    from . import services

    # Queried here rather than through contracts.rules, which the deals tests replace.
    contract = db.session.scalar(sa.select(Contract).where(Contract.deal_id == deal.id))
    if contract is None or not contract.latest_fully_signed:
        return
    services.on_contract_signed(deal, contract.latest, actor)
    db.session.flush()


def on_bidder_registered(bidder, *, actor=None, **_extra) -> None:
    """Open the registered bidder's deposit request (none for a zero deposit)."""
    from .deposits import ensure_deposit_request

    ensure_deposit_request(bidder)
    db.session.flush()


def init_app(app) -> None:
    from ..contracts.services import register_broker_fee_source
    from .fees import brokerage_clause_fen, contract_lines
    from .models import STATUS_LABELS

    app.jinja_env.globals.update(
        payment_status_labels=STATUS_LABELS, payment_fee_lines=contract_lines
    )
    # A new contract's 技术中介报酬 clause starts from the fee schedule's amount.
    register_broker_fee_source(brokerage_clause_fen)
    # Blinker keys receivers by identity: connecting these module-level functions again
    # (every create_app in the tests) leaves one receiver each, never two. They live as
    # long as the module, so a weak reference is safe.
    deal_action_applied.connect(on_deal_action)
    auction_bidder_registered.connect(on_bidder_registered)
