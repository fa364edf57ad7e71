"""The dashboard's 揭榜挂帅 table: calls by stage, proposals per call, awards and their
conversion to deals."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts.models import Role
from marketplace.challenges import awards, services
from marketplace.core.timeutil import today_shanghai
from marketplace.dashboard import report
from marketplace.dashboard.kpis import Period

from .conftest import call_data, past_deadline, submit


def _today() -> Period:
    today = today_shanghai()
    return Period(today - timedelta(days=1), today + timedelta(days=1))


def test_counts_calls_by_stage_proposals_awards_and_deals(db, cast, call, create_need):
    # An awarded call: two proposals, one winner of the first grade (200 000 yuan).
    a = submit(db, cast.solver_a, call).proposal
    submit(db, cast.solver_b, call)
    past_deadline(db, call)
    awards.award(cast.sponsor, call, {a.id: 0})
    # A second call still open with one proposal, and a draft awaiting the operator.
    other = services.prepare_call(
        cast.broker, create_need(org=cast.firm), call_data(cast, title="第二个榜单")
    )
    services.approve_call(cast.operator, other)
    db.session.commit()
    submit(db, cast.solver_b, other)
    services.prepare_call(cast.broker, cast.need, call_data(cast, title="草稿榜单"))
    db.session.commit()

    stats = report.build(_today()).challenges
    assert stats.by_stage == {
        "draft": 1,
        "open": 1,
        "judging": 0,
        "awarded": 1,
        "no_winner": 0,
    }
    assert [(c.title, c.proposals, c.winners) for c in stats.calls] == [
        (call.title, 2, 1),
        ("第二个榜单", 1, 0),
        ("草稿榜单", 0, 0),
    ]
    assert (stats.proposals, stats.proposals_per_call) == (3, 1.0)
    assert (stats.awards, stats.award_fen) == (1, 20_000_000)
    assert (stats.deals, stats.deal_conversion) == (1, 100.0)
    # Outside the period nothing counts.
    earlier = Period(_today().start - timedelta(days=30), _today().start)
    assert report.build(earlier).challenges.total_calls == 0


def test_dashboard_page_shows_the_challenge_table(
    client, db, login, create_user, cast, call
):
    submit(db, cast.solver_a, call)
    login(create_user(role=Role.OPERATOR))
    page = client.get("/dashboard/").get_data(as_text=True)
    assert 'id="table-challenges"' in page and 'id="table-challenge_calls"' in page
    assert "揭榜挂帅" in page and call.title in page
    csv = client.get("/dashboard/export/challenge_calls.csv")
    assert csv.status_code == 200 and call.title in csv.get_data(as_text=True)


def test_judging_no_winner_and_two_prize_grades_are_counted(
    db, cast, call, create_need
):
    def open_call(title):
        c = services.prepare_call(
            cast.broker, create_need(org=cast.firm), call_data(cast, title=title)
        )
        services.approve_call(cast.operator, c)
        db.session.commit()
        return c

    # Call 1: two proposals, both win (一等奖 20 000 000 + 二等奖 5 000 000 fen).
    a = submit(db, cast.solver_a, call).proposal
    b = submit(db, cast.solver_b, call).proposal
    past_deadline(db, call)
    awards.award(cast.sponsor, call, {a.id: 0, b.id: 1})
    # Call 2: one proposal, no winner; call 3: one proposal, still being judged.
    failed, judged = open_call("未揭榜的榜单"), open_call("评审中的榜单")
    submit(db, cast.solver_b, failed)
    submit(db, cast.solver_a, judged)
    past_deadline(db, failed)
    past_deadline(db, judged)
    awards.no_winner(cast.sponsor, failed, "方案均未达到附着力指标。")
    db.session.commit()

    stats = report.build(_today()).challenges
    assert stats.by_stage == {
        "draft": 0,
        "open": 0,
        "judging": 1,
        "awarded": 1,
        "no_winner": 1,
    }
    assert [(c.stage, c.proposals, c.winners, c.award_fen) for c in stats.calls] == [
        ("awarded", 2, 2, 25_000_000),
        ("no_winner", 1, 0, 0),
        ("judging", 1, 0, 0),
    ]
    # 4 proposals over 3 calls = 1.33… → 1.3; both winners became deals.
    assert (stats.total_calls, stats.proposals, stats.proposals_per_call) == (3, 4, 1.3)
    assert (stats.awards, stats.award_fen) == (2, 25_000_000)
    assert (stats.deals, stats.deal_conversion) == (2, 100.0)
