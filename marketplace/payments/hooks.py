"""Listens for a deal's contract being signed and for auction bidders registering, and
creates the payment requests in the same transaction, just before it commits.

The deals package sends no signal yet, so this watches the rows it writes: a DealEvent
with action "sign_contract" and a new AuctionBidder. Seen at flush, acted on in
before_commit (where the session may still flush and add rows).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "payments.pending"


def _before_flush(session, flush_context, instances) -> None:
    from ..deals.models import DealEvent
    from ..deals.models_pricing import AuctionBidder

    for obj in session.new:
        if isinstance(obj, DealEvent) and obj.action == "sign_contract":
            session.info.setdefault(_KEY, []).append(("signed", obj))
        elif isinstance(obj, AuctionBidder):
            session.info.setdefault(_KEY, []).append(("bidder", obj))


def _before_commit(session) -> None:
    pending = session.info.pop(_KEY, None)
    if not pending:
        return
    from ..accounts.models import User
    from ..contracts.models import Contract
    from .deposits import ensure_deposit_request
    from .services import on_contract_signed

    for what, obj in pending:
        if what == "signed":
            deal = obj.deal
            # Queried here rather than through contracts.rules, which tests replace.
            contract = session.scalar(
                sa.select(Contract).where(Contract.deal_id == deal.id)
            )
            if contract is None or not contract.latest_fully_signed:
                continue
            actor = session.get(User, obj.actor_id) if obj.actor_id else None
            on_contract_signed(deal, contract.latest, actor)
        elif what == "bidder" and obj.id is not None:
            ensure_deposit_request(obj)
    session.flush()


def _after_rollback(session, previous_transaction) -> None:
    session.info.pop(_KEY, None)


def init_app(app) -> None:
    from .fees import preview
    from .models import STATUS_LABELS

    app.jinja_env.globals.update(
        payment_status_labels=STATUS_LABELS, payment_fee_preview=preview
    )
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
