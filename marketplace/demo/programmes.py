"""Demo data of the programmes: a service provider, its catalogue and an instrument.

Everything goes through the services' own functions (as the provider's staff and the
operator would do it); a second run finds each row by its name and creates nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..accounts.models import User
from ..core.timeutil import today_shanghai
from ..extensions import db
from ..services import instruments, providers
from ..services.models import Accreditation, Instrument, Offering
from ..vouchers import eligibility
from .loader import DATA, _org, _user


def seed_programmes() -> dict[str, int]:
    """Create whatever of the programmes' demo data is missing; returns what was new."""
    data = json.loads((DATA / "programmes.json").read_text(encoding="utf-8"))
    operator = db.session.scalar(
        sa.select(User).where(User.email == data["operator"].lower())
    )
    created = {"providers": 0, "offerings": 0, "instruments": 0}
    for rec in data["providers"]:
        org = _org(rec["organization"])
        db.session.flush()
        staff = _user(rec["user"], {org.name: org})
        db.session.flush()
        provider = providers.provider_of(org.id)
        if provider is None:
            provider = providers.save_profile(
                staff, rec["kind"], rec["description"], rec["fields"], rec["town"]
            )
            created["providers"] += 1
        _accreditations(staff, provider, rec["accreditations"])
        created["offerings"] += _offerings(staff, provider, rec["offerings"])
        created["instruments"] += _instruments(staff, org.id, rec["instruments"])
        if operator is not None and not eligibility.is_eligible(org.id):
            eligibility.set_eligibility(operator, org, True, rec["voucher_reason"])
    db.session.flush()
    return created


def _accreditations(staff, provider, recs: list[dict[str, Any]]) -> None:
    today = today_shanghai()
    for rec in recs:
        exists = db.session.scalar(
            sa.select(Accreditation.id).where(
                Accreditation.provider_id == provider.id,
                Accreditation.scheme == rec["scheme"],
                Accreditation.number == rec["number"],
            )
        )
        if exists is None:
            providers.add_accreditation(
                staff,
                provider,
                rec["scheme"],
                rec["number"],
                today + timedelta(days=rec["valid_from_days"]),
                today + timedelta(days=rec["valid_until_days"]),
            )


def _offerings(staff, provider, recs: list[dict[str, Any]]) -> int:
    new = 0
    for rec in recs:
        exists = db.session.scalar(
            sa.select(Offering.id).where(
                Offering.provider_id == provider.id, Offering.name == rec["name"]
            )
        )
        if exists is None:
            providers.add_offering(staff, provider, **rec)
            new += 1
    return new


def _instruments(staff, org_id: int, recs: list[dict[str, Any]]) -> int:
    new = 0
    for rec in recs:
        exists = db.session.scalar(
            sa.select(Instrument.id).where(
                Instrument.owner_org_id == org_id, Instrument.name == rec["name"]
            )
        )
        if exists is None:
            instruments.add_instrument(staff, **rec)
            new += 1
    return new
