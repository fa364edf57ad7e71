"""Calls in /search/: through the engine's need results (a need hit with a public
call shows the call; kind=challenge searches only the needs that have one), never a
draft, a proposal or the sponsor of a confidential need."""

from __future__ import annotations

import re

import pytest

from marketplace.challenges import services
from marketplace.search.service import sync_outbox

from .conftest import call_data, submit


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def market(db, cast, call, create_need):
    """The call's need (附着力), a need with no call, a need with a draft call only."""
    plain = create_need(org=cast.firm, title="镜架镀层附着力普通需求")
    drafted = create_need(org=cast.firm, title="镜架附着力草稿需求")
    draft = services.prepare_call(
        cast.broker, drafted, call_data(cast, title="尚未审核的附着力榜单")
    )
    db.session.commit()
    submit(db, cast.solver_a, call, approach="机密方案离子轰击参数")
    sync_outbox()
    return plain, drafted, draft


def test_the_calls_view_lists_only_needs_with_a_public_call(client, cast, call, market):
    plain, drafted, draft = market
    html = client.get("/search/?kind=challenge&q=附着力").get_data(as_text=True)
    assert html.count("search-hit") == 1 and "共 1 条结果" in html
    hit = html.split("search-hit", 1)[1]
    assert f'href="/challenges/{call.id}"' in hit and call.title in hit
    assert 'data-stage="open"' in hit and "征集中" in hit and "剩余" in hit
    assert f'href="/needs/{cast.need.id}"' in hit
    assert plain.title not in html and drafted.title not in html
    assert draft.title not in html and f"/challenges/{draft.id}" not in html
    assert 'value="challenge" selected' in html


def test_the_engine_finds_a_call_by_a_synonym_a_like_scan_would_miss(
    client, call, market
):
    # "adhesion" is in neither the call's nor the need's text: the thesaurus links it
    # to 附着力 (search_index/data/thesaurus.txt).
    html = client.get("/search/?kind=challenge&q=adhesion").get_data(as_text=True)
    assert html.count("search-hit") == 1 and f"/challenges/{call.id}" in html


def test_need_results_carry_the_call_badge(client, cast, call, market):
    plain, drafted, _draft = market
    html = client.get("/search/?kind=need&q=附着力").get_data(as_text=True)
    assert html.count("search-hit") == 3
    hits = {
        h.split('href="/needs/', 1)[1].split('"')[0]: h
        for h in html.split("search-hit")[1:]
    }
    assert f'/challenges/{call.id}"' in hits[str(cast.need.id)]
    assert "search-call" not in hits[str(plain.id)]
    assert "search-call" not in hits[str(drafted.id)]


def test_an_achievement_search_shows_the_matching_calls_beside(
    client, call, market, create_achievement
):
    create_achievement(title="PVD 镀膜附着力提升工艺", summary="离子轰击前处理。")
    sync_outbox()
    html = client.get("/search/?q=附着力").get_data(as_text=True)
    card = html.split("search-challenges", 1)[1].split("</div></div>", 1)[0]
    assert f"/challenges/{call.id}" in card and "征集中" in card
    assert "尚未审核的附着力榜单" not in html
    assert "kind=challenge" in card


def test_no_proposal_and_no_confidential_sponsor_in_search(
    app, client, db, login, cast, create_need, create_org
):
    secret_firm = create_org(name="保密眼镜厂")
    need = create_need(org=secret_firm, title="镀层附着力保密需求", confidential=True)
    call = services.prepare_call(
        cast.broker, need, call_data(cast, title="保密企业的附着力榜单")
    )
    services.approve_call(cast.operator, call)
    db.session.commit()
    submit(db, cast.solver_a, call, approach="机密方案离子轰击参数")
    sync_outbox()
    # Anonymous readers do not get confidential needs, so not their calls either.
    anon = client.get("/search/?kind=challenge&q=附着力").get_data(as_text=True)
    assert "search-hit" not in anon and call.title not in anon
    # A signed-in solver sees the call, but not whose it is, nor any proposal.
    login(cast.solver_b)
    for kind in ("challenge", "need", "achievement"):
        html = client.get(f"/search/?kind={kind}&q=附着力").get_data(as_text=True)
        assert "机密方案" not in html and "保密眼镜厂" not in _text(html)
    html = client.get("/search/?kind=challenge&q=附着力").get_data(as_text=True)
    assert call.title in html and "某眼镜企业" in html
