"""The achievement form reads indicators in the plain form people write."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.achievements.models import Achievement

from .conftest import valid_form


def test_plain_indicator_lines_are_saved_as_rows(client, login, people, db):
    login(people["owner"])
    text = (
        "膜层附着力 ≥ 5B（百格法）\n盐雾 ≥ 48 h\n透光率>92%\n"
        "镍释放量 ≤ 0.5 μg/cm²/week (EN 1811)\n焊点抗拉强度 | ≥ 450 | MPa | GB/T 228.1"
    )
    response = client.post("/achievements/new", data=valid_form(indicators=text))
    assert response.status_code == 302
    a = db.session.scalars(sa.select(Achievement)).one()
    assert a.indicators[0] == {
        "name": "膜层附着力",
        "value": "≥5B",
        "unit": "",
        "test_method": "百格法",
    }
    assert [r["unit"] for r in a.indicators] == ["", "h", "%", "μg/cm²/week", "MPa"]
    edit = client.get(f"/achievements/{a.id}/edit").get_data(as_text=True)
    assert "膜层附着力 | ≥5B |  | 百格法" in edit


def test_bad_lines_are_named_one_by_one_and_nothing_saved(client, login, people, db):
    login(people["owner"])
    response = client.post(
        "/achievements/new",
        data=valid_form(indicators="盐雾 ≥ 48 h\n耐腐蚀性好\n附着力很强"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第 2 行无法识别" in page and "第 3 行无法识别" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Achievement)) == 0
