"""A need's page and /search/ point to the public calls, never to a draft and
never with a proposal's text."""

from __future__ import annotations

from marketplace.challenges import services
from marketplace.search.service import sync_outbox

from .conftest import call_data, submit


def test_need_page_links_its_public_call_only(client, db, cast, call):
    submit(db, cast.solver_a, call, approach="甲方案：保密工艺")
    services.prepare_call(
        cast.broker, cast.need, call_data(cast, title="尚未审核的第二榜")
    )
    db.session.commit()
    page = client.get(f"/needs/{cast.need.id}").get_data(as_text=True)
    assert "此需求已发布揭榜" in page
    assert f'href="/challenges/{call.id}"' in page and call.title in page
    assert "尚未审核的第二榜" not in page and "保密工艺" not in page


def test_need_without_a_call_shows_no_link(client, db, cast, create_need):
    other = create_need(org=cast.firm)
    db.session.commit()
    page = client.get(f"/needs/{other.id}").get_data(as_text=True)
    assert "此需求已发布揭榜" not in page


def test_search_page_lists_matching_public_calls_not_drafts(client, db, cast, call):
    submit(db, cast.solver_a, call, approach="PVD 甲方案：保密工艺")
    services.prepare_call(cast.broker, cast.need, call_data(cast, title="PVD 草稿榜单"))
    db.session.commit()
    sync_outbox()  # the call is found through its need in the search index
    resp = client.get("/search/?q=PVD")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "相关揭榜挂帅" in page and f'href="/challenges/{call.id}"' in page
    assert "草稿榜单" not in page and "保密工艺" not in page
    # A word the call's need does not hold (and a LIKE wildcard) finds nothing.
    for q in ("钛合金", "%"):
        other = client.get("/search/", query_string={"q": q}).get_data(as_text=True)
        assert "相关揭榜挂帅" not in other
