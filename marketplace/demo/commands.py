"""`flask seed-demo` and `flask demo generate`: demo data and large synthetic sets."""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..accounts.models import Organization
from ..bulk.importer import import_records
from ..extensions import db
from ..search.commands import finish_bulk_job, sync_with_progress
from .challenges import seed_challenges
from .evaluations import seed_evaluations
from .loader import _org, read, seed_demo, seed_demo_deals
from .synth import ORG_POOL_SIZE, generate_listings, generate_organizations


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo market (idempotent: running it twice changes nothing)."""
    total = len(read("achievements.json")) + len(read("needs.json"))
    with click.progressbar(length=total, label="demo listings") as bar:
        summary = seed_demo(progress=bar.update)
    db.session.commit()
    _after_commit()
    # Deal notifications link to MARKET_BASE_URL (core.urls): no request needed.
    deals = seed_demo_deals()
    db.session.commit()
    # After the index sync: approving the call invites the solvers the matcher finds.
    calls = seed_challenges()
    db.session.commit()
    # After the challenges: the evaluation uses their experts and panel.
    evaluations = seed_evaluations()
    db.session.commit()
    click.echo(
        f"organizations: {summary['organizations']}, users: {summary['users']}, "
        f"new listings: {summary['listings_created']}, new deals: {deals}, "
        f"new experts: {calls['experts']}, new calls: {calls['calls']}, "
        f"new panel evaluations: {evaluations}"
    )


@click.group("demo")
def demo_group() -> None:
    """Demo and synthetic data."""


@demo_group.command("generate")
@click.option(
    "--achievements", "n_achievements", type=click.IntRange(0, 2_000_000), default=1000
)
@click.option("--needs", "n_needs", type=click.IntRange(0, 2_000_000), default=0)
@click.option("--seed", type=int, default=0, help="Random seed (same seed, same data).")
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    default=None,
    help="Worker processes for indexing and matching (default: up to 4).",
)
@click.option(
    "--no-matches",
    is_flag=True,
    help="Index only; the stored matches wait for `flask search reindex`.",
)
@with_appcontext
def generate_command(
    n_achievements: int, n_needs: int, seed: int, procs, no_matches: bool
) -> None:
    """Add N synthetic achievements and M needs (published) for benchmarks.

    Written in batches (executemany), then indexed and matched in bulk, with one
    summary alert per recipient (search.bulkwork), never one per listing.
    """
    orgs = generate_organizations(ORG_POOL_SIZE, seed)
    for rec in orgs:
        _org({**rec, "verification": "verified"})
    db.session.commit()
    known = set(db.session.scalars(sa.select(Organization.name)))
    missing = [r["name"] for r in orgs if r["name"] not in known]
    if missing:
        raise click.ClickException(f"organisations not created: {missing[:3]}")

    def rows(kind: str, n: int):
        yield from enumerate(generate_listings(kind, n, seed), start=1)

    ids: list[tuple[str, int]] = []
    for kind, n in (("achievement", n_achievements), ("need", n_needs)):
        if not n:
            continue
        t0 = time.perf_counter()
        with click.progressbar(length=n, label=f"{kind}s") as bar:
            report = import_records(rows(kind, n), progress=bar.update)
        db.session.commit()
        dt = time.perf_counter() - t0
        ids += report.ids
        click.echo(
            f"{kind}s: {report.created} created, {report.updated} updated, "
            f"{len(report.errors)} errors in {dt:.1f} s ({n / max(dt, 1e-9):.0f}/s)"
        )
    finish_bulk_job(ids, procs, matches=not no_matches)


def _after_commit() -> None:
    """Bring the search index and the stored matches up to date."""
    applied = sync_with_progress()
    click.echo(f"search index: {applied} changes applied")
