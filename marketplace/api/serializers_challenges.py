"""Calls and own proposals as the API shows them: only what the public board shows (the
published results of a decided call included), and a proposal only to its own
organisation (the route filters by it)."""

from __future__ import annotations

from datetime import UTC

from ..challenges.models import Challenge, Proposal, Stage
from ..core.timeutil import SHANGHAI


def beijing_iso(moment) -> str:
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).isoformat()


def challenge_out(call: Challenge) -> dict:
    awards = [
        {"grade": str(a.get("grade", "")), "amount_fen": int(a.get("amount_fen", 0))}
        for a in call.awards or []
    ]
    return {
        "id": call.id,
        "title": call.title,
        "problem": call.problem,
        "stage": str(call.stage()),
        "deadline": beijing_iso(call.deadline_at),
        "award_total_fen": sum(a["amount_fen"] for a in awards),
        "awards": awards,
        "indicators": [
            {
                "name": str(i.get("name", "")),
                "target": str(i.get("target", "")),
                "unit": str(i.get("unit", "")),
            }
            for i in call.indicators or []
        ],
        "criteria": [
            {"name": str(c.get("name", "")), "weight": int(c.get("weight", 0))}
            for c in call.criteria or []
        ],
        "eligible_org_types": list(call.eligible_org_types or []),
        "region": call.region or "",
        "trl_min": call.trl_min,
        "results": results_out(call),
    }


def results_out(call: Challenge) -> dict | None:
    """The published results, as the public board shows them: for an awarded call the
    winners' organisations with grade and amount (in the order of the call's prize
    grades), for a call without a winner the reason; None before the decision. Never
    a losing proposal, nor any proposal's text, scores or ranking."""
    stage = call.stage()
    if stage not in (Stage.AWARDED, Stage.NO_WINNER):
        return None
    winners = []
    if stage == Stage.AWARDED:
        order = {str(a.get("grade", "")): i for i, a in enumerate(call.awards or [])}
        picked = [p for p in call.proposals if p.award_grade]
        picked.sort(key=lambda p: (order.get(p.award_grade, len(order)), p.id))
        winners = [
            {
                "organization": {"id": p.organization_id, "name": p.organization.name},
                "grade": p.award_grade,
                "amount_fen": p.award_fen,
            }
            for p in picked
        ]
    return {
        "decided_at": beijing_iso(call.decided_at) if call.decided_at else None,
        "winners": winners,
        "no_winner_reason": call.no_winner_reason if stage == Stage.NO_WINNER else None,
    }


def own_proposal_out(p: Proposal) -> dict:
    current = p.current
    return {
        "id": p.id,
        "challenge_id": p.challenge_id,
        "challenge_title": p.challenge.title,
        "stage": str(p.challenge.stage()),
        "version": current.version,
        "submitted_at": current.submitted_at,
        "approach": current.approach,
        "budget_fen": current.budget_fen,
        "award_grade": p.award_grade,
        "award_fen": p.award_fen,
        "deal_id": p.deal_id,
    }
