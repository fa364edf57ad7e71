"""What /search/ shows of calls: the needs that have a public call (the engine searches
only those for the calls view) and, per need, its calls' public face (title, stage,
countdown; never a proposal, the sponsor of a confidential need or a draft).

The search package sits below this one: it asks through search.routes.register_calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..core.timeutil import utcnow
from ..extensions import db
from ..search.routes import register_calls
from .models import CallStatus, Challenge
from .services import board_query, countdown


@dataclass(frozen=True)
class CallCard:
    id: int
    need_id: int
    title: str
    stage: str  #: models.Stage value
    stage_label: str
    countdown: str  #: time left while collecting, else empty


def need_ids_with_calls() -> set[int]:
    """The needs with at least one call on the public board (one indexed query)."""
    return set(
        db.session.scalars(
            sa.select(Challenge.need_id)
            .where(Challenge.status != CallStatus.DRAFT)
            .distinct()
        )
    )


def calls_by_need(need_ids: list[int]) -> dict[int, list[CallCard]]:
    """The public calls of these needs, newest deadline first, by need id."""
    if not need_ids:
        return {}
    now = utcnow()
    out: dict[int, list[CallCard]] = {}
    for call in db.session.scalars(
        board_query().where(Challenge.need_id.in_(list(need_ids)))
    ):
        out.setdefault(call.need_id, []).append(
            CallCard(
                call.id,
                call.need_id,
                call.title,
                call.stage(now).value,
                str(call.stage_label(now)),
                countdown(call, now),
            )
        )
    return out


register_calls(need_ids_with_calls, calls_by_need)
