"""The import templates (Chinese headers, an example row, a sheet of instructions) and the
XLSX export of an organisation's own listings (same columns, so it imports back) and deals."""

from __future__ import annotations

import json
from datetime import UTC

import sqlalchemy as sa
from flask_babel import gettext as _

from ..achievements.models import Achievement
from ..core import exports
from ..core.domain import (
    COOPERATION_LABELS,
    FIELD_LABELS,
    IP_FORM_LABELS,
    PRICING_LABELS,
)
from ..core.timeutil import SHANGHAI
from ..deals.models import Deal
from ..extensions import db
from ..needs.models import Need

#: (header, field) per kind; every header is one of listings.files.HEADER_ALIASES
#: (a test checks it), so the template, the export and the CLI import agree.
COLUMNS = {
    "achievement": [
        ("机构名称", "organization"),
        ("编号", "external_ref"),
        ("标题", "title"),
        ("成果简介", "summary"),
        ("机密详情", "detail"),
        ("技术领域", "field"),
        ("关键词", "keywords"),
        ("成熟度", "trl"),
        ("知识产权形式", "ip_form"),
        ("专利号", "patent_number"),
        ("专利状态", "patent_status"),
        ("申请日", "patent_filing_date"),
        ("定价方式", "pricing_mode"),
        ("价格（分）", "price_fen"),
        ("合作方式", "cooperation_modes"),
        ("技术指标", "indicators"),
        ("应用场景", "application_scenarios"),
        ("发明人", "inventors"),
        ("有效期至", "valid_until"),
    ],
    "need": [
        ("机构名称", "organization"),
        ("编号", "external_ref"),
        ("标题", "title"),
        ("需求描述", "description"),
        ("技术领域", "field"),
        ("关键词", "keywords"),
        ("预算下限（分）", "budget_min_fen"),
        ("预算上限（分）", "budget_max_fen"),
        ("截止日期", "deadline"),
        ("所需成熟度", "trl_min"),
        ("合作方式", "cooperation_modes"),
        ("保密", "confidential"),
        ("技术难题", "technical_problem"),
        ("技术指标", "indicators"),
        ("现有条件", "existing_conditions"),
        ("有效期至", "valid_until"),
    ],
}

EXAMPLES = {
    "achievement": {
        "organization": "温州医科大学眼视光学院",
        "external_ref": "WMU-2024-001",
        "title": "钛合金镜架激光焊接工艺",
        "summary": "一种用于钛合金镜架的激光焊接工艺，焊点强度高、变色小。",
        "detail": "焊接参数与工装设计（签署保密协议后可见）。",
        "field": "frame_materials",
        "keywords": "钛合金, 激光焊接",
        "trl": 6,
        "ip_form": "invention_patent",
        "patent_number": "ZL202010000001.X",
        "patent_status": "granted",
        "patent_filing_date": "2020-03-15",
        "pricing_mode": "listing",
        "price_fen": 30000000,
        "cooperation_modes": "licence, assignment",
        "indicators": "焊点抗拉强度 | ≥ 600 | MPa | GB/T 228.1",
        "application_scenarios": "钛合金镜架焊接",
        "inventors": "张三:60；李四:40",
        "valid_until": "2026-12-31",
    },
    "need": {
        "organization": "温州某眼镜有限公司",
        "external_ref": "NEED-2024-001",
        "title": "镜架电镀层容易脱落",
        "description": "我们的镜架电镀层用几个月就脱落，退货多。",
        "field": "surface_treatment",
        "keywords": "PVD, 附着力",
        "budget_min_fen": 5000000,
        "budget_max_fen": 20000000,
        "deadline": "2025-12-31",
        "trl_min": 6,
        "cooperation_modes": "joint_development",
        "confidential": "否",
        "technical_problem": "提高镜架 PVD 膜层附着力",
        "indicators": "附着力 | ≥5B | | GB/T 9286",
        "existing_conditions": "现有 PVD 镀膜线两条",
        "valid_until": "2026-06-30",
    },
}


def _notes(kind: str) -> list[list[str]]:
    codes = lambda labels: "；".join(f"{k} = {v}" for k, v in labels.items())  # noqa: E731
    notes = {
        "organization": _(
            "必须是您所在机构的名称，可留空（自动填写）；运营方可填写任一已注册机构"
        ),
        "external_ref": _("您自己的编号；再次导入相同编号会更新该条而不是新增"),
        "title": _("必填，最多 200 字"),
        "field": codes(FIELD_LABELS),
        "cooperation_modes": codes(COOPERATION_LABELS) + _("（多个用逗号分隔）"),
        "ip_form": codes(IP_FORM_LABELS),
        "pricing_mode": codes(PRICING_LABELS),
        "price_fen": _("单位：分（1 元 = 100 分）"),
        "budget_min_fen": _("单位：分"),
        "budget_max_fen": _("单位：分"),
        "trl": _("1–9"),
        "trl_min": _("1–9"),
        "patent_status": "pending / granted / lapsed",
        "indicators": _("每项一行或用分号分隔：名称 | 数值 | 单位 | 测试方法"),
        "inventors": _("姓名:份额，用分号分隔，份额之和为 100"),
        "summary": _("必填，公开展示"),
        "description": _("必填，企业自己的描述，不公开"),
        "confidential": _("是 / 否"),
    }
    return [
        [
            h,
            notes.get(
                f,
                _("日期格式 YYYY-MM-DD")
                if "date" in f or f in ("valid_until", "deadline")
                else "",
            ),
        ]
        for h, f in COLUMNS[kind]
    ]


