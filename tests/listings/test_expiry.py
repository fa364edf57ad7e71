"""The expiry moves listings through their lifecycle table, as every status change does."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.core.audit import AuditEntry
from marketplace.core.errors import PermissionDenied
from marketplace.core.timeutil import today_shanghai
from marketplace.listings.commands import expire_due
from marketplace.listings.lifecycle import ListingStatus, NeedStatus
from marketplace.listings.services import apply_listing_action, available_actions


def test_expire_is_the_markets_own_transition_with_an_audit_entry(
    db, create_achievement, create_need
):
    past = today_shanghai() - timedelta(days=1)
    due = create_achievement(valid_until=past)
    due_need = create_need(valid_until=past)
    withdrawn = create_achievement(status=ListingStatus.WITHDRAWN, valid_until=past)
    current = create_achievement(valid_until=today_shanghai())
    db.session.commit()
    assert expire_due() == 2
    db.session.commit()
    assert (due.status, due_need.status) == (ListingStatus.EXPIRED, NeedStatus.EXPIRED)
    assert withdrawn.status == ListingStatus.WITHDRAWN
    assert current.status == ListingStatus.PUBLISHED
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "achievement.expire", AuditEntry.object_id == due.id
        )
    )
    assert entry.actor_id is None
    assert entry.detail == {
        "from_status": "published",
        "to_status": "expired",
        "valid_until": past.isoformat(),
    }
    assert expire_due() == 0  # idempotent


def test_no_person_may_expire_a_listing_and_no_button_offers_it(
    db, create_achievement, create_user
):
    a = create_achievement()
    operator = create_user(Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        apply_listing_action(a, "expire", operator)
    assert "expire" not in {t.action for t in available_actions(a, operator)}
    assert a.status == ListingStatus.PUBLISHED
