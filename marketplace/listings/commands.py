"""`flask listings …`: the listings' own commands (expiry); bulk adds `import`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..core.timeutil import today_shanghai
from ..extensions import db
from .lifecycle import ListingStatus
from .models import listing_models
from .services import apply_listing_action


@click.group("listings")
def listings_group() -> None:
    """Achievements and needs in bulk."""


@listings_group.command("expire")
@with_appcontext
def expire_command() -> None:
    """Mark published listings past their validity as expired (cron-safe, idempotent)."""
    n = expire_due()
    db.session.commit()
    click.echo(f"expired {n} listings")


def expire_due() -> int:
    """Move every published listing past its validity to expired, through its
    lifecycle table (the market's own `expire`), each with an audit entry."""
    today = today_shanghai()
    count = 0
    for model in listing_models():
        rows = db.session.scalars(
            sa.select(model).where(
                model.status == ListingStatus.PUBLISHED,
                model.valid_until.is_not(None),
                model.valid_until < today,
            )
        ).all()
        for row in rows:
            apply_listing_action(
                row, "expire", None, valid_until=row.valid_until.isoformat()
            )
            count += 1
    return count
