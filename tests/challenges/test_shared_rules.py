"""A call's panel work follows the rules every panel shares (experts/blind.py): the
experts' texts (comment, opinion, dissent, the tie-break reason) stop at the same
length, with the same message, and nothing is saved past it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.challenges import judging, opinion
from marketplace.challenges.models import Dissent, PanelOpinion, Score
from marketplace.core.errors import ValidationFailed
from marketplace.experts.blind import TEXT_MAX

from .conftest import past_deadline, submit

LONG = "长" * (TEXT_MAX + 1)


def _refused(field, fn, *args):
    with pytest.raises(ValidationFailed) as err:
        fn(*args)
    assert err.value.errors == [(field, f"内容不能超过 {TEXT_MAX} 字。")]


def test_texts_past_the_shared_limit_are_refused_and_saved_nowhere(db, cast, call):
    a = submit(db, cast.solver_a, call).proposal
    b = submit(db, cast.solver_b, call).proposal
    past_deadline(db, call)
    _refused("comment", judging.score_proposal, cast.e1, a, [80, 80], LONG)
    assert db.session.scalar(sa.select(sa.func.count(Score.id))) == 0
    judging.score_proposal(cast.e1, a, [80, 80], "长" * TEXT_MAX)
    judging.score_proposal(cast.e1, b, [80, 80])
    db.session.commit()

    _refused("reason", judging.break_tie, cast.broker, call, a.id, LONG)
    _refused("opinion", opinion.write_opinion, cast.e1, call, LONG)
    assert opinion.opinion_of(call) is None
    opinion.write_opinion(cast.e1, call, "  推荐甲方案。 ")
    assert db.session.scalar(sa.select(PanelOpinion.opinion)) == "推荐甲方案。"
    _refused("dissent", opinion.record_dissent, cast.e2, call, LONG)
    assert db.session.scalar(sa.select(sa.func.count(Dissent.id))) == 0
