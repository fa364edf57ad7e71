"""Signals the deals package sends, so other features react without deals importing them.

Both are sent inside the service call, after the rows are flushed and before the route
commits: a receiver works in the same transaction and must flush, never commit.

- `deal_action_applied`: sender = the deal; kwargs `action` (str), `actor` (User or None
  for the market's clock) and `event` (the DealEvent just recorded).
- `auction_bidder_registered`: sender = the AuctionBidder just registered; kwarg `actor`.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

deal_action_applied = _signals.signal("deal-action-applied")
auction_bidder_registered = _signals.signal("auction-bidder-registered")
