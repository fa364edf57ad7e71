"""apply_action and bidder registration signal what happened, after the rows are flushed."""

from __future__ import annotations

import pytest

from marketplace.core.errors import PermissionDenied
from marketplace.deals import services
from marketplace.deals.models import DealStage
from marketplace.deals.pricing import auctions
from marketplace.deals.signals import auction_bidder_registered, deal_action_applied


def test_apply_action_sends_the_deal_action_and_event_once_flushed(make_deal):
    ns = make_deal()
    seen = []

    def receiver(deal, *, action, actor, event):
        # An id means the event row was flushed before the signal went out.
        seen.append((deal, action, actor, event, event.id is not None))

    with deal_action_applied.connected_to(receiver, sender=ns.deal):
        ev = services.apply_action(ns.deal, "start_matchmaking", ns.broker)
    assert seen == [(ns.deal, "start_matchmaking", ns.broker, ev, True)]
    assert ns.deal.stage == DealStage.MATCHMAKING


def test_a_refused_action_sends_nothing(make_deal):
    ns = make_deal()
    seen = []
    with (
        deal_action_applied.connected_to(lambda d, **kw: seen.append(kw)),
        pytest.raises(PermissionDenied),
    ):
        services.apply_action(ns.deal, "start_matchmaking", ns.firm)
    assert seen == []


def test_registering_a_bidder_sends_the_bidder(make_deal, db, create_auction):
    ns = make_deal(DealStage.NEGOTIATION, pricing_mode="auction")
    auction = create_auction(
        ns.deal, start_price_fen=100, increment_fen=10, deposit_fen=0
    )
    seen = []
    with auction_bidder_registered.connected_to(
        lambda bidder, actor: seen.append((bidder.id, actor))
    ):
        bidder = auctions.register_bidder(auction, ns.firm)
    assert bidder.id is not None and seen == [(bidder.id, ns.firm)]
