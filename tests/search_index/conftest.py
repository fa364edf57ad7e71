"""Fixtures for search_index tests: a real Whoosh index in a temporary directory."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search_index import SearchIndex, dense, warm_up  # noqa: E402

warm_up()


@pytest.fixture
def lexical_only():
    """The lexical matcher alone (dense vectors neither written nor read), for
    tests of its own weights and of the reference code it must equal."""
    was = dense.set_enabled(False)
    yield
    dense.set_enabled(was)


def _ach(id, title, body, field, trl, org_id, **extra):
    doc = {
        "id": id,
        "title": title,
        "body": body,
        "field": field,
        "trl": trl,
        "org_id": org_id,
        "org_name": f"org {org_id}",
        "org_type": "university",
        "status": "published",
        "cooperation_modes": ["licence"],
        "pricing_mode": "agreement",
        "price_fen": None,
        "published_at": datetime(2024, 1, id % 28 + 1),
    }
    doc.update(extra)
    return doc


ACHIEVEMENTS = [
    _ach(
        1,
        "醋酸纤维板镜架的低应力退火工艺",
        "分段退火消除板材内应力，镜架高温不变形。",
        "frame_materials",
        6,
        11,
        price_fen=5_000_000,
        cooperation_modes=["licence", "assignment"],
    ),
    _ach(
        2,
        "Bio-based cellulose acetate sheet for spectacle frames",
        "An acetate compound with a bio-based plasticizer that keeps frames stiff.",
        "frame_materials",
        5,
        12,
        org_type="institute",
        price_fen=20_000_000,
    ),
    _ach(
        3,
        "多区正向光学离焦眼镜片",
        "镜片周边微透镜形成近视离焦，延缓青少年眼轴增长。",
        "myopia_control",
        7,
        13,
        price_fen=30_000_000,
        pricing_mode="auction",
    ),
    _ach(
        4,
        "镜架PVD镀膜附着力提升方法",
        "离子轰击前处理使PVD膜层附着力达到5B，盐雾48小时无脱落。",
        "surface_treatment",
        6,
        14,
        keywords=["PVD镀膜", "附着力"],
        price_fen=8_000_000,
    ),
    _ach(
        5,
        "Progressive addition lens with a short corridor",
        "A progressive lens design that moves astigmatism to the periphery <b>fast</b>.",
        "lenses_coatings",
        8,
        15,
        org_type="firm",
        cooperation_modes=["joint_development"],
    ),
    _ach(
        6,
        "鈦合金鏡架激光焊接",
        "采用激光焊接连接β钛镜腿与钛合金桩头，焊点强度高。",
        "automation",
        5,
        11,
    ),
    _ach(
        7,
        "电镀含镍废水离子交换回收工艺",
        "螯合树脂吸附镍离子，电解回收金属镍，出水达标。",
        "environmental",
        7,
        16,
    ),
    _ach(
        8,
        "机器视觉镜片表面缺陷检测系统",
        "工业相机与深度学习识别镜片划痕和气泡，替代人工目检。",
        "automation",
        7,
        17,
        cooperation_modes=["service"],
    ),
    _ach(
        9,
        "Lens and progressive design notes",
        "Lens testing; progressive wearers differ.",
        "lenses_coatings",
        3,
        18,
        status="draft",
    ),
]

NEEDS = [
    {
        "id": 101,
        "title": "镜架电镀层容易脱落，退货多",
        "body": "金属镜架电镀后几个月就掉色起皮，想提高膜层结合力。",
        "field": "surface_treatment",
        "trl_min": 5,
        "budget_max_fen": 10_000_000,
        "org_id": 31,
        "status": "published",
    },
    {
        "id": 102,
        "title": "Need myopia control lenses for children",
        "body": "We want a spectacle lens that slows myopia progression in kids.",
        "field": "myopia_control",
        "trl_min": 6,
        "org_id": 32,
        "status": "published",
    },
    {
        "id": 103,
        "title": "车间废水镍超标",
        "body": "电镀线含镍废水处理后经常超标，想找回收技术。",
        "field": "environmental",
        "org_id": 33,
        "status": "published",
    },
]


@pytest.fixture
def achievements():
    """The sample achievements (app dicts)."""
    return [dict(d) for d in ACHIEVEMENTS]


@pytest.fixture
def needs():
    """The sample needs (app dicts)."""
    return [dict(d) for d in NEEDS]


@pytest.fixture
def index(tmp_path):
    """An index holding the sample achievements and needs."""
    ix = SearchIndex(tmp_path / "index")
    ix.upsert("achievements", ACHIEVEMENTS)
    ix.upsert("needs", NEEDS)
    yield ix
    ix.close()


@pytest.fixture
def empty_index(tmp_path):
    """An index with nothing in it."""
    ix = SearchIndex(tmp_path / "empty")
    yield ix
    ix.close()
