"""Bulk loading of listings from clean records: create, or update by external_ref."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Organization, OrgType, Verification
from ..achievements.models import Achievement, Inventor
from ..achievements.services import EDITABLE_FIELDS as ACHIEVEMENT_EDITABLE
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.lifecycle import NEW, ListingStatus, NeedStatus, import_action
from ..listings.records import RecordError, clean_record
from ..listings.services import (
    apply_listing_action,
    check_import,
    record_imports,
    status_columns,
)
from ..needs.models import Need, NeedTranslation
from ..needs.services import NEED_FIELDS as NEED_EDITABLE
from ..search.bulkwork import record_bulk_changes

# external_ref is the import's key, set when the listing is created.
ACHIEVEMENT_FIELDS = tuple(f for f in ACHIEVEMENT_EDITABLE if f != "external_ref")
# A need's field and keywords follow its translation.
NEED_FIELDS = (*(f for f in NEED_EDITABLE if f != "external_ref"), "field", "keywords")
TRANSLATION_FIELDS = (
    "technical_problem",
    "indicators",
    "existing_conditions",
    "field",
    "keywords",
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.created + self.updated + self.unchanged


def find_org(name: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.name == name))


def create_verified_org(
    name: str, kind: str, org_type: str | None = None
) -> Organization:
    """An operator's bulk load vouches for the organisations it names."""
    default = OrgType.FIRM if kind == "need" else OrgType.INSTITUTE
    try:
        otype = OrgType(org_type) if org_type else default
    except ValueError:
        otype = default
    org = Organization(
        name=name[:120],
        type=otype,
        verification=Verification.VERIFIED,
        verified_at=utcnow(),
    )
    db.session.add(org)
    db.session.flush()
    return org


def _existing(model, org: Organization, external_ref: str | None):
    if not external_ref or org.id is None:
        return None
    return db.session.scalar(
        sa.select(model).where(
            model.organization_id == org.id, model.external_ref == external_ref
        )
    )


def upsert_listing(
    clean: dict[str, Any],
    org: Organization,
    *,
    status: str | None = None,
    update_existing: bool = True,
    broker=None,
    actor=None,
) -> tuple[Any, str]:
    """Create the listing, or update the one with the same (organisation, external_ref).

    Its status moves by the market's `import` through the lifecycle table (InvalidTransition
    when the table has no such move, e.g. re-importing a withdrawn listing as published);
    `actor` is whoever runs the import, for the audit entry (None: a command).
    Returns (listing, "created" | "updated" | "unchanged").
    """
    kind = clean["kind"]
    model = Achievement if kind == "achievement" else Need
    listing = _existing(model, org, clean.get("external_ref"))
    if listing is not None and not update_existing:
        return listing, "unchanged"
    target = status or clean.get("status") or ListingStatus.PUBLISHED
    source = NEW if listing is None else str(listing.status)
    if source != target:  # refused before anything changes
        check_import(kind, target, source)
    outcome = "updated"
    if listing is None:
        listing = model(organization=org, external_ref=clean.get("external_ref"))
        db.session.add(listing)
        outcome = "created"
    for name in ACHIEVEMENT_FIELDS if kind == "achievement" else NEED_FIELDS:
        setattr(listing, name, clean.get(name))
    now = utcnow()
    if kind == "achievement":
        listing.inventors = [
            Inventor(name=p["name"], share_percent=p["share"], position=i)
            for i, p in enumerate(clean.get("inventors") or [])
        ]
    else:
        _sync_translation(listing, clean["translation"], target, broker, now)
    if source != target:
        apply_listing_action(
            listing, import_action(target), actor, now=now, system=True
        )
    listing.updated_at = now
    db.session.flush()
    return listing, outcome


def _sync_translation(need: Need, tr: dict[str, Any], status: str, broker, now) -> None:
    if status in (NeedStatus.DRAFT, NeedStatus.SUBMITTED):
        return
    need.broker = need.broker or broker
    current = need.current_translation
    if current is not None and all(
        getattr(current, k) == tr[k] for k in TRANSLATION_FIELDS
    ):
        return
    version = (current.version + 1) if current else 1
    approved = status in (NeedStatus.APPROVED, NeedStatus.PUBLISHED)
    need.translations.append(
        NeedTranslation(
            version=version,
            author=broker,
            approved_at=now if approved else None,
            **{k: tr[k] for k in TRANSLATION_FIELDS},
        )
    )


#: Rows written per INSERT batch (executemany) by import_records.
BATCH = 1000


