"""The translation form reads indicators in the plain form people write."""

from __future__ import annotations

from marketplace.listings.lifecycle import NeedStatus


def test_a_plain_indicator_line_is_accepted_in_a_translation(
    db, broker, create_need, client_for, translation_form
):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    c = client_for(broker)
    response = c.post(
        f"/needs/{need.id}/translate",
        data=translation_form(indicators="膜层附着力 ≥ 5B（百格法）\n盐雾 ≥ 48 h"),
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.current_translation.indicators == [
        {"name": "膜层附着力", "target": "≥5B", "unit": "", "test_method": "百格法"},
        {"name": "盐雾", "target": "≥48", "unit": "h", "test_method": ""},
    ]
    page = c.get(f"/needs/{need.id}/translate").get_data(as_text=True)
    assert "膜层附着力 | ≥5B |  | 百格法" in page


def test_a_bad_line_is_named_and_no_version_saved(
    db, broker, create_need, client_for, translation_form
):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    response = client_for(broker).post(
        f"/needs/{need.id}/translate",
        data=translation_form(indicators="盐雾 ≥ 48 h\n耐腐蚀性要好"),
    )
    assert response.status_code == 422
    assert "第 2 行无法识别" in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.translations == []
