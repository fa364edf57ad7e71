"""Demo data of the open challenges: three invited experts with their fields, a panel,
and an approved call (揭榜挂帅) from a published need, with a public Q&A.

Through the services' own functions (as the operator and the broker would do it); a
second run finds each row by its name and creates nothing. Run after the search index
is in sync, so that approving the call invites the solvers the matcher proposes.
"""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, Role, User
from ..challenges import questions, services
from ..challenges.models import Challenge
from ..core.timeutil import utcnow
from ..experts import services as experts
from ..experts.models import Panel
from ..extensions import db
from ..needs.models import Need
from .loader import DATA, _user


def _by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.lower()))


def seed_challenges() -> dict[str, int]:
    """Create whatever of the challenges' demo data is missing; returns what was new."""
    data = json.loads((DATA / "challenges.json").read_text(encoding="utf-8"))
    operator, broker = _by_email(data["operator"]), _by_email(data["broker"])
    created = {"experts": 0, "panels": 0, "calls": 0}
    if operator is None or broker is None:
        return created
    for rec in data["experts"]:
        if _by_email(rec["email"]) is None:
            created["experts"] += 1
        expert = _user({**rec, "role": Role.EXPERT}, {})
        db.session.flush()
        if experts.profile_of(expert.id) is None:
            experts.update_profile(
                operator,
                expert,
                fields=rec["fields"],
                title=rec["title"],
                affiliation=rec["affiliation"],
            )
        for name in rec["ties"]:
            org = db.session.scalar(
                sa.select(Organization).where(Organization.name == name)
            )
            if org is not None:
                experts.declare_tie(expert, org.id)
    panel = db.session.scalar(
        sa.select(Panel).where(Panel.name == data["panel"]["name"])
    )
    if panel is None:
        members = [_by_email(r["email"]) for r in data["experts"]]
        panel = experts.create_panel(
            operator,
            name=data["panel"]["name"],
            chair_id=_by_email(data["panel"]["chair"]).id,
            member_ids=[m.id for m in members],
        )
        created["panels"] += 1
    created["calls"] += _call(data["call"], operator, broker, panel)
    db.session.flush()
    return created


def _call(rec: dict, operator: User, broker: User, panel: Panel) -> int:
    if db.session.scalar(
        sa.select(Challenge.id).where(Challenge.title == rec["title"])
    ):
        return 0
    need = db.session.scalar(sa.select(Need).where(Need.title == rec["need"]))
    if need is None or not need.is_public:
        return 0
    translation = need.approved_translation or need.current_translation
    call = services.prepare_call(
        broker,
        need,
        {
            "title": rec["title"],
            "problem": translation.technical_problem if translation else need.title,
            "indicators": list(translation.indicators or []) if translation else [],
            "eligible_org_types": rec["eligible_org_types"],
            "region": rec["region"],
            "trl_min": rec["trl_min"],
            "deadline_at": utcnow() + timedelta(days=rec["deadline_days"]),
            "awards": rec["awards"],
            "criteria": rec["criteria"],
            "panel_id": panel.id,
        },
    )
    services.approve_call(operator, call)
    q = rec.get("question")
    author = _by_email(q["author"]) if q else None
    if author is not None:
        question = questions.ask_question(author, call, q["body"])
        questions.answer_question(broker, question, q["answer"])
    return 1
