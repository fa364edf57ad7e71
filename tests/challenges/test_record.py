"""Calls register their own sources with the experts' record of reviews and panel
list (challenges/record.py): a proposal an expert scored shows on /experts/reviews,
dated by the consensus revision once revised; experts/reviews.py reads no calls'
tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from marketplace.challenges import judging
from marketplace.experts import reviews
from tests.challenges.conftest import submit


def test_registered_sources_are_the_calls_own():
    assert reviews._review_sources["challenge"].__module__ == (
        "marketplace.challenges.record"
    )
    assert reviews._work_sources["challenge"].__module__ == (
        "marketplace.challenges.record"
    )
    text = Path(reviews.__file__).read_text(encoding="utf-8")
    assert "challenge_scores" not in text and "challenge_proposals" not in text


def test_a_scored_proposal_shows_in_the_record_dated_by_its_revision(
    db, client, login, cast, call
):
    a = submit(db, cast.solver_a, call).proposal
    b = submit(db, cast.solver_b, call).proposal
    call.deadline_at = datetime(2026, 11, 30)
    db.session.commit()
    login(cast.e2)
    page = client.get("/experts/reviews").text.split('id="reviews"')[1]
    assert "尚无评审记录" in page

    judging.score_proposal(cast.e2, b, [50, 50], now=datetime(2026, 12, 1, 2, 30))
    judging.score_proposal(cast.e1, b, [90, 90], now=datetime(2026, 12, 1, 3, 0))
    judging.score_proposal(cast.e1, a, [70, 70], now=datetime(2026, 12, 1, 3, 5))
    db.session.commit()
    rows = client.get("/experts/reviews").text.split('id="reviews"')[1]
    assert rows.count("揭榜方案") == 1  # e2 scored b only
    assert f'href="/challenges/proposals/{b.id}"' in rows
    assert f"/challenges/proposals/{a.id}" not in rows
    assert "温州大学" in rows and "温州光学研究所" not in rows
    assert "2026-12-01 10:30" in rows and "镀膜专家组" in rows and call.title in rows

    judging.open_consensus(cast.broker, b)
    judging.revise_score(cast.e2, b, [80, 80], now=datetime(2026, 12, 2, 1, 0))
    db.session.commit()
    rows = client.get("/experts/reviews").text.split('id="reviews"')[1]
    assert "2026-12-02 09:00" in rows and "2026-12-01 10:30" not in rows
