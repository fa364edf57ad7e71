"""Flat records (JSON, CSV or XLSX rows) ⇄ listing fields, with row-level validation.

The demo loader and `flask listings import` both go through `clean_record`, so a rule
about what a valid listing row is lives here once.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from ..core.domain import CooperationMode, Field, IpForm, PatentStatus, PricingMode
from ..core.forms import keyword_list
from .indicators import parse_line
from .lifecycle import ListingStatus

KINDS = ("achievement", "need")
LIST_SPLIT = re.compile(r"[,，;；、|/\s]+")
MAX_TEXT = {"title": 200, "summary": 5000, "detail": 20000, "description": 5000}


class RecordError(ValueError):
    """The record cannot be imported; `reasons` are translated messages."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def _int(
    value: Any,
    name: str,
    errors: list[str],
    lo: int | None = None,
    hi: int | None = None,
):
    if _blank(value):
        return None
    try:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        number = int(str(value).strip().replace(",", "").removesuffix(".0"))
    except ValueError:
        errors.append(_("%(name)s 必须是整数", name=name))
        return None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        errors.append(_("%(name)s 超出范围 %(lo)s–%(hi)s", name=name, lo=lo, hi=hi))
        return None
    return number


def _date(value: Any, name: str, errors: list[str]) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors.append(_("%(name)s 不是有效日期（YYYY-MM-DD）", name=name))
        return None


