"""The public list: only published, unexpired achievements; filters, sorting, pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType
from marketplace.core.timeutil import today_shanghai
from marketplace.listings.lifecycle import ListingStatus


def _titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<h3 class="h6 card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_list_shows_only_published_unexpired(client, create_achievement):
    create_achievement(title="公开成果")
    create_achievement(title="草稿成果", status=ListingStatus.DRAFT)
    create_achievement(title="审核中成果", status=ListingStatus.IN_REVIEW)
    create_achievement(
        title="过期成果", valid_until=today_shanghai() - timedelta(days=1)
    )
    create_achievement(title="今天到期成果", valid_until=today_shanghai())
    response = client.get("/achievements/")
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["今天到期成果", "公开成果"]


def test_filters_by_field_trl_mode_price_and_org_type(
    client, create_org, create_achievement
):
    institute = create_org(type=OrgType.INSTITUTE)
    create_achievement(
        title="A 镜片", field="lenses_coatings", trl=3, price_fen=5_000_000
    )
    create_achievement(
        title="B 镜架",
        field="frame_materials",
        trl=7,
        cooperation_modes=["equity", "joint_development"],
        price_fen=80_000_000,
    )
    create_achievement(
        title="C 面议",
        field="frame_materials",
        trl=8,
        pricing_mode="negotiable",
        price_fen=None,
        org=institute,
    )

    assert _titles(client.get("/achievements/?field=lenses_coatings")) == ["A 镜片"]
    assert sorted(_titles(client.get("/achievements/?trl_min=7"))) == [
        "B 镜架",
        "C 面议",
    ]
    assert _titles(client.get("/achievements/?trl_min=2&trl_max=4")) == ["A 镜片"]
    assert _titles(client.get("/achievements/?mode=joint_development")) == ["B 镜架"]
    # Prices are typed in yuan: 50,000 yuan = 5,000,000 fen.
    assert _titles(client.get("/achievements/?price_max=50000")) == ["A 镜片"]
    assert _titles(client.get("/achievements/?price_min=100000")) == ["B 镜架"]
    assert _titles(client.get("/achievements/?org_type=institute")) == ["C 面议"]


def test_sort_by_price_puts_negotiable_last(client, create_achievement):
    create_achievement(title="贵", price_fen=90_000_000)
    create_achievement(title="面议", pricing_mode="negotiable", price_fen=None)
    create_achievement(title="便宜", price_fen=1_000_000)
    assert _titles(client.get("/achievements/?sort=price_asc")) == [
        "便宜",
        "贵",
        "面议",
    ]
    assert _titles(client.get("/achievements/?sort=price_desc")) == [
        "贵",
        "便宜",
        "面议",
    ]
    assert _titles(client.get("/achievements/"))[0] == "便宜"  # newest first


@pytest.mark.parametrize(
    "query",
    [
        "field=plastics",
        "trl_min=0",
        "trl_max=12",
        "trl_min=abc",
        "trl_min=8&trl_max=2",
        "mode=gift",
        "price_min=30万",
        "price_max=-5",
        "price_min=9&price_max=1",
        "org_type=firm",
        "sort=random()",
        "page=-1",
        "page=x",
        "field=%27%20OR%201%3D1--",
    ],
)
def test_bad_filter_values_are_ignored_with_a_note(client, create_achievement, query):
    create_achievement(title="唯一成果")
    response = client.get(f"/achievements/?{query}")
    assert response.status_code == 200
    assert _titles(response) == ["唯一成果"]
    assert 'class="alert alert-warning small" role="status"' in response.get_data(
        as_text=True
    )


def test_pagination_splits_pages_and_keeps_filters(app, client, create_achievement):
    per_page = app.config["PER_PAGE"]
    for n in range(per_page + 3):
        create_achievement(title=f"成果{n:02d}", field="automation")
    create_achievement(title="别的领域", field="environmental")
    first = client.get("/achievements/?field=automation")
    second = client.get("/achievements/?field=automation&page=2")
    assert len(_titles(first)) == per_page
    assert len(_titles(second)) == 3
    assert not set(_titles(first)) & set(_titles(second))
    assert "field=automation" in first.get_data(as_text=True).split("pagination")[1]
    beyond = client.get("/achievements/?field=automation&page=99")
    assert beyond.status_code == 200 and _titles(beyond) == []


def test_a_nul_in_a_filter_is_refused_clearly(client, create_achievement):
    """NUL can be stored nowhere: the whole request is refused with a 400 that says so."""
    create_achievement(title="唯一成果")
    response = client.get("/achievements/?trl_min=%00")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
