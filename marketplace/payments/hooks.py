"""Creates payment requests when contracts signals a signed contract or deals a new
auction bidder or an ended deal, in the same transaction as that change.

The receivers run inside the deals service call, before the route commits, so they
flush and never commit: a later failure in the request rolls the payments back with it.
"""

from __future__ import annotations

from ..contracts.services import register_broker_fee_source
from ..contracts.signals import contract_signed
from ..deals.signals import auction_bidder_registered, deal_action_applied
from ..extensions import db
from . import services
from .deposits import ensure_deposit_request, on_deal_terminated
from .fees import brokerage_clause_fen, contract_lines
from .models import STATUS_LABELS


def on_deal_action(deal, *, action: str, actor=None, event=None, **_extra) -> None:
    """A deal ended after a won auction settles the winner's deposit."""
    if action == "terminate":
        on_deal_terminated(deal, actor)


def on_contract_signed(contract, *, version, actor=None, **_extra) -> None:
    """Once both sides have signed, open the contract's payments and the market's fees."""
    services.on_contract_signed(contract.deal, version, actor)
    db.session.flush()


def on_bidder_registered(bidder, *, actor=None, **_extra) -> None:
    """Open the registered bidder's deposit request (none for a zero deposit)."""

    ensure_deposit_request(bidder)
    db.session.flush()


def init_app(app) -> None:

    app.jinja_env.globals.update(
        payment_status_labels=STATUS_LABELS, payment_fee_lines=contract_lines
    )
    # A new contract's 技术中介报酬 clause starts from the fee schedule's amount.
    register_broker_fee_source(brokerage_clause_fen)
    # Blinker keys receivers by identity: connecting these module-level functions again
    # (every create_app in the tests) leaves one receiver each, never two. They live as
    # long as the module, so a weak reference is safe.
    deal_action_applied.connect(on_deal_action)
    contract_signed.connect(on_contract_signed)
    auction_bidder_registered.connect(on_bidder_registered)
