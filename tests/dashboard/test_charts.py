"""The bar charts leave room for their row labels, long English ones included."""

from __future__ import annotations

import re

from marketplace.dashboard import charts


def _label_x(svg: str, label: str) -> float:
    m = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>' + label + "<", svg)
    assert m, label
    return float(m.group(1))


def test_long_english_labels_fit_left_of_the_bars(app):
    long = "3D printing and design"  # 22 characters: ~154 px at font-size 12
    with app.test_request_context():
        svg = str(
            charts.grouped_bars([(long, [3, 1]), ("Other", [0, 0])], ["A", "B"], "t")
        )
        short = str(charts.grouped_bars([("镜架材料", [3, 1])], ["A", "B"], "t"))
        funnel = str(charts.funnel([("Under public notice", 2)], "t"))
    assert _label_x(svg, long) >= 22 * 7
    assert _label_x(short, "镜架材料") == 120 - 8  # short labels keep the old width
    assert _label_x(funnel, "Under public notice") >= 19 * 7
