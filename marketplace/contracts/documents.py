"""A contract version as text: field rows (for diffs), model-text sections, and a PDF.

Sections follow the structure of the national model technical contract texts
(技术开发 / 技术转让（专利权）/ 技术许可 / 技术咨询 / 技术服务合同示范文本).
"""

from __future__ import annotations

from datetime import UTC

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.money import format_fen
from ..core.pdf import finish, new_document
from ..core.timeutil import SHANGHAI
from ..needs.diff import word_diff
from .rules import (
    CONTRACT_TYPES,
    DISPUTE_METHODS,
    LICENCE_SCOPES,
    PAYMENT_MODES,
    RATE_TRENDS,
    ROYALTY_BASES,
    licence_scope,
)


def _party_titles(ctype: str) -> tuple[str, str]:
    """(supplier's title, firm's title) as the model text of the type names them."""
    if ctype.startswith("development"):
        return _("乙方（研究开发方）"), _("甲方（委托方）")
    if ctype == "assignment":
        return _("让与人（甲方）"), _("受让人（乙方）")
    if ctype == "licence":
        return _("许可人（甲方）"), _("被许可人（乙方）")
    return _("受托方（乙方）"), _("委托方（甲方）")


def _money(fen) -> str:
    return format_fen(fen) if isinstance(fen, int) else "—"


def _party(block: dict | None) -> str:
    block = block or {}
    parts = [block.get("name", "")]
    labels = (
        ("credit_code", _("统一社会信用代码")),
        ("address", _("住所地")),
        ("representative", _("法定代表人")),
        ("contact", _("联系人")),
    )
    parts += [f"{label}：{block[k]}" for k, label in labels if block.get(k)]
    return "\n".join(p for p in parts if p)


def _patent(p: dict | None) -> str:
    if not p:
        return _("不涉及专利")
    rows = (
        (_("专利名称"), p.get("name")),
        (_("专利权人"), p.get("owner")),
        (_("申请号"), p.get("application_number")),
        (_("专利号"), p.get("patent_number")),
        (_("申请日"), p.get("filing_date")),
        (_("有效期至"), p.get("term_until")),
    )
    return "\n".join(f"{label}：{value}" for label, value in rows if value)


def _payment(body: dict) -> str:
    mode = body.get("payment_mode")
    lines = [
        str(PAYMENT_MODES.get(mode, "")),
        _("合同价款：%(p)s", p=_money(body.get("price_fen"))),
    ]
    if mode == "instalments":
        for i, row in enumerate(body.get("instalments") or [], start=1):
            lines.append(
                _(
                    "第 %(n)s 期：%(d)s 前支付 %(a)s",
                    n=i,
                    d=row["due"],
                    a=_money(row["amount_fen"]),
                )
            )
    if mode == "entry_plus_royalty":
        lines.append(_("入门费：%(a)s", a=_money(body.get("entry_fee_fen"))))
    royalty = body.get("royalty")
    if royalty:
        lines.append(
            _(
                "按%(b)s的 %(r)s%% 提成，%(t)s",
                b=ROYALTY_BASES.get(royalty.get("base"), ""),
                r=royalty.get("rate_pct"),
                t=RATE_TRENDS.get(royalty.get("trend"), ""),
            )
        )
    return "\n".join(lines)


def _dispute(body: dict) -> str:
    d = body.get("dispute") or {}
    method = DISPUTE_METHODS.get(d.get("method"), "")
    return _("协商不成的，%(m)s：%(b)s", m=method, b=d.get("body", ""))


def field_rows(body: dict) -> list[tuple[str, str, str]]:
    """(key, label, text) for every term, in form order; the unit of the version diff."""
    ctype = body.get("type") or ""
    sup, firm = _party_titles(ctype)
    rows = [
        ("title", _("合同名称"), body.get("title", "")),
        ("type", _("合同类型"), str(CONTRACT_TYPES.get(ctype, ctype))),
        (
            "licence_scope",
            _("许可方式"),
            str(LICENCE_SCOPES[licence_scope(body)]) if ctype == "licence" else "",
        ),
        ("supplier", sup, _party(body.get("supplier"))),
        ("firm", firm, _party(body.get("firm"))),
        ("subject", _("标的技术内容"), body.get("subject", "")),
        ("scope", _("范围"), body.get("scope", "")),
        ("patent", _("专利情况"), _patent(body.get("patent"))),
        ("performance_plan", _("履行计划、进度"), body.get("performance_plan", "")),
        ("performance_place", _("履行地点"), body.get("performance_place", "")),
        ("performance_period", _("履行期限"), body.get("performance_period", "")),
        ("confidentiality", _("保密"), body.get("confidentiality", "")),
        (
            "results_ownership",
            _("技术成果归属与收益分享"),
            body.get("results_ownership", ""),
        ),
        ("acceptance", _("验收标准与方法"), body.get("acceptance", "")),
        ("payment", _("价款、报酬及支付方式"), _payment(body)),
        (
            "broker_fee",
            _("技术中介报酬"),
            _money(body.get("broker_fee_fen"))
            if body.get("broker_fee_fen") is not None
            else "",
        ),
        ("dispute", _("争议解决"), _dispute(body)),
    ]
    return rows


