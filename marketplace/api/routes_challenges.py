"""/api/v1/challenges: the public board of calls (揭榜挂帅) and, with a token, the
caller's organisation's own proposals (never another organisation's)."""

from __future__ import annotations

import sqlalchemy as sa

from ..challenges.models import CallStatus, Challenge, Proposal
from ..extensions import db
from .links import Link, at, next_page
from .operations import operation
from .pagination import Key, keyset_page
from .problems import ApiProblem
from .schemas import PageQuery
from .schemas_challenges import ChallengePage, ChallengeSchema, OwnProposalPage
from .serializers_challenges import challenge_out, own_proposal_out

TAG = "challenges"
KEYS = [Key(Challenge.id, True, lambda c: c.id)]
PROPOSAL_KEYS = [Key(Proposal.id, True, lambda p: p.id)]


def _call_link(pointer: str) -> dict[str, Link]:
    return {
        "GetChallenge": Link(
            "get_challenge", "Read this call.", {"call_id": at(pointer)}
        )
    }


@operation(
    "/challenges",
    tag=TAG,
    summary="List the public calls (揭榜挂帅)",
    query=PageQuery,
    response=ChallengePage,
    links=_call_link("items/0/id") | next_page("list_challenges", PageQuery),
)
def list_challenges(user, query):
    """Calls the operator approved (drafts are never listed), newest first, with their
    stage, deadline (Beijing time) and award total in fen."""
    select = (
        sa.select(Challenge)
        .where(Challenge.status != CallStatus.DRAFT)
        .order_by(Challenge.id.desc())
    )
    page = keyset_page(select, KEYS, query.get("cursor"), query["limit"])
    page["items"] = [challenge_out(c) for c in page["items"]]
    return page


@operation(
    "/challenges/<int:call_id>",
    tag=TAG,
    summary="Read a public call",
    response=ChallengeSchema,
)
def get_challenge(user, call_id):
    """A draft call is not found through the API, whoever asks."""
    call = db.session.get(Challenge, call_id)
    if call is None or not call.is_public:
        raise ApiProblem(404)
    return challenge_out(call)


@operation(
    "/challenges/proposals/mine",
    tag=TAG,
    summary="The caller's organisation's own proposals",
    query=PageQuery,
    response=OwnProposalPage,
    links=_call_link("items/0/challenge_id")
    | next_page("my_challenge_proposals", PageQuery),
)
def my_challenge_proposals(user, query):
    """Only proposals submitted by the token user's own organisation, newest first;
    without an organisation the list is empty."""
    if not user.organization_id:
        return {"items": [], "next_cursor": None}
    select = (
        sa.select(Proposal)
        .where(Proposal.organization_id == user.organization_id)
        .order_by(Proposal.id.desc())
    )
    page = keyset_page(
        select,
        PROPOSAL_KEYS,
        query.get("cursor"),
        query["limit"],
        visible=lambda p: p.organization_id == user.organization_id,
    )
    page["items"] = [own_proposal_out(p) for p in page["items"]]
    return page
