"""A bulk import through the pages tells each recipient once, not once per listing."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.notifications.models import Notification
from marketplace.search.models import ListingMatch
from marketplace.search.service import sync_outbox
from tests.search.test_alerts import PVD_NEED

from .conftest import ach_row, csv_bytes


def test_a_published_import_sends_one_summary_per_recipient(
    app, client, login, db, create_org, create_user, create_need, upload, smtp_server
):
    need = create_need(**PVD_NEED)
    boss = create_user(role=Role.FIRM, org=need.organization, email="boss@f.example")
    sync_outbox()
    wmu = create_org(name="温医大测试", type=OrgType.UNIVERSITY)
    login(create_user(role=Role.OPERATOR, email_notifications=False))
    rows = [
        ach_row(
            f"R-{i}",
            f"镜架PVD镀层高附着力镀膜工艺{i}",
            org=wmu.name,
            成果简介="PVD镀层附着力达5B，盐雾48小时",
            技术领域="surface_treatment",
            关键词="PVD, 附着力",
        )
        for i in range(4)
    ]
    app.config["MATCH_ALERT_THRESHOLD"] = 10
    try:
        bi = upload(csv_bytes(rows), status="published", organization_id=str(wmu.id))
        assert client.post(f"/bulk/{bi.id}/confirm").status_code == 302
        sync_outbox()  # the listings' own sync: matches stored, no alert each
    finally:
        app.config["MATCH_ALERT_THRESHOLD"] = 60
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(boss.id, "match.bulk")]
    assert "4" in notes[0].title and notes[0].link == f"/needs/{need.id}"
    assert [m["To"] for m in smtp_server] == ["boss@f.example"]
    stored = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ListingMatch)
        .where(ListingMatch.need_id == need.id)
    )
    assert stored == 4