def import_records(
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    create_orgs: bool = False,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Import (line number, raw record) pairs; each good row is saved, each bad one reported.

    New listings are written in batches (one executemany INSERT per table), with
    one search outbox row each, marked done: a bulk job matches and alerts in
    batch afterwards (search.bulkwork.finish_bulk_job), never listing by listing.
    A row naming an existing (organisation, external_ref) updates that listing
    through the ORM, in its own savepoint. A bad row leaves nothing behind.
    The caller commits, then calls finish_bulk_job with ``report.ids``.
    """
    report = ImportReport()
    orgs: dict[str, Organization | None] = {}
    pending: list[tuple[int, dict[str, Any], Organization]] = []
    keys: set[tuple[str, int, str]] = set()

    def flush() -> None:
        if pending:
            _write_batch(pending, report)
            pending.clear()
            keys.clear()

    for line, raw in rows:
        try:
            if "__error__" in raw:
                raise RecordError([raw["__error__"]])
            clean = clean_record(raw)
            name = clean["organization"]
            org = orgs[name] if name in orgs else orgs.setdefault(name, find_org(name))
            if org is None:
                if not create_orgs:
                    raise RecordError(
                        [
                            _(
                                "机构不存在：%(name)s（可使用 --create-orgs 自动创建）",
                                name=clean["organization"],
                            )
                        ]
                    )
                org = orgs[name] = create_verified_org(
                    name, clean["kind"], str(raw.get("organization_type") or "") or None
                )
            ref = clean.get("external_ref")
            if ref:
                key = (clean["kind"], org.id, ref)
                if key in keys:  # twice in one batch: the second one updates
                    flush()
                keys.add(key)
            pending.append((line, clean, org))
            if len(pending) >= batch:
                flush()
        except RecordError as exc:
            report.errors.append((line, exc.reasons))
        if progress:
            progress(1)
    flush()
    report.errors.sort(key=lambda e: e[0])
    return report


def _write_batch(
    pending: list[tuple[int, dict[str, Any], Organization]], report: ImportReport
) -> None:
    """Create the batch's new listings in bulk; update the existing ones one by one.
    Each is published by the market's `import`, as the lifecycle table allows."""
    for kind, model in (("achievement", Achievement), ("need", Need)):
        items = [(n, c, o) for n, c, o in pending if c["kind"] == kind]
        if not items:
            continue
        refs = {c["external_ref"] for _n, c, _o in items if c.get("external_ref")}
        existing: set[tuple[int, str]] = set()
        if refs:
            # Both columns, in the order of the unique index: an index lookup.
            org_ids = {o.id for _n, c, o in items if c.get("external_ref")}
            existing = {
                (org_id, ref)
                for org_id, ref in db.session.execute(
                    sa.select(model.organization_id, model.external_ref).where(
                        model.organization_id.in_(org_ids),
                        model.external_ref.in_(refs),
                    )
                )
            }
        new = []
        for line, clean, org in items:
            if not (
                clean.get("external_ref")
                and (org.id, clean["external_ref"]) in existing
            ):
                new.append((line, clean, org))
                continue
            try:
                with db.session.begin_nested():
                    listing, outcome = upsert_listing(
                        clean, org, status=ListingStatus.PUBLISHED
                    )
            except InvalidTransition as exc:
                report.errors.append((line, [str(exc)]))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.ids.append((kind, listing.id))
        if not new:
            continue
        try:
            t = check_import(kind, ListingStatus.PUBLISHED)
        except InvalidTransition as exc:
            report.errors.extend((line, [str(exc)]) for line, _c, _o in new)
            continue
        now = utcnow()
        ids = _insert_new(kind, [(c, o) for _n, c, o in new], status_columns(t, now))
        record_imports(t, model.__table__, ids, None, now)
        record_bulk_changes([(kind, i) for i in ids])
        report.created += len(ids)
        report.ids.extend((kind, i) for i in ids)


def _insert_new(
    kind: str,
    items: list[tuple[dict[str, Any], Organization]],
    columns: dict[str, Any],
) -> list[int]:
    """INSERT the listings (and their inventors or translation) in one statement
    per table; returns their ids in order. `columns`: the status and timestamps
    the lifecycle's import transition sets (listings.services.status_columns)."""
    now = columns["updated_at"]
    model = Achievement if kind == "achievement" else Need
    names = ACHIEVEMENT_FIELDS if kind == "achievement" else NEED_FIELDS
    rows = [
        {
            **{n: clean.get(n) for n in names},
            "organization_id": org.id,
            "external_ref": clean.get("external_ref"),
            "created_at": now,
            **columns,
        }
        for clean, org in items
    ]
    ids = _insert_returning_ids(model.__table__, rows)
    if kind == "achievement":
        children = [
            {
                "achievement_id": listing_id,
                "name": p["name"],
                "share_percent": p["share"],
                "position": i,
            }
            for listing_id, (clean, _org) in zip(ids, items, strict=True)
            for i, p in enumerate(clean.get("inventors") or [])
        ]
        child_table = Inventor.__table__
    else:
        children = [
            {
                "need_id": listing_id,
                "version": 1,
                "author_id": None,
                "approved_at": now,
                "created_at": now,
                **{k: clean["translation"][k] for k in TRANSLATION_FIELDS},
            }
            for listing_id, (clean, _org) in zip(ids, items, strict=True)
        ]
        child_table = NeedTranslation.__table__
    if children:
        db.session.execute(sa.insert(child_table), children)
    return ids


def _insert_returning_ids(table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """One executemany INSERT of `rows`; their new ids, in the order of `rows`.

    PostgreSQL returns them (RETURNING, in parameter order). SQLite would fall back
    to one statement per row for that, so there the rows go in one plain
    executemany and the ids are read after it: SQLite gives each new row the
    largest id plus one, and this transaction holds the write lock from the
    INSERT to its commit, so the batch's ids are the last len(rows) ones.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Ids drawn from the table's sequence first, then one plain executemany:
        # much cheaper than RETURNING in parameter order.
        seq = sa.func.pg_get_serial_sequence(table.name, "id")
        ids = list(
            db.session.scalars(
                sa.select(sa.func.nextval(seq)).select_from(
                    sa.func.generate_series(1, len(rows))
                )
            )
        )
        db.session.execute(
            sa.insert(table),
            [{**r, "id": i} for r, i in zip(rows, ids, strict=True)],
        )
        return ids
    if db.session.get_bind().dialect.name != "sqlite":
        result = db.session.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())
    db.session.execute(sa.insert(table), rows)
    top = db.session.scalar(sa.select(sa.func.max(table.c.id)))
    ids = list(range(top - len(rows) + 1, top + 1))
    held = db.session.scalar(
        sa.select(sa.func.count()).where(table.c.id.between(ids[0], ids[-1]))
    )
    if held != len(rows):  # pragma: no cover - ids not contiguous: never in SQLite
        raise RuntimeError(f"bulk insert into {table.name}: ids not contiguous")
    return ids
