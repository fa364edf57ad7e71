"""Fixtures for the achievement tests: the people around one listing and a valid form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import today_shanghai


def valid_form(**overrides) -> dict:
    """Form data that passes every rule: an invention patent licensed at a listed price."""
    data = {
        "title": "钛合金镜架激光微焊接工艺",
        "summary": "适用于β钛镜架的激光微焊接工艺，焊点强度高，热影响区小。",
        "detail": "机密：脉冲能量 1.8 J，脉宽 4 ms，离焦量 +0.5 mm。",
        "field": "frame_materials",
        "keywords": "钛合金, 激光焊接；镜架",
        "trl": "6",
        "ip_form": "invention_patent",
        "patent_number": "CN202110123456.7",
        "patent_status": "granted",
        "patent_filing_date": "2021-03-15",
        "inventors": "张三 60%\n李四 40%",
        "cooperation_modes": ["licence", "assignment"],
        "pricing_mode": "listing",
        "price": "300000",
        "indicators": "焊点抗拉强度 | ≥ 450 | MPa | GB/T 228.1\n热影响区宽度 | ≤ 0.3 | mm",
        "application_scenarios": "钛架鼻托、铰链的焊接。",
        "valid_until": (today_shanghai() + timedelta(days=365)).isoformat(),
        "external_ref": "WMU-2024-001",
        "save": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def people(create_org, create_user):
    """A supplier org with a member, another supplier, a firm, a broker and the operator."""
    uni = create_org(type=OrgType.UNIVERSITY, name="温州医科大学眼视光学院")
    other_uni = create_org(type=OrgType.INSTITUTE, name="中科院宁波材料所")
    firm = create_org(type=OrgType.FIRM, name="瓯海明视眼镜有限公司")
    return {
        "org": uni,
        "owner": create_user(role=Role.SUPPLIER, org=uni),
        "colleague": create_user(role=Role.SUPPLIER, org=uni),
        "other_supplier": create_user(role=Role.SUPPLIER, org=other_uni),
        "firm": create_user(role=Role.FIRM, org=firm),
        "broker": create_user(role=Role.BROKER),
        "operator": create_user(role=Role.OPERATOR),
    }
