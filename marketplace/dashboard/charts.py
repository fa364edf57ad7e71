"""Server-side SVG charts (funnel, grouped bars, monthly lines, target progress): no
JavaScript, no inline styles (colours are SVG presentation attributes, allowed by the
CSP); each chart sits beside an HTML table of the same numbers."""

from __future__ import annotations

import itertools

from flask_babel import gettext as _
from markupsafe import Markup, escape

#: Colour-blind-safe palette (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
_ids = itertools.count(1)


def _svg(
    width: int, height: int, title: str, body: list[str], size: str = 'width="100%"'
) -> Markup:
    tid = f"chart-title-{next(_ids)}"
    # Safe: every text that reaches `body` or `title` went through escape().
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" aria-labelledby="{tid}" class="chart" '
        f'font-family="sans-serif" font-size="12">'
        f'<title id="{tid}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _text(
    x: float,
    y: float,
    text,
    anchor: str = "start",
    fill: str = "#212529",
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(str(text))}</text>"
    )


def _label_width(labels, minimum: int, maximum: int = 260) -> int:
    """Room for right-aligned row labels at font-size 12: about 12 px a CJK character,
    7 px any other, so English labels ("Optometry equipment") are not cut at x=0."""
    est = max(
        (sum(12 if ord(c) >= 0x2E80 else 7 for c in str(t)) for t in labels), default=0
    )
    return max(minimum, min(maximum, est + 16))


def funnel(steps: list[tuple[str, int]], title: str) -> Markup:
    """Centred bars narrowing with the number of deals reaching each stage."""
    width, row = 640, 34
    label_w = _label_width((s for s, _n in steps), 130)
    top = max((n for _s, n in steps), default=0) or 1
    body, span = [], width - label_w - 60
    for i, (label, n) in enumerate(steps):
        y = 8 + i * row
        w = max(2.0, span * n / top) if n else 0
        x = label_w + (span - w) / 2
        body.append(_text(label_w - 8, y + 20, label, "end"))
        if w:
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 6}" '
                f'rx="3" fill="{PALETTE[0]}" class="funnel-step"/>'
            )
        body.append(_text(label_w + span + 8, y + 20, n, extra=' font-weight="bold"'))
    return _svg(width, 16 + len(steps) * row, title, body)


def grouped_bars(
    rows: list[tuple[str, list[int]]], series: list[str], title: str
) -> Markup:
    """Horizontal grouped bars: one group per row (e.g. a technical field)."""
    width, bar_h = 640, 10
    label_w = _label_width((label for label, _v in rows), 120)
    group_h = bar_h * len(series) + 10
    top = max((v for _l, vals in rows for v in vals), default=0) or 1
    span = width - label_w - 50
    body = [_legend(series, 4)]
    for i, (label, values) in enumerate(rows):
        y0 = 28 + i * group_h
        body.append(_text(label_w - 8, y0 + group_h / 2, label, "end"))
        for j, v in enumerate(values):
            y = y0 + j * bar_h
            w = span * v / top
            if v:
                body.append(
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"/>'
                )
            body.append(
                _text(label_w + w + 4, y + bar_h - 2, v, extra=' font-size="10"')
            )
    return _svg(width, 36 + len(rows) * group_h, title, body)


def _legend(series: list[str], y: float) -> str:
    parts, x = [], 8.0
    for j, name in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="12" height="12" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
        )
        parts.append(_text(x + 16, y + 11, name))
        x += 24 + 13 * len(name)
    return "".join(parts)


def lines(months: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """Monthly lines with a point per month and a y axis from 0 to the maximum."""
    width, height, left, bottom, top_pad = 640, 260, 40, 30, 30
    plot_w, plot_h = width - left - 16, height - bottom - top_pad
    top = max((v for vals in series.values() for v in vals), default=0) or 1
    n = max(len(months) - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + plot_w * i / n, top_pad + plot_h * (1 - v / top)

    body = [_legend(list(series), 4)]
    for k in range(5):  # gridlines at 0, ¼, ½, ¾ and the top
        value = top * k / 4
        y = top_pad + plot_h * (1 - k / 4)
        body.append(
            f'<line x1="{left}" x2="{width - 16}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dee2e6"/>'
        )
        body.append(
            _text(
                left - 6,
                y + 4,
                f"{value:.0f}" if top >= 4 else f"{value:.1f}",
                "end",
                "#6c757d",
            )
        )
    step = max(1, len(months) // 12)
    for i, month in enumerate(months):
        if i % step == 0:
            body.append(_text(xy(i, 0)[0], height - 10, month[2:], "middle", "#6c757d"))
    for j, (name, values) in enumerate(series.items()):
        colour = PALETTE[j % len(PALETTE)]
        points = [xy(i, v) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        for (x, y), v in zip(points, values, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}: {v}</title></circle>"
            )
    return _svg(width, height, title, body)


def progress(percent: float | None, title: str) -> Markup:
    """A target progress bar: filled to min(percent, 100), the number at the right."""
    width, height = 240, 18
    if percent is None:
        return Markup('<span class="text-muted small">{}</span>').format(_("未设目标"))
    filled = width * min(max(percent, 0), 100) / 100
    colour = PALETTE[2] if percent >= 100 else PALETTE[0]
    body = [
        f'<rect x="0" y="2" width="{width}" height="14" rx="3" fill="#e9ecef"/>',
        f'<rect x="0" y="2" width="{filled:.1f}" height="14" rx="3" fill="{colour}"/>',
    ]
    svg = _svg(
        width,
        height,
        f"{title}: {percent}%",
        body,
        size=f'width="{width}" height="{height}"',
    )
    return Markup(
        '<span class="d-inline-flex align-items-center gap-2">{}<span>{}%</span></span>'
    ).format(svg, percent)
