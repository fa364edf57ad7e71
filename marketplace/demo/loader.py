"""Loads the demo market (organisations, people, achievements, needs) idempotently."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa

from ..accounts.models import Organization, OrgType, Role, User, Verification
from ..bulk.importer import upsert_listing
from ..core.timeutil import utcnow
from ..deals.models import Deal
from ..deals.services import apply_action
from ..deals.starting import express_interest
from ..extensions import db
from ..listings.records import clean_record
from ..search.models import ListingMatch

DATA = resources.files(__package__) / "data"


def read(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _org(rec: dict[str, Any]) -> Organization:
    org = db.session.scalar(
        sa.select(Organization).where(Organization.name == rec["name"])
    )
    if org is not None:
        return org
    verified = rec.get("verification", "verified") == "verified"
    org = Organization(
        name=rec["name"],
        name_en=rec.get("name_en"),
        type=OrgType(rec["type"]),
        credit_code=rec.get("credit_code"),
        address=rec.get("address", ""),
        contact_name=rec.get("contact_name", ""),
        contact_phone=rec.get("contact_phone", ""),
        contact_email=rec.get("contact_email", ""),
        state_funded=bool(rec.get("state_funded")),
        verification=Verification.VERIFIED if verified else Verification.PENDING,
        verified_at=utcnow() if verified else None,
    )
    db.session.add(org)
    return org


def _user(rec: dict[str, Any], orgs: dict[str, Organization]) -> User:
    email = rec["email"].lower()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is not None:
        return user
    user = User(
        email=email,
        name=rec["name"],
        role=Role(rec["role"]),
        organization=orgs.get(rec.get("org") or ""),
        broker_fields=list(rec.get("fields") or []),
    )
    user.set_password(rec["password"])
    db.session.add(user)
    return user


def seed_demo(progress=None) -> dict[str, int]:
    """Create whatever of the demo data is missing; existing rows are left untouched."""
    orgs = {rec["name"]: _org(rec) for rec in read("organizations.json")}
    db.session.flush()
    users = [_user(rec, orgs) for rec in read("users.json")]
    db.session.flush()
    brokers = [u for u in users if u.role == Role.BROKER]
    listings = [("achievement", r) for r in read("achievements.json")] + [
        ("need", r) for r in read("needs.json")
    ]
    created = 0
    now = utcnow()
    for i, (kind, rec) in enumerate(listings):
        clean = clean_record({**rec, "kind": kind})
        org = orgs[clean["organization"]]
        broker = _broker_for(brokers, clean.get("field"), i)
        listing, outcome = upsert_listing(
            clean, org, update_existing=False, broker=broker if kind == "need" else None
        )
        if outcome == "created":
            created += 1
            _spread_in_time(listing, i, now)
        if progress:
            progress(1)
    db.session.flush()
    from .programmes import seed_programmes  # it reuses this module's helpers

    seed_programmes()
    return {
        "organizations": len(orgs),
        "users": len(users),
        "listings_created": created,
    }


def _broker_for(brokers: list[User], field: str | None, i: int) -> User | None:
    covering = [b for b in brokers if field and field in (b.broker_fields or [])]
    pool = covering or brokers
    return pool[i % len(pool)] if pool else None


def _spread_in_time(listing, i: int, now) -> None:
    """Demo listings look like a market that has run for months, not one second."""
    when = now - timedelta(days=(i * 37) % 240, hours=(i * 7) % 24)
    listing.created_at = when
    listing.updated_at = when
    if listing.submitted_at:
        listing.submitted_at = when + timedelta(hours=2)
    if listing.published_at:
        listing.published_at = when + timedelta(days=1)
    if listing.valid_until is None and str(listing.status) == "published":
        listing.valid_until = date(now.year + 1, 12, 31)


#: How far the broker has taken each demo deal (actions from the deal pipeline).
DEMO_DEAL_STEPS = (
    (),
    ("start_matchmaking",),
    ("start_matchmaking", "start_evaluation"),
    ("start_matchmaking", "skip_evaluation"),
    ("start_matchmaking",),
    (),
)


def seed_demo_deals() -> int:
    """A few deals in the queue, started from the best stored matches: firms express
    interest in the achievement that fits their need and the broker moves some on.

    Needs the stored matches (run after the search sync). Idempotent: an open deal
    between the same organisations about the same achievement is not started again.
    """

    pairs = db.session.execute(
        sa.select(ListingMatch)
        .order_by(ListingMatch.score.desc(), ListingMatch.id)
        .limit(40)
    ).scalars()
    created, seen_needs = 0, set()
    for match in pairs:
        if len(seen_needs) == len(DEMO_DEAL_STEPS):
            break
        need, achievement = match.need, match.achievement
        if need.id in seen_needs or not (need.is_public and achievement.is_public):
            continue
        firm_user = next((u for u in need.organization.members if u.active), None)
        if firm_user is None:
            continue
        steps = DEMO_DEAL_STEPS[len(seen_needs)]
        seen_needs.add(need.id)
        message = (
            f"我们的需求“{need.title}”与贵方成果高度相关，希望进一步沟通合作方式。"
        )
        deal, is_new = express_interest(achievement, firm_user, message)
        if not is_new:
            continue
        created += 1
        broker = deal.broker
        for action in steps if broker else ():
            apply_action(db.session.get(Deal, deal.id), action, broker)
    db.session.flush()
    return created
