"""Bulk import: store the upload, preview its rows in chunks, import the good rows in one
transaction (inline for small files, in a background thread for large ones), cancel."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..accounts.models import User
from ..core import audit
from ..core.errors import InvalidTransition, ValidationFailed
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.files import FileFormatError, read_records
from ..listings.lifecycle import ListingStatus
from ..search.bulkwork import (
    preview_matches,
    quiet_alerts,
    store_batch_matches,
    summary_alerts,
)
from ..search.service import safe_sync
from .checks import RowChecker, allowed_kinds, status_choices
from .importer import upsert_listing
from .models import BulkImport, BulkImportRow, ImportState, RowOutcome

log = logging.getLogger("marketplace.bulk")

#: Rows checked per preview request: a few hundred keep each request well under a second.
CHUNK = 500
MAX_ROWS = 20_000
SUFFIXES = (".csv", ".xlsx")
#: Imports the background thread is running: id → rows done (this process only).
PROGRESS: dict[int, int] = {}


def _dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "bulk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _records(bi: BulkImport) -> Iterator[tuple[int, dict]]:
    return read_records(_dir() / bi.stored_name)


def start_import(
    actor, kind: str, target_status: str, filename: str, data: bytes, organization=None
) -> BulkImport:
    """Check and store an uploaded file; the preview then runs chunk by chunk."""
    if kind not in allowed_kinds(actor):
        raise ValidationFailed([("kind", _("您不能导入此类数据。"))])
    if target_status not in status_choices(actor, kind):
        raise ValidationFailed([("target_status", _("请选择有效的导入状态。"))])
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed([("file", _("请上传 CSV 或 XLSX 文件。"))])
    if not data:
        raise ValidationFailed([("file", _("文件为空。"))])
    try:
        total = sum(
            1 for _row in islice(read_records(f"x{suffix}", data), MAX_ROWS + 1)
        )
    except FileFormatError as exc:
        raise ValidationFailed([("file", str(exc))]) from None
    except Exception:  # noqa: BLE001 - a damaged spreadsheet fails in many ways
        log.warning("unreadable bulk file %r", filename, exc_info=True)
        raise ValidationFailed(
            [("file", _("无法读取该文件，请使用下载的模板。"))]
        ) from None
    if total == 0:
        raise ValidationFailed([("file", _("文件中没有数据行。"))])
    if total > MAX_ROWS:
        raise ValidationFailed([("file", _("一次最多导入 %(n)s 行。", n=MAX_ROWS))])
    org = organization if actor.is_operator else actor.organization
    bi = BulkImport(
        user=actor,
        organization=org,
        kind=kind,
        target_status=target_status,
        filename=Path(filename).name[:200],
        stored_name=secrets.token_hex(16) + suffix,
        total_rows=total,
        locale=str(get_locale() or "zh_CN"),
    )
    (_dir() / bi.stored_name).write_bytes(data)
    db.session.add(bi)
    db.session.flush()
    return bi


def preview_step(bi: BulkImport, chunk: int | None = None) -> None:
    """Check the next `chunk` rows and record each verdict; nothing else is written."""
    if bi.state != ImportState.PREVIEWING:
        return
    chunk = chunk or CHUNK
    seen = {
        (name, ref)
        for name, ref in db.session.execute(
            sa.select(
                BulkImportRow.organization_name, BulkImportRow.external_ref
            ).where(
                BulkImportRow.bulk_import_id == bi.id,
                BulkImportRow.outcome != RowOutcome.ERROR,
                BulkImportRow.external_ref.is_not(None),
            )
        )
    }
    checker = RowChecker(bi, seen)
    read = 0
    for line, raw in islice(_records(bi), bi.processed_rows, bi.processed_rows + chunk):
        v = checker.check(raw)
        db.session.add(
            BulkImportRow(
                bulk_import_id=bi.id,
                line=line,
                outcome=v.outcome,
                organization_name=v.organization_name,
                external_ref=v.external_ref,
                title=v.title,
                errors=v.errors,
            )
        )
        counter = {RowOutcome.NEW: "new_rows", RowOutcome.UPDATE: "update_rows"}.get(
            v.outcome, "error_rows"
        )
        setattr(bi, counter, getattr(bi, counter) + 1)
        read += 1
    bi.processed_rows += read
    if read < chunk or bi.processed_rows >= bi.total_rows:
        bi.total_rows = bi.processed_rows
        bi.state = ImportState.PREVIEWED
    db.session.flush()


def cancel(bi: BulkImport, actor) -> None:
    """Drop a previewed import: no listing was written; the file and verdicts go."""
    if bi.state not in (ImportState.PREVIEWING, ImportState.PREVIEWED):
        raise InvalidTransition(_("该导入已无法取消。"))
    bi.state = ImportState.CANCELLED
    bi.finished_at = utcnow()
    db.session.execute(
        sa.delete(BulkImportRow).where(BulkImportRow.bulk_import_id == bi.id)
    )
    db.session.flush()


def confirm(bi: BulkImport, actor, inline: bool) -> None:
    """Start the import of a fully previewed file; `inline` writes the rows now, else
    the caller starts launch_background after committing the "importing" state."""
    begin_import(bi, actor)
    if inline:
        run_import(bi, actor)


def begin_import(bi: BulkImport, actor) -> None:
    """Mark a fully previewed import as importing (the rows follow in run_import)."""
    if bi.state != ImportState.PREVIEWED:
        raise InvalidTransition(_("请等待预览完成后再确认导入。"))
    if bi.good_rows == 0:
        raise InvalidTransition(_("没有可导入的行。"))
    bi.state = ImportState.IMPORTING
    db.session.flush()


def run_import(bi: BulkImport, actor) -> None:
    """Write every row the preview found good, checking each again (the database may
    have changed since); a row that fails now is reported and skipped. Flushes; the
    caller commits once, so the import is all or nothing."""
    good = {
        r.line: r
        for r in db.session.scalars(
            sa.select(BulkImportRow).where(
                BulkImportRow.bulk_import_id == bi.id,
                BulkImportRow.outcome != RowOutcome.ERROR,
            )
        )
    }
    checker = RowChecker(bi, set())
    done = 0
    written: list[int] = []
    for line, raw in _records(bi):
        row = good.get(line)
        if row is None:
            continue
        v = checker.check(raw)
        if v.outcome == RowOutcome.ERROR:
            row.outcome, row.errors = RowOutcome.ERROR, v.errors
            bi.error_rows += 1
        else:
            listing, outcome = upsert_listing(
                v.clean, v.org, status=bi.target_status, actor=actor
            )
            listing.created_by_id = listing.created_by_id or actor.id
            row.listing_id = listing.id
            if outcome == "created":
                written.append(listing.id)
                bi.created_count += 1
            else:
                bi.updated_count += 1
        done += 1
        PROGRESS[bi.id] = done
    if bi.target_status == ListingStatus.PUBLISHED and written:
        # One summary per recipient for the whole file, not an alert per listing.
        quiet_alerts(bi.kind, written)
        summary_alerts(
            f"import-{bi.id}",
            {bi.kind: set(written)},
            preview_matches(bi.kind, written),
        )
    bi.state = ImportState.DONE
    bi.finished_at = utcnow()
    audit.record(
        actor,
        "bulk.import",
        bi,
        kind=bi.kind,
        status=bi.target_status,
        created=bi.created_count,
        updated=bi.updated_count,
        errors=bi.error_rows,
        file=bi.filename,
    )
    db.session.flush()


def discard_file(bi: BulkImport) -> None:
    """Remove the stored upload once the import is finished or cancelled."""
    (_dir() / bi.stored_name).unlink(missing_ok=True)


def inline_limit() -> int:
    """Imports up to this many good rows run inside the confirm request."""
    return int(current_app.config.get("BULK_IMPORT_INLINE_MAX", 300))


def launch_background(app: Flask, bi_id: int, actor_id: int) -> threading.Thread:
    """Run the import in its own thread, app context and transaction."""

    def work() -> None:
        with app.app_context():
            bi = db.session.get(BulkImport, bi_id)
            try:
                with force_locale(bi.locale):
                    run_import(bi, db.session.get(User, actor_id))
                db.session.commit()
            except Exception:  # noqa: BLE001 - reported on the import's page
                log.exception("bulk import %s failed", bi_id)
                db.session.rollback()
                bi = db.session.get(BulkImport, bi_id)
                bi.state = ImportState.FAILED
                bi.finished_at = utcnow()
                with force_locale(bi.locale):
                    bi.message = _("导入出错，所有行均未保存。请稍后重试或联系运营方。")
                db.session.commit()
            finally:
                PROGRESS.pop(bi_id, None)
                discard_file(bi)
                match_imported(bi_id)
                _sync_search()
                db.session.remove()

    thread = threading.Thread(target=work, name=f"bulk-import-{bi_id}", daemon=True)
    thread.start()
    return thread


def match_imported(bi_id: int) -> None:
    """After the import's commit: its listings' stored matches in one batch pass
    (as `flask listings import` does), not one by one by the search log's sync."""
    try:
        bi = db.session.get(BulkImport, bi_id)
        ids = db.session.scalars(
            sa.select(BulkImportRow.listing_id).where(
                BulkImportRow.bulk_import_id == bi_id,
                BulkImportRow.listing_id.is_not(None),
            )
        ).all()
        store_batch_matches(bi.kind, ids)
    except Exception:  # noqa: BLE001 - the import is committed; sync does it later
        db.session.rollback()
        log.exception("batch matching of bulk import %s failed", bi_id)


def _sync_search() -> None:
    safe_sync()
