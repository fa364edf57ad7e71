"""Keyset pagination with opaque cursors: base64 of the last row's sort key and id.

A list's query keeps the page's own ORDER BY; `Key`s name the same columns in the same
order, so "after this cursor" is the lexicographic condition over them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from .problems import ApiProblem


@dataclasses.dataclass(frozen=True)
class Key:
    #: The SQL expression the query orders by.
    expr: Any
    descending: bool
    #: How to read the value from a row object.
    get: Callable[[Any], Any]
    #: "int", "bool" or "datetime": how the value travels in the cursor.
    kind: str = "int"


def _encode_value(kind: str, value):
    if value is None:
        return None
    return value.isoformat() if kind == "datetime" else value


def _decode_value(kind: str, value):
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and type(value) is int and abs(value) < 2**62:
        return value
    raise ValueError(value)


def encode_cursor(payload: Any) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiProblem(
            400, "The cursor is not valid.", slug="invalid-cursor"
        ) from None


def _same(key: Key, value) -> sa.ColumnElement:
    if value is None:
        return key.expr.is_(None)
    if key.kind == "bool":
        return key.expr if value else sa.not_(key.expr)
    return key.expr == value


def _beyond(key: Key, value) -> sa.ColumnElement | None:
    """Strictly after `value` in this key's direction; None when nothing can be."""
    if value is None:
        return None  # nulls sit in their own group, led by a flag key
    if key.kind == "bool":
        if value == (not key.descending):
            return None  # already the last value in this direction
        return sa.not_(key.expr) if key.descending else key.expr
    return key.expr < value if key.descending else key.expr > value


def _after(keys: list[Key], values: list) -> sa.ColumnElement:
    """Rows strictly after `values` in the keys' lexicographic order."""
    clauses = []
    for i, key in enumerate(keys):
        beyond = _beyond(key, values[i])
        if beyond is None:
            continue
        same = [_same(k, v) for k, v in zip(keys[:i], values[:i], strict=True)]
        clauses.append(sa.and_(*same, beyond))
    return sa.or_(*clauses) if clauses else sa.false()


def keyset_page(
    query: sa.Select,
    keys: list[Key],
    cursor: str | None,
    limit: int,
    visible: Callable[[Any], bool] | None = None,
) -> dict:
    """One page of `query` after `cursor`: {"items": [...], "next_cursor": str | None}."""
    if cursor:
        payload = decode_cursor(cursor)
        try:
            if not isinstance(payload, list) or len(payload) != len(keys):
                raise ValueError(payload)
            values = [
                _decode_value(k.kind, v) for k, v in zip(keys, payload, strict=True)
            ]
        except (ValueError, TypeError):
            raise ApiProblem(
                400, "The cursor is not valid.", slug="invalid-cursor"
            ) from None
        query = query.where(_after(keys, values))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([_encode_value(k.kind, k.get(last)) for k in keys])
    if visible is not None:
        rows = [r for r in rows if visible(r)]
    return {"items": rows, "next_cursor": next_cursor}
