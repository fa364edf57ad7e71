"""HTML snippets with <mark> around matched words; everything else is escaped."""

from __future__ import annotations

from html import escape

from .analysis import analyze_for

#: Length of a body snippet in characters.
SNIPPET_CHARS = 160


def highlight(
    text: str, terms: set[str], whole: bool = False, spec: str | None = None
) -> str:
    """Escape ``text`` and mark the words whose index terms are in ``terms``.

    With ``whole`` the full text is returned; otherwise the window of
    SNIPPET_CHARS holding the most matches, with ellipses where it was cut.
    An empty string means nothing matched (and ``whole`` was not asked for).
    ``spec`` is the text's stored ``analysis.highlight_spec`` (spares jieba).
    """
    if not text:
        return ""
    spans = []
    for w in analyze_for(text, frozenset(terms), spec):
        if w.text in terms or any(s in terms for s in w.subs):
            if spans and w.start < spans[-1][1]:
                continue
            spans.append((w.start, w.end))
    if not spans and not whole:
        return ""
    lo, hi = 0, len(text)
    if not whole and len(text) > SNIPPET_CHARS:
        best, best_n = spans[0][0], 0
        for s, _ in spans:
            n = sum(1 for a, b in spans if s <= a and b <= s + SNIPPET_CHARS)
            if n > best_n:
                best, best_n = s, n
        lo = max(0, min(best - 20, len(text) - SNIPPET_CHARS))
        hi = min(len(text), lo + SNIPPET_CHARS)
    out = ["…" if lo > 0 else ""]
    pos = lo
    for a, b in spans:
        if a < lo or b > hi:
            continue
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:hi]))
    out.append("…" if hi < len(text) else "")
    return "".join(out)
