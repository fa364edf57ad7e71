"""Whoosh schemas for achievements and needs, and turning app dicts into documents."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from whoosh.analysis import RegexTokenizer
from whoosh.columns import FixedBytesColumn, NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import EyewearAnalyzer
from .highlight import highlight_spec

KINDS = ("achievements", "needs")
FIELDS = (
    "frame_materials",
    "surface_treatment",
    "lenses_coatings",
    "myopia_control",
    "optometry_devices",
    "smart_glasses",
    "design_3d_printing",
    "automation",
    "environmental",
    "other",
)
#: Fields close enough that a match across them is "related" rather than "different".
RELATED_FIELDS = {
    frozenset({"frame_materials", "surface_treatment"}),
    frozenset({"lenses_coatings", "myopia_control"}),
    frozenset({"lenses_coatings", "surface_treatment"}),
    frozenset({"optometry_devices", "myopia_control"}),
    frozenset({"design_3d_printing", "frame_materials"}),
    frozenset({"automation", "surface_treatment"}),
    frozenset({"environmental", "surface_treatment"}),
    frozenset({"smart_glasses", "optometry_devices"}),
    frozenset({"smart_glasses", "lenses_coatings"}),
}
#: Whoosh field boosts (BM25F): a word in the title counts as much as three in the body.
TITLE_BOOST = 3.0
#: Sorting key for a missing price: sorts after every real price.
NO_PRICE = 2**62
#: Bytes of a listing's dense vector (dense.DIM int8 values).
DENSE_BYTES = 512
#: Columns that are no facet, filter or sort (the shared files keep them apart).
VECTOR_COLUMNS = ("dense", "dense_fp")


def trl_band(trl: int | None) -> str | None:
    """TRL band: low (1-3), mid (4-6) or high (7-9)."""
    if not trl:
        return None
    return "low" if trl <= 3 else "mid" if trl <= 6 else "high"


def make_schema(kind: str) -> Schema:
    """The schema of one index; both share the text and facet fields."""
    analyzer = EyewearAnalyzer()
    fields = {
        # Also a column: a result list without snippets needs only the ids.
        "id": ID(stored=True, unique=True, sortable=True),
        "title": TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST),
        # Keywords are searched through ``text``; stored here for highlights.
        "keywords": STORED(),
        # Everything searchable in one field: one posting list per query word.
        "text": TEXT(analyzer=analyzer),
        "body": STORED(),
        # highlight_spec of title, keywords and body: highlights without jieba.
        HIGHLIGHT_SPEC: STORED(),
        # Unstemmed English words, the vocabulary for "did you mean".
        "spell": TEXT(analyzer=RegexTokenizer(r"[a-z]{3,}"), phrase=False),
        "external_ref": ID(stored=True),
        "field": ID(stored=True, sortable=True),
        "cooperation_modes": KEYWORD(stored=True, commas=True, lowercase=True),
        "coop_key": ID(sortable=True),
        "org_id": ID(stored=True),
        "org_name": STORED(),
        "org_type": ID(stored=True, sortable=True),
        "status": ID(stored=True, sortable=True),
        # Who may see the listing in a result list: "public", or "members" (signed-in
        # users only: a confidential need). Counts and facets filter on it too.
        "audience": ID(sortable=True),
        # Sort-only values live in columns: no postings to write or merge.
        "published_at": COLUMN(NumericColumn("q")),
        "trl": NUMERIC(int, stored=True, sortable=True, shift_step=0),
        "trl_band": ID(stored=True, sortable=True),
        "price": NUMERIC(int, bits=64, stored=True, sortable=True, shift_step=16),
        "has_price": COLUMN(NumericColumn("B")),
        "pricing_mode": ID(stored=True, sortable=True),
        # The listing's sentence vector (dense.py: 512 signed bytes) and the
        # CRC-32 of the text it was encoded from (a rebuild reuses it).
        "dense": COLUMN(FixedBytesColumn(DENSE_BYTES)),
        "dense_fp": COLUMN(NumericColumn("I")),
    }
    if kind == "needs":
        fields.update(budget_min=NUMERIC(int, bits=64, stored=True))
    return Schema(**fields)


def as_text(value) -> str:
    """Plain text of a str, a list of lines, or indicator dicts (name, value, unit)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        keys = ("name", "value", "target", "unit")
        return " ".join(str(value[k]) for k in keys if value.get(k) not in (None, ""))
    if isinstance(value, (list, tuple)):
        return " ; ".join(t for t in (as_text(v) for v in value) if t)
    return str(value)


def _epoch(value) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    return 0


#: Stored fields highlighted in results, and the field with their highlight specs.
HIGHLIGHT_FIELDS = ("title", "keywords", "body")
HIGHLIGHT_SPEC = "hl_spec"

_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _spell_words(*texts: str | None) -> str:
    words = {w.lower() for t in texts if t for w in _LATIN_WORD.findall(t)}
    return " ".join(sorted(words))


def _keywords_text(doc: dict) -> str:
    return " ; ".join(as_text(k) for k in (doc.get("keywords") or []) if k)


def text_parts(doc: dict) -> list[str]:
    """The non-empty parts of the combined ``text`` field, in order."""
    indicators = [as_text(k) for k in (doc.get("indicators") or []) if k]
    parts = (
        doc.get("title") or "",
        _keywords_text(doc),
        doc.get("body") or "",
        *indicators,
        doc.get("org_name") or "",
    )
    return [p for p in parts if p]


def to_document(
    kind: str, doc: dict, specs: dict | None = None, parts: list[str] | None = None
) -> dict:
    """Turn an app dict (see README) into the fields of one Whoosh document.

    ``specs`` may give the highlight specs of texts already analysed, and
    ``parts`` the document's :func:`text_parts`.
    """
    specs = specs or {}
    title = doc.get("title") or ""
    body = doc.get("body") or ""
    org_name = doc.get("org_name") or ""
    kw_text = _keywords_text(doc)
    if kind == "needs":
        trl = doc.get("trl_min")
        price = doc.get("budget_max_fen")
    else:
        trl = doc.get("trl")
        price = doc.get("price_fen")
    out = {
        "id": str(doc["id"]),
        "title": title,
        "keywords": kw_text,
        "text": "\n".join(text_parts(doc) if parts is None else parts),
        "body": body,
        HIGHLIGHT_SPEC: tuple(
            specs[t] if t in specs else highlight_spec(t)
            for t in (title, kw_text, body)
        ),
        "spell": _spell_words(title, kw_text, body),
        "external_ref": doc.get("external_ref") or None,
        "field": doc.get("field") or "other",
        "cooperation_modes": ",".join(doc.get("cooperation_modes") or []) or None,
        "coop_key": ",".join(sorted(doc.get("cooperation_modes") or [])) or None,
        "org_id": str(doc["org_id"]) if doc.get("org_id") is not None else None,
        "org_name": org_name,
        "org_type": doc.get("org_type") or None,
        "status": doc.get("status") or "published",
        "audience": "members" if doc.get("members_only") else "public",
        "published_at": _epoch(doc.get("published_at")),
        "trl": int(trl) if trl else None,
        "trl_band": trl_band(int(trl)) if trl else None,
        "price": int(price) if price is not None else NO_PRICE,
        "has_price": 0 if price is None else 1,
        "pricing_mode": doc.get("pricing_mode") or None,
    }
    if kind == "needs" and doc.get("budget_min_fen") is not None:
        out["budget_min"] = int(doc["budget_min_fen"])
    return {k: v for k, v in out.items() if v is not None}
