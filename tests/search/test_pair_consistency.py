"""One pair, one score in the app: the stored pair table, the panel, the CLI
and alerts show the figure of the pair, whichever side was published last."""

from __future__ import annotations

import json

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.notifications.models import Notification
from marketplace.search.models import ListingMatch
from marketplace.search.queries import matches_for
from marketplace.search.service import sync_outbox

NEED = {
    "title": "镜架电镀层容易脱落",
    "description": "镜架镀膜用几个月就掉，退货多，希望提高镀层附着力。",
    "field": "surface_treatment",
    "keywords": ["镀层", "附着力"],
}
TWIN = {
    "title": "镜架PVD镀膜附着力提升工艺",
    "summary": "等离子清洗与过渡层设计，使PVD膜层附着力达到5B，盐雾无脱落。",
    "field": "surface_treatment",
    "keywords": ["PVD", "附着力"],
}


def _scores(need_id: int) -> dict[int, float]:
    rows = db_rows(ListingMatch.need_id == need_id)
    return {r.achievement_id: r.score for r in rows}


def db_rows(where):
    from marketplace.extensions import db

    return db.session.scalars(sa.select(ListingMatch).where(where)).all()


def test_three_achievements_of_one_text_score_alike_whatever_the_order(
    app, db, create_need, create_achievement, create_user
):
    first = create_achievement(**TWIN)  # before the need
    sync_outbox()
    need = create_need(**NEED)
    sync_outbox()
    later = [create_achievement(**TWIN) for _ in range(2)]  # after it
    sync_outbox()
    stored = _scores(need.id)
    ids = [first.id] + [a.id for a in later]
    assert set(ids) <= set(stored)
    assert len({stored[i] for i in ids}) == 1, stored
    # The panel shows the stored figure; the CLI computes the same.
    firm_user = create_user(role=Role.FIRM, org=need.organization)
    panel = {obj.id: m.score for obj, m in matches_for(need, firm_user)}
    assert {panel[i] for i in ids} == {stored[first.id]}
    runner = app.test_cli_runner()
    out = runner.invoke(args=["search", "match-need", str(need.id), "--json"])
    assert out.exit_code == 0, out.output
    cli = {m["id"]: m["score"] for m in json.loads(out.output)}
    assert {cli[i] for i in ids} == {stored[first.id]}
    out = runner.invoke(args=["search", "match-achievement", str(first.id), "--json"])
    back = {m["id"]: m["score"] for m in json.loads(out.output)}
    assert back[need.id] == stored[first.id]


def test_a_pair_found_by_the_other_side_keeps_its_score_when_one_side_changes(
    db, create_need, create_achievement
):
    need = create_need(**NEED)
    ach = create_achievement(**TWIN)
    sync_outbox()
    before = _scores(need.id)[ach.id]
    # Editing the need (the same words) recomputes its rows: the same figure.
    need.title = NEED["title"] + " "
    db.session.commit()
    sync_outbox()
    assert _scores(need.id)[ach.id] == before
    assert [r.score for r in db_rows(ListingMatch.achievement_id == ach.id)] == [before]


def test_an_alert_shows_the_pair_score(
    app, db, create_need, create_achievement, create_user
):
    need = create_need(**NEED)
    create_user(role=Role.FIRM, org=need.organization, email_notifications=False)
    sync_outbox()
    app.config["MATCH_ALERT_THRESHOLD"] = 1
    try:
        ach = create_achievement(**TWIN)
        sync_outbox()
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    score = _scores(need.id)[ach.id]
    note = db.session.scalar(sa.select(Notification))
    assert note is not None and f"匹配度 {round(score)}" in note.body


def test_the_panel_names_a_problem_and_its_remedy_as_such(
    db, client, login, create_need, create_achievement, create_user
):
    need = create_need(
        title="眼镜腿掉漆",
        description="用了两个月就掉漆，顾客退货。",
        keywords=[],
        field="surface_treatment",
    )
    create_achievement(
        title="高附着力涂装工艺",
        summary="等离子前处理，漆膜附着力达0级。",
        keywords=[],
        field="surface_treatment",
    )
    sync_outbox()
    login(create_user(role=Role.FIRM, org=need.organization))
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "match-panel" in html and "问题 → 方案" in html
    assert "掉漆 → 附着力" in html
