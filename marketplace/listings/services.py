"""Lifecycle actions on achievements and needs: the one place their status changes."""

from __future__ import annotations

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..core.workflow import Workflow
from ..extensions import db
from .lifecycle import (
    ACHIEVEMENT_FLOW,
    NEED_FLOW,
    SYSTEM,
    ListingStatus,
    NeedStatus,
)

#: Which workflow governs which model (by table name).
FLOWS: dict[str, Workflow] = {"achievements": ACHIEVEMENT_FLOW, "needs": NEED_FLOW}


def flow_of(listing) -> Workflow:
    return FLOWS[listing.__tablename__]


def available_actions(listing, user) -> list:
    """The lifecycle buttons `user` may press on `listing` now."""
    return flow_of(listing).available(
        listing, listing.effective_status, listing.parties(user)
    )


def apply_listing_action(
    listing, action: str, actor, reason: str = "", version=None, now=None, **details
):
    """Move `listing` through its lifecycle table; records timestamps and an audit entry.

    `actor` None is the market itself (SYSTEM: the expiry); it acts on the stored status,
    as a listing past its validity stays "published" until the expiry moves it.
    `version` is the updated_at the page was rendered with: when given and different,
    someone else changed the listing meanwhile and the action is refused. `details`
    go into the audit entry.
    """
    if (
        version is not None
        and listing.updated_at
        and version != listing.updated_at.isoformat()
    ):
        raise InvalidTransition(_("该条目已被他人修改，请刷新页面后重试。"))
    if actor is None:
        state, parties = str(listing.status), {SYSTEM}
    else:
        state, parties = listing.effective_status, listing.parties(actor)
    t = flow_of(listing).check(listing, state, action, parties, reason, now=now)
    now = now or utcnow()
    listing.status = t.target
    if t.target in (ListingStatus.IN_REVIEW, NeedStatus.SUBMITTED):
        listing.submitted_at = now
        listing.review_note = None
    if t.target == ListingStatus.PUBLISHED:
        listing.published_at = now
        listing.review_note = None
    if t.needs_reason:
        listing.review_note = reason.strip()
    listing.updated_at = now
    audit.record(
        actor,
        f"{listing.__tablename__[:-1]}.{action}",
        listing,
        from_status=state,
        to_status=str(t.target),
        reason=reason.strip() or None,
        **details,
    )
    db.session.flush()
    return t
