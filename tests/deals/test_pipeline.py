"""The transition table: every stage × action × role is allowed or refused as specified."""

from __future__ import annotations

import pytest

from marketplace.deals import pipeline
from marketplace.deals.models import DealStage

B, S, F, OP = "broker", "supplier", "firm", "operator"
ROLES = (B, S, F, OP)
STAFF = {B, OP}
ALL = {B, S, F, OP}
PRE = ("interest", "matchmaking", "evaluation", "negotiation", "public_notice")
POST = ("contract_signed", "registered", "performing")

#: (stage, action) → roles allowed; anything absent is refused for everyone.
EXPECTED = {
    ("interest", "start_matchmaking"): STAFF,
    ("matchmaking", "start_evaluation"): STAFF,
    ("matchmaking", "skip_evaluation"): STAFF,
    ("evaluation", "finish_evaluation"): STAFF,
    ("negotiation", "agree_price"): STAFF,
    ("negotiation", "accept_listing"): {F},
    ("negotiation", "auction_close"): set(),
    ("public_notice", "notice_close"): set(),
    ("public_notice", "renegotiate"): STAFF,
    ("negotiation", "sign_contract"): {B, S, F},
    ("public_notice", "sign_contract"): {B, S, F},
    ("contract_signed", "register"): {B, S},
    ("registered", "start_performance"): STAFF,
    ("performing", "close"): STAFF,
    ("terminated", "reopen"): {OP},
    **{(s, "terminate"): ALL for s in PRE},
    **{(s, "terminate"): STAFF for s in POST},
}
ACTIONS = sorted({a for _s, a in EXPECTED})
CASES = [(str(s), a, r) for s in DealStage for a in ACTIONS for r in ROLES]


@pytest.mark.parametrize(("stage", "action", "role"), CASES)
def test_transition_table(stage, action, role):
    t = pipeline.FLOW.table.get((stage, action))
    allowed = role in EXPECTED.get((stage, action), set())
    assert (t is not None and role in t.roles) == allowed


def test_table_has_no_rows_beyond_the_specification():
    assert set(pipeline.FLOW.table) == set(EXPECTED)


def test_only_the_clock_takes_closing_actions():
    for key in (("negotiation", "auction_close"), ("public_notice", "notice_close")):
        assert pipeline.FLOW.table[key].roles == {pipeline.SYSTEM}


def test_terminate_and_reopen_need_a_reason():
    assert all(
        t.needs_reason
        for (s, a), t in pipeline.FLOW.table.items()
        if a in ("terminate", "reopen")
    )


def test_closed_deals_have_no_actions():
    assert not [k for k in pipeline.FLOW.table if k[0] == "closed"]
