"""`flask listings …`: the listings' own commands (expiry); bulk adds `import`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..core import audit
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from .models import listing_models


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
    today = today_shanghai()
    count = 0
    for model in listing_models():
        rows = db.session.scalars(
            sa.select(model).where(
                model.status == "published",
                model.valid_until.is_not(None),
                model.valid_until < today,
            )
        ).all()
        for row in rows:
            row.status = "expired"
            row.updated_at = utcnow()
            audit.record(
                None,
                f"{model.__tablename__[:-1]}.expire",
                row,
                valid_until=row.valid_until.isoformat(),
            )
            count += 1
    return count
