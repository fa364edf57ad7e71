"""`flask listings import`: achievements and needs from CSV/XLSX/JSON Lines."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..listings.commands import listings_group
from ..listings.files import FileFormatError, read_records
from ..search.commands import finish_bulk_job
from .importer import import_records


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
@click.option(
    "--no-matches",
    is_flag=True,
    help="Index only; the stored matches wait for `flask search reindex`.",
)
@with_appcontext
def import_command(file: Path, create_orgs: bool, no_matches: bool) -> None:
    """Import achievements and needs from FILE (.csv, .xlsx or .jsonl), published.

    Bad rows are reported with their line and reason; good rows are imported.
    A row whose (organisation, external_ref) exists updates that listing.
    New listings are written in batches, then indexed and matched in bulk, with
    one summary alert per recipient (never one per listing).
    """
    t0 = time.perf_counter()
    try:
        total = _count_rows(file)
        with click.progressbar(length=total or 0, label="importing", file=None) as bar:
            report = import_records(
                read_records(file), create_orgs=create_orgs, progress=bar.update
            )
    except FileFormatError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    written = time.perf_counter() - t0
    finish_bulk_job(report.ids, matches=not no_matches)
    for line, reasons in report.errors:
        click.echo(f"line {line}: " + "; ".join(reasons), err=True)
    bad = len(report.errors)
    click.echo(
        f"imported: {report.created} created, {report.updated} updated, "
        f"{bad} {'row' if bad == 1 else 'rows'} with errors, written in {written:.1f} s"
    )
    if report.errors and not report.ok:
        raise SystemExit(1)
