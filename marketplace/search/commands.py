"""`flask search …`: reindex, sync the outbox, and print matches as JSON."""

from __future__ import annotations

import json
import os
import shutil
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from search_index import match_achievement, match_need

from ..extensions import db
from .documents import achievement_doc, need_doc
from .models import ListingMatch, SearchOutbox
from .service import (
    DOCS,
    MODELS,
    after_cursor,
    get_index,
    pending_count,
    public_rows,
    reset_index,
    set_cursor,
    shared_snapshot,
    snapshot_cursor,
    store_matches,
    sync_outbox,
)


@click.group("search")
def search_group() -> None:
    """Search index and matching."""


@search_group.command("reindex")
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    default=min(4, os.cpu_count() or 1),
    help="Writer processes for the rebuild.",
)
@click.option("--no-matches", is_flag=True, help="Skip recomputing the stored matches.")
@click.option(
    "--if-outdated",
    is_flag=True,
    help="Only if the index was written by an older version (another schema).",
)
@with_appcontext
def reindex_command(procs: int, no_matches: bool, if_outdated: bool) -> None:
    """Rebuild the index from the database (the truth), then the stored matches."""
    directory = current_app.config["SEARCH_INDEX_DIR"]
    if if_outdated and not any(get_index().outdated(kind) for kind in MODELS):
        click.echo("the search index is up to date")
        return
    # Changes made while we rebuild stay in the outbox and are applied after.
    started = snapshot_cursor()
    reset_index(directory)
    tmp = directory.rstrip("/") + ".rebuild"
    shutil.rmtree(tmp, ignore_errors=True)
    from search_index import SearchIndex

    fresh = SearchIndex(tmp, shared=shared_snapshot())
    for kind in MODELS:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                public_rows(kind).order_by(None).subquery()
            )
        )
        t0 = time.perf_counter()
        with click.progressbar(length=total, label=f"indexing {kind}s") as bar:
            docs = (
                DOCS[kind](o)
                for o in db.session.scalars(
                    public_rows(kind).execution_options(yield_per=1000)
                )
            )
            fresh.rebuild(kind, docs, total=total, progress=bar.update, procs=procs)
        dt = time.perf_counter() - t0
        click.echo(f"{kind}s: {total} documents in {dt:.1f} s")
    fresh.close()
    old = directory.rstrip("/") + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(directory):
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    set_cursor(started)
    db.session.execute(
        sa.update(SearchOutbox)
        .where(
            sa.not_(after_cursor(*started)),
            SearchOutbox.processed_at.is_(None),
        )
        .values(processed_at=sa.func.now())
    )
    db.session.commit()
    if not no_matches:
        _recompute_matches()
    applied = sync_with_progress()
    if applied:
        click.echo(f"applied {applied} changes made during the rebuild")


def _recompute_matches() -> None:
    # Scores are weighed by the statistics of the new index: every pair anew,
    # both sides (a pair either side found stays, with one score).
    db.session.execute(sa.delete(ListingMatch))
    for kind in ("need", "achievement"):
        ids = db.session.scalars(
            public_rows(kind).with_only_columns(MODELS[kind].id)
        ).all()
        with click.progressbar(ids, label=f"matching {kind}s") as bar:
            for i, obj_id in enumerate(bar, start=1):
                store_matches(kind, db.session.get(MODELS[kind], obj_id))
                if i % 200 == 0:
                    db.session.commit()
    db.session.commit()


@search_group.command("sync")
@click.option("--loop", is_flag=True, help="Keep running: a separate index worker.")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=2.0)
@with_appcontext
def sync_command(loop: bool, interval: float) -> None:
    """Apply pending outbox rows to the index (repairs a crash after commit)."""
    while True:
        applied = sync_with_progress() if not loop else sync_outbox()
        if applied or not loop:
            click.echo(f"applied {applied} outbox rows")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)


def sync_with_progress(label: str = "updating the search index") -> int:
    """sync_outbox with a progress bar (matching many new listings takes a while)."""
    total = pending_count()
    if not total:
        return sync_outbox()  # only once-only work (matches, alerts) may be left
    with click.progressbar(length=total, label=label) as bar:
        return sync_outbox(progress=bar.update)


def _resolve(kind: str, ref: str):
    model = MODELS[kind]
    if ref.isdigit() and (obj := db.session.get(model, int(ref))) is not None:
        return obj
    found = db.session.scalars(sa.select(model).where(model.external_ref == ref)).all()
    if not found:
        raise click.ClickException(f"no {kind} with id or external_ref {ref!r}")
    if len(found) > 1:
        ids = ", ".join(str(o.id) for o in found)
        raise click.ClickException(
            f"external_ref {ref!r} names several {kind}s (ids {ids}); use the id"
        )
    return found[0]


def _print_matches(kind: str, ref: str, limit: int, as_json: bool) -> None:
    sync_outbox()  # quiet: stdout carries the JSON
    obj = _resolve(kind, ref)
    target = "achievement" if kind == "need" else "need"
    if kind == "need":
        found = match_need(get_index(), need_doc(obj), limit=limit * 2)
    else:
        found = match_achievement(get_index(), achievement_doc(obj), limit=limit * 2)
    model = MODELS[target]
    objs = {
        o.id: o
        for o in db.session.scalars(
            sa.select(model).where(model.id.in_([m.id for m in found]))
        )
    }
    rows = [
        {
            "id": m.id,
            "external_ref": objs[m.id].external_ref,
            "title": objs[m.id].title,
            "score": m.score,
            "reasons": m.reasons,
        }
        for m in found
        if m.id in objs and objs[m.id].is_public
    ][:limit]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for i, r in enumerate(rows, start=1):
        click.echo(
            f"{i:>2}. {r['score']:5.1f}  #{r['id']} {r['external_ref'] or ''}  {r['title']}"
        )


@search_group.command("match-need")
@click.argument("ref")
@click.option("--limit", type=click.IntRange(1, 200), default=10)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@with_appcontext
def match_need_command(ref: str, limit: int, as_json: bool) -> None:
    """Achievements that could answer the need REF (an id or external_ref), best first."""
    _print_matches("need", ref, limit, as_json)


@search_group.command("match-achievement")
@click.argument("ref")
@click.option("--limit", type=click.IntRange(1, 200), default=10)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@with_appcontext
def match_achievement_command(ref: str, limit: int, as_json: bool) -> None:
    """Needs the achievement REF (an id or external_ref) could serve, best first."""
    _print_matches("achievement", ref, limit, as_json)
