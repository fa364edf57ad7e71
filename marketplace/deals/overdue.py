"""Overdue deals: each broker is told once per deadline (the market clock calls this)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..notifications.services import notify
from .queue import queue_rows
from .services import deal_link


def notify_overdue(now: datetime) -> int:
    """Tell each broker once per deadline that a deal of theirs is overdue."""
    count = 0
    for row in queue_rows(None, overdue_only=True, now=now):
        deal = row.deal
        if deal.broker is None:
            continue
        key = f"deal:{deal.id}:overdue:{deal.stage}:{row.due_kind}:{row.due_at:%Y%m%d%H%M}"
        if (
            notify(
                deal.broker,
                "deal.overdue",
                _l("交易“%(t)s”已逾期：%(k)s", t=deal.title, k=row.due_label),
                "",
                deal_link(deal),
                dedupe_key=key,
            )
            is not None
        ):
            count += 1
    return count
