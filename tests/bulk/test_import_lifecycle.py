"""Imports move a listing's status through the lifecycle table, as the market's `import`:
what the table does not allow is refused with a reason, and the table alone decides."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement
from marketplace.bulk.checks import status_choices
from marketplace.bulk.importer import import_records
from marketplace.bulk.models import BulkImport
from marketplace.core.audit import AuditEntry
from marketplace.core.errors import InvalidTransition
from marketplace.listings.lifecycle import (
    ACHIEVEMENT_FLOW,
    NEW,
    ListingStatus,
    import_action,
)
from marketplace.listings.services import check_import

from .conftest import ach_row, csv_bytes

ORG = "浙江工业大学"


def _row(ref: str, title: str = "PVD镀层附着力提升工艺") -> dict:
    return {
        "kind": "achievement",
        "organization": ORG,
        "external_ref": ref,
        "title": title,
        "summary": "PVD镀层附着力达5B",
        "field": "surface_treatment",
    }


def _statuses(db) -> dict[str, str]:
    db.session.expire_all()
    return {
        a.external_ref: str(a.status)
        for a in db.session.scalars(sa.select(Achievement))
    }


def test_reimporting_a_withdrawn_listing_as_published_is_refused(
    db, create_org, create_achievement
):
    org = create_org(name=ORG, type=OrgType.UNIVERSITY)
    create_achievement(org=org, external_ref="W-1", status=ListingStatus.WITHDRAWN)
    report = import_records(enumerate([_row("W-1", "新标题"), _row("N-1")], start=2))
    db.session.commit()
    assert report.errors == [(2, ["该成果当前为“已撤回”，导入不能将其改为“已发布”。"])]
    assert (report.created, report.updated) == (1, 0)
    assert _statuses(db) == {"W-1": "withdrawn", "N-1": "published"}
    assert (
        db.session.scalar(
            sa.select(Achievement.title).where(Achievement.external_ref == "W-1")
        )
        != "新标题"
    )  # nothing of the refused row was written


def test_the_preview_refuses_what_the_table_does_not_allow(
    client, login, db, create_org, create_user, create_achievement, upload
):
    org = create_org(name=ORG, type=OrgType.UNIVERSITY)
    create_achievement(org=org, external_ref="W-1", status=ListingStatus.WITHDRAWN)
    login(create_user(role=Role.OPERATOR))
    bi = upload(
        csv_bytes([ach_row("W-1", "甲", org=ORG), ach_row("N-1", "乙", org=ORG)]),
        status="published",
    )
    assert (bi.new_rows, bi.update_rows, bi.error_rows) == (1, 0, 1)
    page = client.get(f"/bulk/{bi.id}").get_data(as_text=True)
    assert "导入不能将其改为“已发布”" in page
    client.post(f"/bulk/{bi.id}/confirm")
    assert _statuses(db) == {"W-1": "withdrawn", "N-1": "published"}


def test_the_lifecycle_table_decides_what_an_import_may_create(
    client, login, db, create_org, create_user, upload, monkeypatch
):
    """Only the table changes here: without its row, nothing can be imported as
    published, by the command or on the page."""
    create_org(name=ORG, type=OrgType.UNIVERSITY)
    operator = create_user(role=Role.OPERATOR)
    assert ListingStatus.PUBLISHED in status_choices(operator, "achievement")
    monkeypatch.delitem(
        ACHIEVEMENT_FLOW.table, (NEW, import_action(ListingStatus.PUBLISHED))
    )
    with pytest.raises(InvalidTransition, match="导入不能新建状态为“已发布”的成果"):
        check_import("achievement", ListingStatus.PUBLISHED)
    report = import_records(enumerate([_row("N-1"), _row("N-2")], start=2))
    assert report.created == 0
    assert report.errors == [
        (line, ["导入不能新建状态为“已发布”的成果。"]) for line in (2, 3)
    ]
    assert _statuses(db) == {}
    assert status_choices(operator, "achievement") == (
        ListingStatus.DRAFT,
        ListingStatus.IN_REVIEW,
    )
    login(operator)
    resp = upload(csv_bytes([ach_row("N-1", "甲", org=ORG)]), status="published")
    assert resp.status_code == 422  # the page no longer offers the status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BulkImport)) == 0


def test_each_imported_listing_has_its_audit_entry(
    db, create_org, client, login, create_user, upload
):
    create_org(name=ORG, type=OrgType.UNIVERSITY)
    report = import_records(enumerate([_row("N-1"), _row("N-2")], start=2))
    db.session.commit()
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "achievement.import_published")
    ).all()
    assert sorted(e.object_id for e in entries) == sorted(i for _k, i in report.ids)
    assert {(e.actor_id, e.object_type) for e in entries} == {(None, "achievement")}
    assert entries[0].detail == {"from_status": "new", "to_status": "published"}

    operator = create_user(role=Role.OPERATOR)
    login(operator)
    bi = upload(csv_bytes([ach_row("D-1", "甲", org=ORG)]), status="draft")
    client.post(f"/bulk/{bi.id}/confirm")
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "achievement.import_draft")
    )
    assert entry.actor_id == operator.id
    assert entry.detail == {"from_status": "new", "to_status": "draft"}
