"""Open calls (揭榜挂帅) on the dashboard: calls by stage, proposals per call, awards and
how many awards became deals. The calls counted are those prepared in the period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..challenges.models import Challenge, Proposal, Stage
from ..core.timeutil import utcnow
from ..extensions import db
from .kpis import Period


@dataclass
class CallRow:
    id: int
    title: str
    stage: str
    proposals: int
    winners: int
    award_fen: int
    deals: int


@dataclass
class ChallengeStats:
    by_stage: dict[str, int] = field(default_factory=dict)
    calls: list[CallRow] = field(default_factory=list)

    @property
    def total_calls(self) -> int:
        return len(self.calls)

    @property
    def proposals(self) -> int:
        return sum(c.proposals for c in self.calls)

    @property
    def proposals_per_call(self) -> float | None:
        return round(self.proposals / len(self.calls), 1) if self.calls else None

    @property
    def awards(self) -> int:
        return sum(c.winners for c in self.calls)

    @property
    def award_fen(self) -> int:
        return sum(c.award_fen for c in self.calls)

    @property
    def deals(self) -> int:
        return sum(c.deals for c in self.calls)

    @property
    def deal_conversion(self) -> float | None:
        """Awarded proposals that became a deal, as a percentage (one decimal)."""
        return round(self.deals * 100 / self.awards, 1) if self.awards else None


def challenge_stats(p: Period) -> ChallengeStats:
    now = utcnow()
    calls = list(
        db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.created_at >= p.lo, Challenge.created_at < p.hi)
            .order_by(Challenge.id)
        )
    )
    per_call: dict[int, list[Proposal]] = {c.id: [] for c in calls}
    if calls:
        for proposal in db.session.scalars(
            sa.select(Proposal).where(Proposal.challenge_id.in_(list(per_call)))
        ):
            per_call[proposal.challenge_id].append(proposal)
    stages = Counter(str(c.stage(now)) for c in calls)
    stats = ChallengeStats(by_stage={str(s): stages.get(str(s), 0) for s in Stage})
    for c in calls:
        proposals = per_call[c.id]
        winners = [x for x in proposals if x.award_fen is not None]
        stats.calls.append(
            CallRow(
                c.id,
                c.title,
                str(c.stage(now)),
                len(proposals),
                len(winners),
                sum(x.award_fen or 0 for x in winners),
                sum(1 for x in winners if x.deal_id is not None),
            )
        )
    return stats