def diff_versions(old: dict, new: dict) -> list[dict]:
    """Field-by-field changes; segments hold raw text and the template escapes them."""
    changes = []
    for (key, label, a), (_k, _label, b) in zip(
        field_rows(old), field_rows(new), strict=True
    ):
        if a != b:
            changes.append(
                {
                    "key": key,
                    "label": label,
                    "old": a,
                    "new": b,
                    "segments": word_diff(a, b),
                }
            )
    return changes


#: Section order of each model text: (heading, field keys whose text it carries).
_SECTIONS = {
    "development": (
        (_l("一、标的技术的内容、范围及要求"), ("subject", "scope")),
        (_l("二、研究开发计划与进度"), ("performance_plan",)),
        (_l("三、履行期限、地点和方式"), ("performance_period", "performance_place")),
        (_l("四、研究开发经费、报酬及其支付方式"), ("payment",)),
        (_l("五、技术情报和资料的保密"), ("confidentiality",)),
        (_l("六、技术成果的归属和收益分享"), ("results_ownership",)),
        (_l("七、验收标准和方法"), ("acceptance",)),
        (_l("八、技术中介"), ("broker_fee",)),
        (_l("九、争议的解决办法"), ("dispute",)),
    ),
    "assignment": (
        (_l("一、专利（申请）权的基本情况"), ("patent", "subject")),
        (_l("二、转让的范围"), ("scope",)),
        (
            _l("三、技术资料的交付与履行计划"),
            ("performance_plan", "performance_period", "performance_place"),
        ),
        (_l("四、转让价款及支付方式"), ("payment",)),
        (_l("五、保密"), ("confidentiality",)),
        (_l("六、后续改进的归属与分享"), ("results_ownership",)),
        (_l("七、验收标准和方法"), ("acceptance",)),
        (_l("八、技术中介"), ("broker_fee",)),
        (_l("九、争议的解决办法"), ("dispute",)),
    ),
    "licence": (
        (_l("一、许可实施的专利（技术）"), ("patent", "subject")),
        (_l("二、许可方式与范围"), ("licence_scope", "scope")),
        (
            _l("三、技术资料的交付与技术指导"),
            ("performance_plan", "performance_period", "performance_place"),
        ),
        (_l("四、使用费及支付方式"), ("payment",)),
        (_l("五、验收标准和方法"), ("acceptance",)),
        (_l("六、后续改进的提供与分享"), ("results_ownership",)),
        (_l("七、保密"), ("confidentiality",)),
        (_l("八、技术中介"), ("broker_fee",)),
        (_l("九、争议的解决办法"), ("dispute",)),
    ),
    "service": (
        (_l("一、服务内容、方式和要求"), ("subject", "scope")),
        (_l("二、工作条件与协作事项"), ("performance_plan",)),
        (_l("三、履行期限、地点和方式"), ("performance_period", "performance_place")),
        (_l("四、验收标准和方式"), ("acceptance",)),
        (_l("五、报酬及其支付方式"), ("payment",)),
        (_l("六、保密"), ("confidentiality",)),
        (_l("七、技术成果的归属"), ("results_ownership",)),
        (_l("八、技术中介"), ("broker_fee",)),
        (_l("九、争议的解决办法"), ("dispute",)),
    ),
}
_SECTIONS["consulting"] = _SECTIONS["service"]


def sections(body: dict) -> list[tuple[str, list[str]]]:
    """The model text's sections for this body's type, with their paragraphs."""
    ctype = body.get("type") or "service"
    key = "development" if ctype.startswith("development") else ctype
    texts = {k: text for k, _label, text in field_rows(body)}
    found = []
    for heading, keys in _SECTIONS.get(key, _SECTIONS["service"]):
        paragraphs = [texts[k] for k in keys if texts.get(k)]
        found.append((str(heading), paragraphs or [_("（双方未约定）")]))
    return found


# -- PDF ----------------------------------------------------------------------------
def render_pdf(contract, version) -> bytes:
    """The version as a PDF with an embedded Chinese font; raises FontUnavailable."""
    pdf, nl = new_document(version.title, margin=20)
    body = version.body

    pdf.set_font("CJK", size=18)
    pdf.multi_cell(0, 10, version.title, align="C", **nl)
    pdf.set_font("CJK", size=10)
    pdf.multi_cell(
        0,
        6,
        _("%(type)s · 第 %(n)s 版", type=version.type_label, n=version.number),
        align="C",
        **nl,
    )
    pdf.ln(4)
    sup, firm = _party_titles(body.get("type") or "")
    for title, block in ((firm, body.get("firm")), (sup, body.get("supplier"))):
        pdf.set_font("CJK", size=11)
        pdf.multi_cell(0, 6, f"{title}：{_party(block)}", **nl)
        pdf.ln(1)
    for heading, paragraphs in sections(body):
        pdf.ln(2)
        pdf.set_font("CJK", size=12)
        pdf.multi_cell(0, 7, heading, **nl)
        pdf.set_font("CJK", size=10.5)
        for text in paragraphs:
            pdf.multi_cell(0, 6, text, **nl)
    pdf.ln(6)
    pdf.set_font("CJK", size=11)
    for party, title in (("firm", firm), ("supplier", sup)):
        s = version.signature_of(party)
        signed = (
            _("%(u)s 于 %(t)s 确认签署", u=s.user.name, t=_shanghai(s.signed_at))
            if s
            else _("（未签署）")
        )
        pdf.multi_cell(0, 7, f"{title}：{signed}", **nl)
    return finish(pdf)


def _shanghai(moment) -> str:

    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
