"""`flask jobs tick`: the market's clock, run from cron; every step is idempotent.

It sits on the top floor so that it can call each package's due work in turn; no
package below needs to know about another's deadlines.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from .challenges.judging import remind_unscored
from .challenges.services import close_due_calls
from .contracts.registration import remind_due
from .core.locks import advisory_lock
from .core.timeutil import utcnow
from .dashboard.daily import refresh_daily_stats
from .deals.overdue import notify_overdue
from .deals.pricing.auctions import close_due_auctions
from .deals.pricing.notices import close_due_notices
from .extensions import db
from .firms.digest import send_weekly
from .listings.commands import expire_due
from .payments.deposits import forfeit_unsigned_winners, refund_losing_deposits
from .search.retention import prune_outbox


@click.group("jobs")
def jobs_group() -> None:
    """Time-driven work: closing notices and auctions, deadlines, expiry."""


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Do everything due at `now`; running it twice does nothing the second time."""
    now = now or utcnow()
    return {
        "notices_closed": close_due_notices(now),
        "auctions_closed": close_due_auctions(now),
        "deposits_refunded": refund_losing_deposits(now),
        "deposits_forfeited": forfeit_unsigned_winners(now),
        "overdue_notified": notify_overdue(now),
        "registration_reminders": remind_due(now),
        "listings_expired": expire_due(),
        "challenges_closed": close_due_calls(now),
        "experts_reminded": remind_unscored(now),
        # Last week's digest, once per subscriber and week (marks last_week_sent).
        "digests_sent": send_weekly(now),
        "search_log_pruned": prune_outbox(now),
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
        done["daily_stats"] = refresh_daily_stats()
        db.session.commit()
    click.echo(" ".join(f"{k}={v}" for k, v in done.items()))
