"""New listings that fit an open need or a saved search notify the people concerned."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.notifications.models import Notification
from marketplace.search.models import SavedSearch
from marketplace.search.service import sync_outbox

PVD_NEED = {
    "title": "镜架PVD镀层附着力不足",
    "description": "镀层脱落",
    "field": "surface_treatment",
    "keywords": ["PVD", "附着力", "镀层"],
}
PVD_ACH = {
    "title": "镜架PVD镀层高附着力镀膜工艺",
    "summary": "PVD镀层附着力达5B，盐雾48小时",
    "field": "surface_treatment",
    "keywords": ["PVD", "附着力"],
}


def test_a_new_matching_achievement_notifies_the_firm_by_app_and_mail(
    app, db, create_need, create_achievement, create_user, smtp_server
):
    need = create_need(**PVD_NEED)
    member = create_user(
        role=Role.FIRM, org=need.organization, email="boss@firm.example"
    )
    quiet = create_user(
        role=Role.FIRM, org=need.organization, email_notifications=False
    )
    sync_outbox()
    app.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        ach = create_achievement(**PVD_ACH)
        sync_outbox()
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    notes = db.session.scalars(
        sa.select(Notification).order_by(Notification.user_id)
    ).all()
    assert {n.user_id for n in notes} == {member.id, quiet.id}
    assert all(n.link == f"/achievements/{ach.id}" for n in notes)
    assert [m["To"] for m in smtp_server] == ["boss@firm.example"]
    assert ach.title in smtp_server[0]["Subject"]
    # Syncing again (a replayed outbox) notifies nobody twice.
    sync_outbox()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2


def test_a_saved_search_is_told_about_a_new_listing(
    db, create_user, create_achievement
):
    user = create_user(role=Role.FIRM, email_notifications=False)
    db.session.add(SavedSearch(user_id=user.id, kind="achievement", query="离焦"))
    db.session.commit()
    create_achievement(title="儿童近视离焦镜片", summary="多点离焦设计")
    sync_outbox()
    note = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == user.id)
    )
    assert note is not None and "离焦" in note.title


def test_match_panel_shows_reasons_to_the_firm_but_not_to_strangers(
    db, client, login, create_need, create_achievement, create_user
):
    need = create_need(**PVD_NEED)
    create_achievement(**PVD_ACH)
    sync_outbox()
    from marketplace.search.queries import matches_for

    firm_user = create_user(role=Role.FIRM, org=need.organization)
    rows = matches_for(need, firm_user)
    assert rows and rows[0][1].score > 0
    assert rows[0][1].reasons["matched_terms"]


def test_match_panels_on_pages_are_for_the_owner_and_brokers_only(
    db, client, login, create_need, create_achievement, create_user
):
    need = create_need(**PVD_NEED)
    ach = create_achievement(**PVD_ACH)
    sync_outbox()
    firm_user = create_user(role=Role.FIRM, org=need.organization)
    stranger = create_user(role=Role.FIRM)
    broker = create_user(role=Role.BROKER)
    supplier = create_user(role=Role.SUPPLIER, org=ach.organization)

    def panel(user, url):
        client.post("/account/logout")
        if user is not None:
            login(user)
        html = client.get(url).get_data(as_text=True)
        return "match-panel" in html, html

    shown, html = panel(firm_user, f"/needs/{need.id}")
    assert shown and ach.title in html and "PVD" in html
    assert panel(broker, f"/needs/{need.id}")[0]
    assert not panel(stranger, f"/needs/{need.id}")[0]
    assert not panel(None, f"/needs/{need.id}")[0]
    shown, html = panel(supplier, f"/achievements/{ach.id}")
    assert shown and need.title in html
    assert not panel(stranger, f"/achievements/{ach.id}")[0]


def test_the_broker_queue_shows_matches_not_yet_made_into_deals(
    db, client, login, create_need, create_achievement, create_user
):
    broker = create_user(role=Role.BROKER)
    other_broker = create_user(role=Role.BROKER)
    need = create_need(**PVD_NEED, broker=broker)
    ach = create_achievement(**PVD_ACH)
    sync_outbox()
    login(broker)
    html = client.get("/deals/queue").get_data(as_text=True)
    assert "opportunities" in html and ach.title in html and need.title in html
    client.post("/account/logout")
    login(other_broker)
    assert ach.title not in client.get("/deals/queue").get_data(as_text=True)
