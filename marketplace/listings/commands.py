"""`flask listings …`: bulk import from CSV/XLSX/JSON Lines, and expiry."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..achievements.models import Achievement
from ..core import audit
from ..core.timeutil import today_shanghai, utcnow
from ..extensions import db
from ..needs.models import Need
from .files import FileFormatError, read_records
from .importer import import_records


@click.group("listings")
def listings_group() -> None:
    """Achievements and needs in bulk."""


def _count_rows(path: Path) -> int | None:
    try:
        return sum(1 for _ in read_records(path))
    except FileFormatError:
        return None


@listings_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--create-orgs",
    is_flag=True,
    help="Create missing organisations as verified (an operator's bulk load).",
)
@with_appcontext
def import_command(file: Path, create_orgs: bool) -> None:
    """Import achievements and needs from FILE (.csv, .xlsx or .jsonl), published.

    Bad rows are reported with their line and reason; good rows are imported.
    A row whose (organisation, external_ref) exists updates that listing.
    """
    try:
        total = _count_rows(file)
        with click.progressbar(length=total or 0, label="importing", file=None) as bar:
            report = import_records(
                read_records(file), create_orgs=create_orgs, progress=bar.update
            )
    except FileFormatError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    from ..search.commands import sync_with_progress

    sync_with_progress()
    for line, reasons in report.errors:
        click.echo(f"line {line}: " + "; ".join(reasons), err=True)
    bad = len(report.errors)
    click.echo(
        f"imported: {report.created} created, {report.updated} updated, "
        f"{bad} {'row' if bad == 1 else 'rows'} with errors"
    )
    if report.errors and not report.ok:
        raise SystemExit(1)


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
    for model in (Achievement, Need):
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
