"""The public list of needs and the brokers' queue: filters, sorting, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.timeutil import utcnow
from marketplace.listings.lifecycle import NeedStatus


def _need(create_need, days_ago: int, **kw):
    need = create_need(**kw)
    need.days_ago = days_ago
    return need


@pytest.fixture
def listed(db, create_need):
    """Three published needs with different fields, modes, budgets and TRL needs."""
    now = utcnow()
    needs = {
        "pvd": _need(
            create_need,
            title="需求PVD",
            field="surface_treatment",
            cooperation_modes=["service"],
            budget_min_fen=1_000_000,
            budget_max_fen=5_000_000,
            trl_min=7,
            days_ago=3,
        ),
        "acetate": _need(
            create_need,
            title="需求板材",
            field="frame_materials",
            cooperation_modes=["assignment", "joint_development"],
            budget_min_fen=20_000_000,
            budget_max_fen=50_000_000,
            trl_min=4,
            days_ago=2,
        ),
        "lens": _need(
            create_need,
            title="需求镜片",
            field="lenses_coatings",
            cooperation_modes=["licence"],
            budget_min_fen=None,
            budget_max_fen=None,
            trl_min=None,
            days_ago=1,
        ),
    }
    for need in needs.values():
        need.published_at = now - timedelta(days=need.days_ago)
    db.session.commit()
    return needs


def titles(client, query: str = "") -> list[str]:
    text = client.get(f"/needs/?{query}").get_data(as_text=True)
    found = [
        (text.find(t), t) for t in ("需求PVD", "需求板材", "需求镜片") if t in text
    ]
    return [t for _, t in sorted(found)]


def test_list_shows_only_published_needs_newest_first(db, listed, create_need, client):
    create_need(title="草稿需求", status=NeedStatus.DRAFT)
    create_need(title="待翻译需求", status=NeedStatus.SUBMITTED)
    text = client.get("/needs/").get_data(as_text=True)
    assert "草稿需求" not in text and "待翻译需求" not in text
    assert titles(client) == ["需求镜片", "需求板材", "需求PVD"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("field=surface_treatment", ["需求PVD"]),
        ("mode=joint_development", ["需求板材"]),
        ("mode=licence", ["需求镜片"]),
        ("trl=high", ["需求PVD"]),
        ("trl=mid", ["需求板材"]),
        ("budget_min=100000", ["需求镜片", "需求板材"]),
        ("budget_max=60000", ["需求镜片", "需求PVD"]),
        ("budget_min=30000&budget_max=150000", ["需求镜片", "需求PVD"]),
        ("sort=budget", ["需求板材", "需求PVD", "需求镜片"]),
        (
            "field=nonsense&mode=%27%20OR%201=1&trl=x&budget_min=abc",
            ["需求镜片", "需求板材", "需求PVD"],
        ),
    ],
)
def test_list_filters(db, listed, client, query, expected):
    response = client.get(f"/needs/?{query}")
    assert response.status_code == 200
    assert titles(client, query) == expected


def test_list_paginates(app, db, create_need, client):
    for i in range(app.config["PER_PAGE"] + 3):
        create_need(title=f"分页需求{i:02d}")
    first = client.get("/needs/").get_data(as_text=True)
    second = client.get("/needs/?page=2").get_data(as_text=True)
    assert first.count("分页需求") == app.config["PER_PAGE"]
    assert second.count("分页需求") == 3
    assert client.get("/needs/?page=999").status_code == 200
    assert client.get("/needs/?page=abc").status_code == 200


def test_queue_lists_oldest_first_with_counts_and_mine(
    db, broker, other_broker, create_need, client_for
):
    now = utcnow()
    create_need(
        title="较新需求",
        status=NeedStatus.SUBMITTED,
        submitted_at=now - timedelta(hours=2),
    )
    create_need(
        title="最早需求",
        status=NeedStatus.SUBMITTED,
        submitted_at=now - timedelta(days=3),
    )
    create_need(
        title="我在翻译",
        status=NeedStatus.TRANSLATING,
        broker_id=broker.id,
        submitted_at=now - timedelta(days=1),
    )
    create_need(
        title="他人在翻译",
        status=NeedStatus.TRANSLATING,
        broker_id=other_broker.id,
        submitted_at=now - timedelta(days=1),
    )
    create_need(title="已发布需求")
    c = client_for(broker)
    text = c.get("/needs/queue").get_data(as_text=True)
    assert text.index("最早需求") < text.index("较新需求")
    assert "已发布需求" not in text
    assert 'data-count="submitted">2<' in text and 'data-count="translating">2<' in text
    assert "3 天" in text
    mine = c.get("/needs/queue?mine=1").get_data(as_text=True)
    assert "我在翻译" in mine and "他人在翻译" not in mine and "最早需求" not in mine
    only_submitted = c.get("/needs/queue?status=submitted").get_data(as_text=True)
    assert "最早需求" in only_submitted and "我在翻译" not in only_submitted
    assert c.get("/needs/queue?status=bogus&page=x").status_code == 200
