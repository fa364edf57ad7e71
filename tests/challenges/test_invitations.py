"""On approval the matcher proposes solvers: the organisations owning achievements that
match the call's need are invited once (in-app and e-mail, after the commit); the
achievement's owners see the open call in its matches."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.challenges import invitations, services
from marketplace.challenges.models import ChallengeInvitation
from marketplace.notifications.models import Notification
from marketplace.search.models import ListingMatch
from marketplace.search.service import sync_outbox

from .conftest import call_data

PVD = {
    "summary": "PVD 镀层附着力达 5B，镜架膜层不脱落",
    "field": "surface_treatment",
    "keywords": ["PVD", "附着力"],
}


def _achievements(cast, create_achievement, create_org):
    firm_b = create_org(type=OrgType.FIRM, name="别家眼镜厂")  # not an eligible type
    return {
        "a": create_achievement(
            org=cast.inst_a, title="镜架 PVD 镀层附着力工艺", **PVD
        ),
        "a2": create_achievement(org=cast.inst_a, title="PVD 附着力过渡层", **PVD),
        "b": create_achievement(org=cast.inst_b, title="PVD 膜层附着力提升", **PVD),
        "firm": create_achievement(org=firm_b, title="PVD 镀层附着力方法", **PVD),
        "own": create_achievement(org=cast.firm, title="PVD 附着力自研", **PVD),
    }


def test_approval_invites_matching_solvers_once_by_app_and_mail(
    db, cast, create_achievement, create_org, create_user, smtp_server
):
    achs = _achievements(cast, create_achievement, create_org)
    sync_outbox()
    matched = set(
        db.session.scalars(
            sa.select(ListingMatch.achievement_id).where(
                ListingMatch.need_id == cast.need.id
            )
        )
    )
    assert {achs["a"].id, achs["b"].id} <= matched
    colleague = create_user(
        role=Role.SUPPLIER, org=cast.inst_a, email="colleague@inst.example"
    )
    call = services.prepare_call(cast.broker, cast.need, call_data(cast))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ChallengeInvitation.id))) == 0

    before = len(smtp_server)  # the matcher's own alerts
    services.approve_call(cast.operator, call)
    assert len(smtp_server) == before  # nothing leaves before the commit
    db.session.commit()
    invited = {i.organization_id: i for i in invitations.invitations_of(call)}
    # Institutes A and B (eligible); not the sponsor, not the ineligible firm; A once.
    assert set(invited) == {cast.inst_a.id, cast.inst_b.id}
    assert invited[cast.inst_a.id].achievement_id in (achs["a"].id, achs["a2"].id)
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "challenge.invite")
    ).all()
    assert sorted(n.user_id for n in notes) == sorted(
        [cast.solver_a.id, colleague.id, cast.solver_b.id]
    )
    assert all(n.link == f"/challenges/{call.id}" for n in notes)
    mails = list(smtp_server)[before:]
    assert {m["To"] for m in mails} == {
        cast.solver_a.email,
        colleague.email,
        cast.solver_b.email,
    }
    assert all(call.title in m["Subject"] for m in mails)

    # Running the matcher again invites nobody twice.
    assert invitations.invite_solvers(call) == []
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ChallengeInvitation.id))) == 2
    assert len(smtp_server) == before + 3


def test_open_call_shows_in_the_achievements_matches_for_its_owners(
    app, db, client, login, cast, create_achievement, create_org, create_user
):
    achs = _achievements(cast, create_achievement, create_org)
    sync_outbox()
    call = services.prepare_call(cast.broker, cast.need, call_data(cast))
    db.session.commit()
    login(cast.solver_a)
    page = client.get(f"/achievements/{achs['a'].id}").text
    assert call.title not in page  # a draft is not shown
    services.approve_call(cast.operator, call)
    db.session.commit()
    page = client.get(f"/achievements/{achs['a'].id}").text
    assert 'id="matching-calls"' in page and f"/challenges/{call.id}" in page
    board = client.get("/challenges/").text
    assert 'id="invited"' in board and call.title in board
    # A stranger sees the achievement but not its matches.
    stranger = app.test_client()
    login(create_user(role=Role.FIRM), c=stranger)
    page = stranger.get(f"/achievements/{achs['a'].id}").text
    assert achs["a"].title in page
    assert 'id="matching-calls"' not in page
    # The organisers see whom the matcher invited.
    broker = app.test_client()
    login(cast.broker, c=broker)
    page = broker.get(f"/challenges/{call.id}").text
    assert 'id="invitations"' in page and cast.inst_b.name in page


def test_a_weak_match_gets_no_invitation(
    app, db, cast, create_achievement, create_org, monkeypatch
):
    """Stored matches keep weak pairs; only those from CHALLENGE_INVITE_MIN_SCORE up
    are invited (and shown as the achievement's open calls)."""
    achs = _achievements(cast, create_achievement, create_org)
    sync_outbox()
    scores = dict(
        db.session.execute(
            sa.select(ListingMatch.achievement_id, ListingMatch.score).where(
                ListingMatch.need_id == cast.need.id
            )
        ).all()
    )
    # The floor between institute B's match and institute A's best one.
    a_best = max(scores[achs["a"].id], scores[achs["a2"].id])
    b = scores[achs["b"].id]
    if a_best == b:  # the same text scores the same; make B weaker on the record
        db.session.execute(
            sa.update(ListingMatch)
            .where(ListingMatch.achievement_id == achs["b"].id)
            .values(score=b - 10)
        )
        b -= 10
    strong, weak = (
        (cast.inst_a, cast.inst_b) if a_best > b else (cast.inst_b, cast.inst_a)
    )
    monkeypatch.setitem(app.config, "CHALLENGE_INVITE_MIN_SCORE", (a_best + b) / 2)
    call = services.prepare_call(cast.broker, cast.need, call_data(cast))
    services.approve_call(cast.operator, call)
    db.session.commit()
    assert {i.organization_id for i in invitations.invitations_of(call)} == {strong.id}
    weak_ach = achs["b"] if weak is cast.inst_b else achs["a"]
    assert invitations.open_calls_for_achievement(weak_ach.id) == []
