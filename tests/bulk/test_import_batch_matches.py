"""A web import's stored matches are computed in one batch pass (search_index.batch),
with the same pairs, scores and reasons as the listing-by-listing sync gives."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement
from marketplace.search.models import ListingMatch, SearchOutbox
from marketplace.search.service import store_matches, sync_outbox
from tests.search.test_alerts import PVD_NEED

from .conftest import ach_row, csv_bytes


def _stored(db) -> list[tuple]:
    return sorted(
        (m.need_id, m.achievement_id, m.score, str(m.reasons))
        for m in db.session.scalars(sa.select(ListingMatch))
    )


def test_a_published_web_import_stores_its_matches_in_one_pass(
    app, client, login, db, create_org, create_need, create_user, upload, monkeypatch
):
    needs = [
        create_need(**PVD_NEED),
        create_need(**{**PVD_NEED, "title": "镀膜附着力不够，镜腿掉漆"}),
    ]
    sync_outbox()
    wmu = create_org(name="温医大批量", type=OrgType.UNIVERSITY)
    login(create_user(role=Role.OPERATOR, email_notifications=False))
    rows = [
        ach_row(
            f"B-{i}",
            f"镜架PVD镀层高附着力镀膜工艺{i}",
            org=wmu.name,
            成果简介="PVD镀层附着力达5B，盐雾48小时",
            技术领域="surface_treatment",
            关键词="PVD, 附着力",
        )
        for i in range(5)
    ]
    bi = upload(csv_bytes(rows), status="published", organization_id=str(wmu.id))
    # No sync after the request: what is done, the import's own pass did.
    monkeypatch.setitem(app.config, "SEARCH_SYNC", "off")
    assert client.post(f"/bulk/{bi.id}/confirm").status_code == 302
    db.session.expire_all()
    ids = set(
        db.session.scalars(
            sa.select(Achievement.id).where(Achievement.external_ref.like("B-%"))
        )
    )
    assert len(ids) == 5
    # Done by the import's batch pass: the log rows are marked processed.
    pending = db.session.scalars(
        sa.select(SearchOutbox.object_id).where(
            SearchOutbox.kind == "achievement",
            SearchOutbox.object_id.in_(ids),
            SearchOutbox.processed_at.is_(None),
        )
    ).all()
    assert pending == []
    batched = _stored(db)
    assert {(n, a) for n, a, _s, _r in batched} >= {
        (need.id, a) for need in needs for a in ids
    }
    # The listing-by-listing computation stores exactly the same rows (a pair
    # computed from both sides keeps the achievement's reasons, as rematch does).
    for need in needs:
        store_matches("need", need)
    for a in sorted(ids):
        store_matches("achievement", db.session.get(Achievement, a))
    db.session.flush()
    assert _stored(db) == batched
    db.session.rollback()
