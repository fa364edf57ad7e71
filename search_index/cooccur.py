"""Related terms learned from the market's own listings (co-occurrence)."""

from __future__ import annotations


def cooccurring(term: str) -> set[str]:
    return set()
