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
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.records import RecordError, clean_record
from ..needs.models import Need, NeedTranslation
from ..needs.services import NEED_FIELDS as NEED_EDITABLE

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
) -> tuple[Any, str]:
    """Create the listing, or update the one with the same (organisation, external_ref).

    Returns (listing, "created" | "updated" | "unchanged").
    """
    kind = clean["kind"]
    model = Achievement if kind == "achievement" else Need
    listing = _existing(model, org, clean.get("external_ref"))
    outcome = "updated"
    if listing is None:
        listing = model(organization=org, external_ref=clean.get("external_ref"))
        db.session.add(listing)
        outcome = "created"
    elif not update_existing:
        return listing, "unchanged"
    for name in ACHIEVEMENT_FIELDS if kind == "achievement" else NEED_FIELDS:
        setattr(listing, name, clean.get(name))
    now = utcnow()
    target = status or clean.get("status") or "published"
    if kind == "achievement":
        listing.inventors = [
            Inventor(name=p["name"], share_percent=p["share"], position=i)
            for i, p in enumerate(clean.get("inventors") or [])
        ]
    else:
        _sync_translation(listing, clean["translation"], target, broker, now)
    if str(listing.status or "") != target:
        listing.status = target
        if target != "draft":
            listing.submitted_at = listing.submitted_at or now
        if target == "published":
            listing.published_at = now
    listing.updated_at = now
    db.session.flush()
    return listing, outcome


def _sync_translation(need: Need, tr: dict[str, Any], status: str, broker, now) -> None:
    if status in ("draft", "submitted"):
        return
    need.broker = need.broker or broker
    current = need.current_translation
    if current is not None and all(
        getattr(current, k) == tr[k] for k in TRANSLATION_FIELDS
    ):
        return
    version = (current.version + 1) if current else 1
    approved = status in ("approved", "published")
    need.translations.append(
        NeedTranslation(
            version=version,
            author=broker,
            approved_at=now if approved else None,
            **{k: tr[k] for k in TRANSLATION_FIELDS},
        )
    )


def import_records(
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    create_orgs: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import (line number, raw record) pairs; each good row is saved, each bad one reported.

    Every row runs in its own savepoint, so a row that fails leaves nothing behind.
    The caller commits.
    """
    report = ImportReport()
    orgs: dict[str, Organization | None] = {}
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
            with db.session.begin_nested():
                listing, outcome = upsert_listing(clean, org, status="published")
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.ids.append((clean["kind"], listing.id))
        except RecordError as exc:
            report.errors.append((line, exc.reasons))
        if progress:
            progress(1)
    return report
