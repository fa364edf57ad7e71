"""Reading listing records from CSV, XLSX or JSON Lines files, with their line numbers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from ..core.exports import unquote

#: Chinese column headers (as in the downloadable template) and their field names.
HEADER_ALIASES = {
    "类型": "kind",
    "机构": "organization",
    "机构名称": "organization",
    "编号": "external_ref",
    "外部编号": "external_ref",
    "标题": "title",
    "名称": "title",
    "摘要": "summary",
    "成果简介": "summary",
    "需求描述": "description",
    "描述": "description",
    "技术领域": "field",
    "领域": "field",
    "关键词": "keywords",
    "成熟度": "trl",
    "技术指标": "indicators",
    "合作方式": "cooperation_modes",
    "价格（分）": "price_fen",
    "价格(分)": "price_fen",
    "预算上限（分）": "budget_max_fen",
    "预算下限（分）": "budget_min_fen",
    "定价方式": "pricing_mode",
    "知识产权形式": "ip_form",
    "专利号": "patent_number",
    "专利状态": "patent_status",
    "申请日": "patent_filing_date",
    "发明人": "inventors",
    "应用场景": "application_scenarios",
    "有效期至": "valid_until",
    "截止日期": "deadline",
    "所需成熟度": "trl_min",
    "技术难题": "technical_problem",
    "现有条件": "existing_conditions",
    "保密": "confidential",
    "机密详情": "detail",
}


class FileFormatError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, bad encoding)."""


def _header(name: Any, aliases: dict[str, str]) -> str:
    text = str(name or "").strip().lstrip("\ufeff")
    return aliases.get(text, text)


def _headers(row, aliases: dict[str, str]) -> list[str]:
    """The field names of a header row; a row naming no known field is refused
    (a file of something else, or one without its header row)."""
    header = [_header(h, aliases) for h in row]
    if not set(header) & set(aliases.values()):
        raise FileFormatError(
            _(
                "第一行不是可识别的表头：%(found)s（需要 kind、organization、title 等列，见导入模板）",
                found="、".join(h for h in header if h)[:200] or "?",
            )
        )
    return header


def read_records(
    path: str | Path, data: bytes | None = None, aliases: dict[str, str] | None = None
) -> Iterator[tuple[int, dict]]:
    """Yield (line number, record) from a .csv, .xlsx or .jsonl/.json file.

    `aliases` maps column headers to field names (the listings' by default; the
    firm roster passes its own)."""
    aliases = HEADER_ALIASES if aliases is None else aliases
    suffix = Path(path).suffix.lower()
    if data is None:
        data = Path(path).read_bytes()
    if suffix == ".xlsx":
        yield from _xlsx(data, aliases)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl(data)
    elif suffix in (".csv", ".txt"):
        yield from _csv(data, aliases)
    else:
        raise FileFormatError(
            _(
                "不支持的文件格式：%(suffix)s（请使用 CSV、XLSX 或 JSON Lines）",
                suffix=suffix or "?",
            )
        )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("无法识别文件编码，请保存为 UTF-8。"))


def _csv(data: bytes, aliases: dict[str, str]) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = _headers(next(reader), aliases)
    except StopIteration:
        raise FileFormatError(_("文件为空。")) from None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        yield (
            reader.line_num,
            {h: unquote(v) for h, v in zip(header, row, strict=False)},
        )


def _jsonl(data: bytes) -> Iterator[tuple[int, dict]]:
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith("["):  # a plain JSON array is accepted too
        try:
            items = json.loads(stripped)
        except ValueError as exc:
            raise FileFormatError(_("JSON 格式错误：%(e)s", e=str(exc))) from None
        for i, item in enumerate(items, start=1):
            yield i, item if isinstance(item, dict) else {}
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield number, {"__error__": _("该行不是有效的 JSON")}
            continue
        yield (
            number,
            item if isinstance(item, dict) else {"__error__": _("该行不是 JSON 对象")},
        )


def _xlsx(data: bytes, aliases: dict[str, str]) -> Iterator[tuple[int, dict]]:
    # openpyxl loads only when a spreadsheet is read: most requests never need it.
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for bad files
        raise FileFormatError(
            _("无法读取 XLSX 文件：%(e)s", e=type(exc).__name__)
        ) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = _headers(next(rows), aliases)
    except StopIteration:
        raise FileFormatError(_("文件为空。")) from None
    for number, row in enumerate(rows, start=2):
        if not any(c not in (None, "") for c in row):
            continue
        yield number, {h: unquote(v) for h, v in zip(header, row, strict=False) if h}
    wb.close()
