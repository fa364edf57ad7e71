"""Need services without the web: indicators, versions, the word diff, CSRF on posting."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.listings.lifecycle import NeedStatus
from marketplace.needs import services
from marketplace.needs.diff import word_diff
from marketplace.needs.models import Need


def test_indicator_lines_are_parsed_with_full_width_bars(app):
    with app.test_request_context():
        rows = services.parse_indicators(
            "附着力 ｜ ≥5B ｜ 级 ｜ GB/T 9286\n\n盐雾 | ≥48 | h"
        )
    assert rows == [
        {"name": "附着力", "target": "≥5B", "unit": "级", "test_method": "GB/T 9286"},
        {"name": "盐雾", "target": "≥48", "unit": "h", "test_method": ""},
    ]
    assert services.indicators_text(rows).splitlines()[1] == "盐雾 | ≥48 | h"


def test_indicators_need_at_least_one_target(app):
    with app.test_request_context(), pytest.raises(ValidationFailed):
        services.parse_indicators("附着力\n盐雾 |  | h")


def test_each_save_adds_a_version_and_the_need_follows_the_latest(
    app, db, broker, create_need
):
    need = create_need(status=NeedStatus.TRANSLATING, broker_id=broker.id)
    data = {
        "technical_problem": "问题",
        "indicators": "附着力 | 5B",
        "field": "automation",
        "keywords": ["机器人"],
    }
    with app.test_request_context():
        services.save_translation(need, broker, data)
        services.save_translation(need, broker, {**data, "field": "environmental"})
    db.session.commit()
    db.session.refresh(need)
    assert [t.version for t in need.translations] == [1, 2]
    assert need.translations[0].field == "automation"
    assert need.field == "environmental"


def test_supplier_cannot_create_a_need_through_the_service(app, db, supplier):
    with app.test_request_context(), pytest.raises(PermissionDenied):
        services.create_need(
            supplier.organization, supplier, {"title": "x", "description": "y"}
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 0


def test_firm_cannot_create_a_need_for_another_firm(app, db, firm, other_firm):
    with app.test_request_context(), pytest.raises(PermissionDenied):
        services.create_need(
            other_firm.organization, firm, {"title": "x", "description": "y"}
        )


def test_word_diff_keeps_words_whole_and_marks_changes():
    assert word_diff("盐雾 ≥48 h", "盐雾 ≥72 h") == [
        ("same", "盐雾 "),
        ("del", "≥48"),
        ("ins", "≥72"),
        ("same", " h"),
    ]
    assert word_diff("", "新") == [("ins", "新")]


def test_forged_csrf_token_is_refused(app, db, firm, client_for, need_form):
    c = client_for(firm)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = c.post("/needs/new", data=need_form(csrf_token="forged"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 0
