"""How big the market is (listings on offer, verified organisations), counted once a minute.

Counting every public listing is a scan that grows with the market; the home page and
the public statistics show these figures on every view, and a figure a minute old
serves them as well. Each worker keeps the last count for `MARKET_COUNTS_TTL` seconds
(setting or environment variable; 60 by default, 0 under TESTING: count every call).
"""

from __future__ import annotations

import os
import threading
import time

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Organization, Verification
from ..achievements.models import Achievement
from ..extensions import db
from ..listings.models import public_filter
from ..needs.models import Need

_lock = threading.Lock()
_cached: dict[str, tuple[float, dict[str, int]]] = {}


def _count() -> dict[str, int]:
    on_offer = {
        key: db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(public_filter(model))
        )
        or 0
        for key, model in (("achievements", Achievement), ("needs", Need))
    }
    on_offer["organizations"] = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Organization)
            .where(Organization.verification == Verification.VERIFIED)
        )
        or 0
    )
    return on_offer


def market_counts() -> dict[str, int]:
    """{"achievements", "needs"} on offer today and verified "organizations"."""
    config = current_app.config
    ttl = config.get("MARKET_COUNTS_TTL")
    if ttl is None:
        ttl = float(os.environ.get("MARKET_COUNTS_TTL", 0 if config["TESTING"] else 60))
    if not ttl:
        return _count()
    key = config["SQLALCHEMY_DATABASE_URI"]
    now = time.monotonic()
    with _lock:
        hit = _cached.get(key)
    if hit is not None and now - hit[0] < ttl:
        return dict(hit[1])
    counts = _count()
    with _lock:
        _cached[key] = (now, counts)
    return dict(counts)
