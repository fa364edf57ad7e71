"""Field briefing pages: counts, deals by stage, the monthly SVG trend, confidentiality."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketplace.accounts.models import OrgType
from marketplace.deals.models import Deal, DealStage
from marketplace.firms import fields
from marketplace.listings.lifecycle import NeedStatus

NOW = datetime(2026, 12, 9, 10, 0)


def _deal(db, create_org, stage, achievement=None, need=None):
    d = Deal(
        achievement=achievement,
        need=need,
        supplier_org_id=create_org(type=OrgType.UNIVERSITY).id,
        firm_org_id=create_org(type=OrgType.FIRM).id,
        origin="interest",
        stage=stage,
    )
    db.session.add(d)
    db.session.commit()
    return d


@pytest.fixture
def market(db, create_org, create_achievement, create_need):
    a1 = create_achievement(title="钛合金镜架焊接成果", field="frame_materials")
    a1.published_at = datetime(2026, 12, 1, 2, 0)
    a2 = create_achievement(title="镜架材料成果二", field="frame_materials")
    a2.published_at = datetime(2026, 10, 31, 17, 0)  # 11-01 01:00 Shanghai
    create_achievement(title="镜片镀膜成果", field="lenses_coatings")
    create_achievement(title="草稿成果", field="frame_materials", status="draft")
    n1 = create_need(title="镜架公开需求", field="frame_materials")
    n1.published_at = datetime(2026, 12, 3, 2, 0)
    secret = create_need(
        title="保密需求标题XYZ", field="frame_materials", confidential=True
    )
    secret.published_at = datetime(2026, 12, 3, 2, 0)
    old = create_achievement(title="很久以前的成果", field="frame_materials")
    old.published_at = datetime(2025, 6, 1, 2, 0)  # outside the 12 months
    create_need(title="未发布需求", field="frame_materials", status=NeedStatus.DRAFT)
    db.session.commit()
    _deal(db, create_org, DealStage.NEGOTIATION, achievement=a1)
    _deal(db, create_org, DealStage.NEGOTIATION, achievement=a2)
    _deal(db, create_org, DealStage.CLOSED, need=n1)
    _deal(db, create_org, DealStage.INTEREST, need=secret)
    return locals()


def test_briefing_counts_stages_and_trend(market):
    b = fields.briefing("frame_materials", NOW)
    assert (b.achievements, b.needs) == (3, 1)
    assert {s: n for s, _, n in b.stages} == {
        DealStage.NEGOTIATION: 2,
        DealStage.CLOSED: 1,
        DealStage.INTEREST: 1,
    }
    assert b.trend[0][0] == "2026-01" and b.trend[-1][0] == "2026-12"
    trend = dict(b.trend)
    assert trend["2026-12"] == 2  # a1 and n1; the confidential need is not counted
    assert trend["2026-11"] == 1  # a2 in Shanghai time
    assert sum(trend.values()) == 3
    titles = [x.title for _, x in b.recent]
    assert "保密需求标题XYZ" not in titles and "草稿成果" not in titles
    assert titles[0] == "镜架公开需求"
    assert fields.briefing("no_such_field") is None
    assert fields.counts()["lenses_coatings"] == (1, 0)


def test_chart_is_inline_svg_scaled_to_the_values():
    svg = str(fields.bar_chart([("2026-01", 0), ("2026-02", 4), ("2026-03", 2)]))
    assert svg.startswith("<svg") and "<script" not in svg and "http" not in svg[40:]
    assert svg.count("<rect") == 3
    assert "<title>2026-02: 4</title>" in svg


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_pages(client, market, lang):
    resp = client.get(f"/digest/fields/frame_materials?lang={lang}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "钛合金镜架焊接成果" in html and "镜架公开需求" in html
    assert "保密需求标题XYZ" not in html
    assert "<svg" in html
    if lang == "en":
        assert "3 published achievements, 1 needs, 4 deals." in html
    else:
        assert "已发布成果 3 项、需求 1 项，交易 4 笔。" in html
    index = client.get("/digest/fields/")
    assert index.status_code == 200
    assert "/digest/fields/smart_glasses" in index.get_data(as_text=True)
    assert client.get("/digest/fields/no_such_field").status_code == 404