def _template_sheet(kind: str, org_name: str | None) -> exports.Sheet:
    example = dict(
        EXAMPLES[kind], organization=org_name or EXAMPLES[kind]["organization"]
    )
    return exports.Sheet(
        title=_("成果") if kind == "achievement" else _("需求"),
        header=[h for h, _f in COLUMNS[kind]],
        rows=[[example.get(f, "") for _h, f in COLUMNS[kind]]],
    )


def template_xlsx(kind: str, org_name: str | None = None) -> bytes:
    notes = exports.Sheet(_("填写说明"), [_("列"), _("说明")], _notes(kind))
    return exports.to_xlsx(_template_sheet(kind, org_name), notes)


def template_csv(kind: str, org_name: str | None = None) -> bytes:
    sheet = _template_sheet(kind, org_name)
    return exports.to_csv(sheet.header, sheet.rows)


def listing_values(listing, kind: str) -> dict:
    """A listing as the flat record its import row would be."""
    v = {
        "organization": listing.organization.name,
        "external_ref": listing.external_ref,
        "title": listing.title,
        "field": listing.field,
        "keywords": ", ".join(listing.keywords or []),
        "cooperation_modes": ", ".join(listing.cooperation_modes or []),
        "valid_until": listing.valid_until,
    }
    if kind == "achievement":
        v.update(
            {
                k: getattr(listing, k)
                for k in (
                    "summary",
                    "detail",
                    "trl",
                    "ip_form",
                    "patent_number",
                    "patent_status",
                    "patent_filing_date",
                    "pricing_mode",
                    "price_fen",
                    "application_scenarios",
                )
            }
        )
        v["indicators"] = (
            json.dumps(listing.indicators, ensure_ascii=False)
            if listing.indicators
            else ""
        )
        v["inventors"] = "；".join(
            f"{i.name}:{i.share_percent}" for i in listing.inventors
        )
    else:
        t = listing.current_translation
        v.update(
            {
                k: getattr(listing, k)
                for k in (
                    "description",
                    "budget_min_fen",
                    "budget_max_fen",
                    "deadline",
                    "trl_min",
                )
            }
        )
        v["confidential"] = "是" if listing.confidential else "否"
        v["technical_problem"] = t.technical_problem if t else ""
        v["indicators"] = (
            json.dumps(t.indicators, ensure_ascii=False) if t and t.indicators else ""
        )
        v["existing_conditions"] = t.existing_conditions if t else ""
    return v


def export_listings(org, kind: str) -> bytes:
    """The organisation's achievements or needs in the import template's columns."""
    model = Achievement if kind == "achievement" else Need
    rows = []
    for listing in db.session.scalars(
        sa.select(model).where(model.organization_id == org.id).order_by(model.id)
    ):
        values = listing_values(listing, kind)
        rows.append(
            [values.get(f) for _h, f in COLUMNS[kind]] + [str(listing.status_label)]
        )
    return exports.to_xlsx(
        exports.Sheet(
            title=_("成果") if kind == "achievement" else _("需求"),
            header=[h for h, _f in COLUMNS[kind]] + [_("状态")],
            rows=rows,
        )
    )


def _local(moment) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def export_deals(org) -> bytes:
    """The deals the organisation is a party to (as supplier or firm)."""
    header = [
        _("交易编号"),
        _("标题"),
        _("我方角色"),
        _("对方机构"),
        _("阶段"),
        _("经纪人"),
        _("定价方式"),
        _("成交价（元）"),
        _("发起时间"),
        _("合同签订时间"),
        _("认定登记时间"),
        _("结束时间"),
    ]
    deals = db.session.scalars(
        sa.select(Deal)
        .where(sa.or_(Deal.supplier_org_id == org.id, Deal.firm_org_id == org.id))
        .order_by(Deal.id)
    )
    rows = []
    for d in deals:
        supplier = d.supplier_org_id == org.id
        other = d.firm_org if supplier else d.supplier_org
        rows.append(
            [
                d.id,
                d.title,
                _("成果方") if supplier else _("企业"),
                other.name if other else "",
                str(d.stage_label),
                d.broker.name if d.broker else "",
                str(d.pricing_label),
                d.agreed_price_fen / 100 if d.agreed_price_fen is not None else None,
                _local(d.created_at),
                _local(d.contract_signed_at),
                _local(d.registered_at),
                _local(d.closed_at or d.terminated_at),
            ]
        )
    return exports.to_xlsx(exports.Sheet(_("交易"), header, rows))
