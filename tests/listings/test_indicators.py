"""The one indicator parser: the plain forms people write, and the table form."""

from __future__ import annotations

import pytest

from marketplace.listings.indicators import (
    indicators_text,
    parse_indicators,
    parse_line,
)

PLAIN = [
    ("膜层附着力 ≥ 5B（百格法）", ("膜层附着力", "≥5B", "", "百格法")),
    ("盐雾 ≥ 48 h", ("盐雾", "≥48", "h", "")),
    ("透光率>92%", ("透光率", ">92", "%", "")),
    ("Adhesion >= 5B (cross-cut)", ("Adhesion", "≥5B", "", "cross-cut")),
    (
        "镍释放量 ≤ 0.5 μg/cm²/week (EN 1811)",
        ("镍释放量", "≤0.5", "μg/cm²/week", "EN 1811"),
    ),
    ("Haze <= 1 % (ASTM D1003)", ("Haze", "≤1", "%", "ASTM D1003")),
    ("雾度 < 1%", ("雾度", "<1", "%", "")),
    ("折射率 = 1.60", ("折射率", "=1.60", "", "")),
    ("重量 ～ 12 g", ("重量", "～12", "g", "")),
    ("重量 ~ 12 g", ("重量", "～12", "g", "")),
    ("透光率 ＞ 92 ％（GB/T 2410）", ("透光率", ">92", "％", "GB/T 2410")),
    ("硬度 ≥ 2H（铅笔法）", ("硬度", "≥2H", "", "铅笔法")),
    ("透光率 92%", ("透光率", "92", "%", "")),
    ("膜厚 80～120 nm", ("膜厚", "80～120", "nm", "")),
    ("工作温度 -20 ~ 60 ℃", ("工作温度", "-20~60", "℃", "")),
    ("PM2.5 ≤ 35 μg/m³", ("PM2.5", "≤35", "μg/m³", "")),
    ("附着力（百格法）≥ 5B", ("附着力", "≥5B", "", "百格法")),
    ("寿命 不低于 5000 次（GB/T 1）", ("寿命", "≥5000", "次", "GB/T 1")),
    ("公差：±0.05 mm。", ("公差", "±0.05", "mm", "")),
    (
        "Transmittance > 92% (ISO 8980-3)",
        ("Transmittance", ">92", "%", "ISO 8980-3"),
    ),
]


@pytest.mark.parametrize("line, expected", PLAIN)
def test_plain_lines_give_name_comparator_value_unit_method(line, expected):
    row = parse_line(line)
    assert (row["name"], row["value"], row["unit"], row["test_method"]) == expected


@pytest.mark.parametrize("line", ["耐腐蚀性好", "附着力很强", "", "（百格法）"])
def test_lines_without_a_number_are_not_plain_indicators(line):
    assert parse_line(line) is None


def test_the_table_form_is_kept_with_full_width_bars(app):
    with app.test_request_context():
        parsed = parse_indicators("附着力 ｜ ≥5B ｜ 级 ｜ GB/T 9286\n\n盐雾 | ≥48 | h")
    assert parsed.errors == []
    assert parsed.rows == [
        {"name": "附着力", "value": "≥5B", "unit": "级", "test_method": "GB/T 9286"},
        {"name": "盐雾", "value": "≥48", "unit": "h", "test_method": ""},
    ]


def test_both_forms_mix_and_round_trip_through_the_table_form(app):
    text = "膜层附着力 ≥ 5B（百格法）\n中性盐雾 | ≥72 | h | GB/T 10125\n透光率>92%"
    with app.test_request_context():
        rows = parse_indicators(text, "target").rows
        again = parse_indicators(indicators_text(rows, "target"), "target").rows
    assert [r["target"] for r in rows] == ["≥5B", "≥72", ">92"]
    assert again == rows
    assert (
        indicators_text(rows, "target").splitlines()[0]
        == "膜层附着力 | ≥5B |  | 百格法"
    )


def test_each_bad_line_gets_its_own_message(app):
    text = "盐雾 ≥ 48 h\n耐腐蚀性好\n≥ 5B\na | b | c | d | e\n附着力 | | 级"
    with app.test_request_context():
        parsed = parse_indicators(text, require_value=True)
    assert len(parsed.errors) == 4
    first, second, third, fourth = parsed.errors
    assert "第 2 行无法识别" in first and "耐腐蚀性好" in first
    assert "第 3 行缺少指标名称" in second
    assert "第 4 行的栏目过多" in third
    assert "第 5 行缺少数值" in fourth


def test_messages_speak_english_too(app):
    with app.test_request_context("/?lang=en"):
        parsed = parse_indicators("very good adhesion")
    assert parsed.errors and "Line 1" in parsed.errors[0]
