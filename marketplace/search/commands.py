"""`flask search …`: reindex, sync the outbox, and print matches as JSON."""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import time
from collections.abc import Callable

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from search_index import SearchIndex, candidates, match_achievement, match_need

from ..core.timeutil import utcnow
from ..extensions import db
from .bulkwork import rematch, stream_docs, summary_alerts
from .documents import achievement_doc, need_doc
from .models import SearchOutbox
from .service import (
    MODELS,
    after_cursor,
    get_index,
    pending_count,
    public_rows,
    reset_index,
    set_cursor,
    shared_snapshot,
    snapshot_cursor,
    sync_outbox,
)


@click.group("search")
def search_group() -> None:
    """Search index and matching."""
    candidates.keep_more_for_bulk()  # a command is one process, not a web worker


def _procs_option(f):
    return click.option(
        "--procs",
        type=click.IntRange(1, 16),
        default=min(4, os.cpu_count() or 1),
        help="Worker processes for indexing and matching.",
    )(f)


@search_group.command("reindex")
@_procs_option
@click.option("--no-matches", is_flag=True, help="Skip recomputing the stored matches.")
@click.option(
    "--if-outdated",
    is_flag=True,
    help="Only if the index was written by an older version (another schema).",
)
@with_appcontext
def reindex_command(procs: int, no_matches: bool, if_outdated: bool) -> None:
    """Rebuild the index from the database (the truth), then the stored matches."""
    if if_outdated and not any(get_index().outdated(kind) for kind in MODELS):
        click.echo("the search index is up to date")
        return
    c0 = cpu_seconds()
    indexing = rebuild_index(procs)
    indexing_cpu = cpu_seconds() - c0
    if not no_matches:
        t0, c1 = time.perf_counter(), cpu_seconds()
        rematch(procs=procs, progress=progress_bar)
        db.session.commit()
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c1
        click.echo(
            f"matching: {wall:.1f} s, {cpu:.1f} s CPU (indexing: {indexing:.1f} s,"
            f" {indexing_cpu:.1f} s CPU; matching ÷ indexing:"
            f" {wall / max(indexing, 1e-9):.2f} wall, {cpu / max(indexing_cpu, 1e-9):.2f} CPU)"
        )
    applied = sync_with_progress()
    if applied:
        click.echo(f"applied {applied} changes made during the rebuild")


def cpu_seconds() -> float:
    """CPU time of this process and of its workers that have ended (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def rebuild_index(procs: int) -> float:
    """Rebuild this node's index from the database in a new folder, swap it in, and
    move this node's cursor to where the rebuild started (changes made meanwhile
    stay in the log and are applied after). Returns the indexing time in seconds."""
    directory = current_app.config["SEARCH_INDEX_DIR"]
    started = snapshot_cursor()
    reset_index(directory)
    tmp = directory.rstrip("/") + ".rebuild"
    shutil.rmtree(tmp, ignore_errors=True)
    fresh = SearchIndex(tmp, shared=shared_snapshot())
    spent, c0 = 0.0, cpu_seconds()
    for kind in MODELS:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                public_rows(kind).order_by(None).subquery()
            )
        )
        t0 = time.perf_counter()
        with click.progressbar(length=total, label=f"indexing {kind}s") as bar:
            docs = stream_docs(kind)
            fresh.rebuild(kind, docs, total=total, progress=bar.update, procs=procs)
        dt = time.perf_counter() - t0
        spent += dt
        click.echo(f"{kind}s: {total} documents in {dt:.1f} s")
    fresh.close()
    click.echo(f"indexing: {spent:.1f} s, {cpu_seconds() - c0:.1f} s CPU")
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
    return spent


def progress_bar(label: str, length: int) -> Callable[[int], None]:
    """A progress bar for one phase of a bulk pass, closed once it is full."""
    bar = click.progressbar(length=length, label=label)
    bar.__enter__()
    done = [0]

    def update(n: int) -> None:
        bar.update(n)
        done[0] += n
        if done[0] >= length:
            bar.__exit__(None, None, None)

    if not length:
        bar.__exit__(None, None, None)
    return update


#: A bulk job writing at least this many listings, and at least this share of the
#: index, rebuilds the index (fresh pair statistics) rather than applying its rows.
REBUILD_MIN = 1000
REBUILD_SHARE = 0.2


def finish_bulk_job(
    ids: list[tuple[str, int]], procs: int | None = None, matches: bool = True
) -> dict:
    """After a bulk job committed its listings (`ids`: (kind, id) pairs): bring
    this node's index up to date in bulk (a rebuild, or its log rows in batches),
    match the listings in one pass and send one summary alert per recipient
    (without `matches`, neither: `flask search reindex` computes them later).
    Commits; returns the phases' timings and counts."""
    candidates.keep_more_for_bulk()
    procs = procs or min(4, os.cpu_count() or 1)
    new: dict[str, set[int]] = {"achievement": set(), "need": set()}
    for kind, obj_id in ids:
        new[kind].add(obj_id)
    index = get_index()
    held = index.doc_count("achievement") + index.doc_count("need")
    out: dict = {"listings": len(ids), "indexing_s": 0.0}
    t0 = time.perf_counter()
    out["rebuilt"] = len(ids) >= REBUILD_MIN and len(ids) >= REBUILD_SHARE * held
    if out["rebuilt"]:
        out["indexing_s"] = rebuild_index(procs)
    sync_with_progress()
    out["index_s"] = time.perf_counter() - t0
    if not matches:
        click.echo(
            f"search: {'rebuilt' if out['rebuilt'] else 'updated'} in "
            f"{out['index_s']:.1f} s; no matches computed (flask search reindex does)"
        )
        return out
    t1, c1 = time.perf_counter(), cpu_seconds()
    if out["rebuilt"]:  # new pair statistics: every pair anew, as reindex does
        rows = rematch(procs=procs, progress=progress_bar)
    else:
        rows = rematch(
            sorted(new["need"]), sorted(new["achievement"]), procs, progress_bar
        )
    out["matching_s"] = time.perf_counter() - t1
    out["matching_cpu_s"] = cpu_seconds() - c1
    job = utcnow().strftime("%Y%m%d%H%M%S-") + secrets.token_hex(4)
    out["alerts"] = summary_alerts(job, new, rows)
    db.session.commit()
    out["matches"] = len(rows)
    click.echo(
        f"search: {'rebuilt' if out['rebuilt'] else 'updated'} in "
        f"{out['index_s']:.1f} s, {len(rows)} matches in {out['matching_s']:.1f} s "
        f"({out['matching_cpu_s']:.1f} s CPU), "
        f"{out['alerts']} summary alerts"
    )
    return out


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
