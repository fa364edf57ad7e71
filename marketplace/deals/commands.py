"""`flask jobs tick`: the market's clock, run from cron; every step is idempotent."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from ..core.locks import advisory_lock
from ..core.timeutil import utcnow
from ..extensions import db
from ..notifications.services import notify
from .auctions import close_due_auctions
from .notices import close_due_notices
from .queue import queue_rows
from .services import deal_link

#: Steps higher floors add at init_app (name → callable(); it flushes, returns a count).
TICK_STEPS: dict = {}


@click.group("jobs")
def jobs_group() -> None:
    """Time-driven work: closing notices and auctions, deadlines, expiry."""


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


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Do everything due at `now`; running it twice does nothing the second time."""
    from ..contracts.registration import remind_due
    from ..listings.commands import expire_due
    from ..payments.deposits import forfeit_unsigned_winners, refund_losing_deposits

    now = now or utcnow()
    return {
        "notices_closed": close_due_notices(now),
        "auctions_closed": close_due_auctions(now),
        "deposits_refunded": refund_losing_deposits(now),
        "deposits_forfeited": forfeit_unsigned_winners(now),
        "overdue_notified": notify_overdue(now),
        "registration_reminders": remind_due(now),
        "listings_expired": expire_due(),
    }


@jobs_group.command("tick")
@with_appcontext
def tick_command() -> None:
    """Close due notices and auctions, flag overdue deals, expire listings."""
    # Links in what it sends come from MARKET_BASE_URL (core.urls): no request needed.
    with advisory_lock("jobs-tick") as held:  # every node's cron: the work once
        if not held:
            click.echo("another node is running the tick; nothing done")
            return
        done = run_due()
        done |= {name: step() for name, step in TICK_STEPS.items()}
        db.session.commit()
    click.echo(" ".join(f"{k}={v}" for k, v in done.items()))