def _json_or(value: Any):
    if isinstance(value, str) and value.strip()[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _codes(value: Any, allowed: type, name: str, errors: list[str]) -> list[str]:
    value = _json_or(value)
    items = value if isinstance(value, list) else LIST_SPLIT.split(_text(value))
    codes = [str(i).strip() for i in items if str(i).strip()]
    bad = [c for c in codes if c not in {m.value for m in allowed}]
    if bad:
        errors.append(
            _("%(name)s 含无效代码：%(codes)s", name=name, codes=", ".join(bad))
        )
    return [c for c in codes if c not in bad]


def _code(value: Any, allowed: type, name: str, errors: list[str]) -> str | None:
    text = _text(value)
    if not text:
        return None
    if text not in {m.value for m in allowed}:
        errors.append(_("%(name)s 无效：%(value)s", name=name, value=text))
        return None
    return text


def _keywords(value: Any) -> list[str]:
    value = _json_or(value)
    if isinstance(value, list):
        return keyword_list(",".join(str(v) for v in value))
    return keyword_list(_text(value))


def _indicators(value: Any, target_key: str) -> list[dict[str, str]]:
    """Accept a JSON list of dicts, or lines / semicolons of 'name | value | unit | method'."""
    value = _json_or(value)
    if isinstance(value, list):
        rows = []
        for item in value:
            if isinstance(item, dict):
                rows.append(
                    {
                        "name": _text(item.get("name")),
                        target_key: _text(
                            item.get(target_key)
                            or item.get("value")
                            or item.get("target")
                        ),
                        "unit": _text(item.get("unit")),
                        "test_method": _text(item.get("test_method")),
                    }
                )
            elif _text(item):
                rows.append(
                    {"name": _text(item), target_key: "", "unit": "", "test_method": ""}
                )
        return [r for r in rows if r["name"]]
    rows = []
    for line in re.split(r"[\n;；]+", _text(value)):
        plain = None if "|" in line else parse_line(line)
        if plain is not None and plain["name"]:
            # The plain form people write ("盐雾 ≥ 48 h"), read like the forms read it.
            plain[target_key] = plain.pop("value")
            rows.append(plain)
            continue
        parts = [p.strip() for p in line.split("|")]
        if parts and parts[0]:
            parts += [""] * (4 - len(parts))
            rows.append(
                {
                    "name": parts[0],
                    target_key: parts[1],
                    "unit": parts[2],
                    "test_method": parts[3],
                }
            )
    return rows


def _inventors(value: Any, errors: list[str]) -> list[dict[str, Any]]:
    value = _json_or(value)
    people: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and _text(item.get("name")):
                people.append({"name": _text(item["name"]), "share": item.get("share")})
    else:
        for chunk in re.split(r"[\n;；,，]+", _text(value)):
            m = re.match(r"^\s*(.+?)\s*[:：]?\s*(\d{1,3})\s*%?\s*$", chunk)
            if m:
                people.append({"name": m.group(1), "share": m.group(2)})
            elif chunk.strip():
                people.append({"name": chunk.strip(), "share": None})
    if not people:
        return []
    if all(p["share"] in (None, "") for p in people):
        base, extra = divmod(100, len(people))
        for i, p in enumerate(people):
            p["share"] = base + (1 if i < extra else 0)
    shares = [_int(p["share"], _("发明人份额"), errors, 0, 100) for p in people]
    if None not in shares and sum(shares) != 100:
        errors.append(
            _("发明人份额之和必须为 100%%（现为 %(total)s%%）", total=sum(shares))
        )
    return [
        {"name": p["name"][:60], "share": s or 0}
        for p, s in zip(people, shares, strict=True)
    ]


def clean_record(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate a raw record and return clean listing fields; RecordError if it is bad."""
    errors: list[str] = []
    rec = {str(k).strip(): v for k, v in raw.items() if k is not None}
    kind = _text(rec.get("kind")).lower()
    if kind not in KINDS:
        raise RecordError([_("kind 必须是 achievement 或 need")])
    out: dict[str, Any] = {
        "kind": kind,
        "organization": _text(rec.get("organization")),
        "external_ref": _text(rec.get("external_ref"))[:64] or None,
        "title": _text(rec.get("title")),
        "keywords": _keywords(rec.get("keywords")),
        "cooperation_modes": _codes(
            rec.get("cooperation_modes"), CooperationMode, "cooperation_modes", errors
        ),
        "valid_until": _date(rec.get("valid_until"), "valid_until", errors),
        "status": _text(rec.get("status")) or ListingStatus.PUBLISHED.value,
    }
    if not out["organization"]:
        errors.append(_("缺少 organization（机构名称）"))
    if not out["title"]:
        errors.append(_("缺少 title（标题）"))
    body_key = "summary" if kind == "achievement" else "description"
    out[body_key] = _text(rec.get(body_key))
    if not out[body_key]:
        errors.append(_("缺少 %(name)s", name=body_key))
    for key, limit in MAX_TEXT.items():
        if len(out.get(key) or "") > limit:
            errors.append(_("%(name)s 过长（最多 %(n)s 字）", name=key, n=limit))
    if kind == "achievement":
        _clean_achievement(rec, out, errors)
    else:
        _clean_need(rec, out, errors)
    if errors:
        raise RecordError(errors)
    return out


def _clean_achievement(rec: dict, out: dict, errors: list[str]) -> None:
    out["detail"] = _text(rec.get("detail"))
    out["field"] = _code(rec.get("field"), Field, "field", errors)
    out["trl"] = _int(rec.get("trl"), "trl", errors, 1, 9)
    out["ip_form"] = _code(rec.get("ip_form"), IpForm, "ip_form", errors)
    out["patent_number"] = _text(rec.get("patent_number"))[:40] or None
    out["patent_status"] = _code(
        rec.get("patent_status"), PatentStatus, "patent_status", errors
    )
    out["patent_filing_date"] = _date(
        rec.get("patent_filing_date"), "patent_filing_date", errors
    )
    out["pricing_mode"] = _code(
        rec.get("pricing_mode"), PricingMode, "pricing_mode", errors
    )
    out["price_fen"] = _int(rec.get("price_fen"), "price_fen", errors, 0, 10**13)
    out["indicators"] = _indicators(rec.get("indicators"), "value")
    out["application_scenarios"] = _text(rec.get("application_scenarios"))
    out["inventors"] = _inventors(rec.get("inventors"), errors)


def _clean_need(rec: dict, out: dict, errors: list[str]) -> None:
    tr = rec.get("translation")
    tr = _json_or(tr) if tr else None
    tr = tr if isinstance(tr, dict) else rec
    out["budget_min_fen"] = _int(
        rec.get("budget_min_fen"), "budget_min_fen", errors, 0, 10**13
    )
    out["budget_max_fen"] = _int(
        rec.get("budget_max_fen"), "budget_max_fen", errors, 0, 10**13
    )
    if (out["budget_min_fen"] or 0) > (out["budget_max_fen"] or 10**14):
        errors.append(_("预算下限不能高于上限"))
    out["deadline"] = _date(rec.get("deadline"), "deadline", errors)
    out["trl_min"] = _int(rec.get("trl_min"), "trl_min", errors, 1, 9)
    confidential = _text(rec.get("confidential")).lower()
    out["confidential"] = confidential in {"1", "true", "yes", "是", "y"}
    # An imported need counts as translated: without a written translation, the
    # firm's description stands as the technical problem.
    out["translation"] = {
        "technical_problem": _text(tr.get("technical_problem")) or out["description"],
        "indicators": _indicators(tr.get("indicators"), "target"),
        "existing_conditions": _text(tr.get("existing_conditions")),
        "field": _code(tr.get("field") or rec.get("field"), Field, "field", errors),
        "keywords": _keywords(tr.get("keywords") or rec.get("keywords")),
    }
    out["field"] = out["translation"]["field"]
    if not out["keywords"]:
        out["keywords"] = out["translation"]["keywords"]
    has_translation = isinstance(rec.get("translation"), dict) or _text(
        rec.get("technical_problem")
    )
    out["has_written_translation"] = bool(has_translation)
