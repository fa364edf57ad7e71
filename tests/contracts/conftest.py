"""Fixtures for contract and evaluation tests: a real deal between two organisations."""

from __future__ import annotations

from datetime import date

import pytest
from flask import g
from flask.testing import FlaskClient

from marketplace.accounts.models import OrgType, Role
from marketplace.deals.models import Deal, DealStage


class IsolatedClient(FlaskClient):
    """A client whose requests do not share `g` (the db fixture keeps a context pushed)."""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def people(create_org, create_user):
    """supplier, firm, broker, operator, an outsider firm and a second broker."""
    uni = create_org(name="温州医科大学眼视光学院", type=OrgType.UNIVERSITY)
    firm_org = create_org(name="瓯海明视眼镜有限公司", type=OrgType.FIRM)
    return {
        "supplier": create_user(role=Role.SUPPLIER, org=uni, name="陈老师"),
        "firm": create_user(role=Role.FIRM, org=firm_org, name="王厂长"),
        "broker": create_user(role=Role.BROKER, name="李经纪"),
        "operator": create_user(role=Role.OPERATOR, name="运营"),
        "outsider": create_user(role=Role.FIRM, name="外人"),
        "other_broker": create_user(role=Role.BROKER, name="赵经纪"),
    }


@pytest.fixture
def deal(db, people, create_achievement):
    supplier, firm = people["supplier"], people["firm"]
    achievement = create_achievement(
        org=supplier.organization,
        title="离焦镜片微结构设计",
        patent_number="ZL202010123456.7",
        patent_status="granted",
        patent_filing_date=date(2020, 3, 1),
        cooperation_modes=["licence"],
        price_fen=30_000_000,
    )
    d = Deal(
        achievement=achievement,
        supplier_org_id=supplier.organization_id,
        firm_org_id=firm.organization_id,
        broker_id=people["broker"].id,
        origin="interest",
        stage=DealStage.NEGOTIATION,
        pricing_mode="listing",
        agreed_price_fen=30_000_000,
    )
    db.session.add(d)
    db.session.commit()
    return d


@pytest.fixture
def client_for(app, login):
    def make(user=None):
        c = IsolatedClient(app, app.response_class, use_cookies=True)
        if user is not None:
            assert login(user, c=c).status_code == 302, "login failed"
        return c

    return make


@pytest.fixture
def body():
    """A valid licence contract body (what ContractForm.to_body produces)."""

    def make(**overrides):
        data = {
            "title": "离焦镜片微结构设计专利实施许可合同",
            "type": "licence",
            "licence_scope": None,
            "supplier": {
                "name": "温州医科大学眼视光学院",
                "credit_code": "",
                "address": "",
                "representative": "",
                "contact": "",
            },
            "firm": {
                "name": "瓯海明视眼镜有限公司",
                "credit_code": "",
                "address": "",
                "representative": "",
                "contact": "",
            },
            "subject": "离焦镜片微结构设计专利",
            "scope": "温州地区，五年",
            "performance_plan": "合同生效后 30 日内交付技术资料",
            "performance_place": "温州",
            "performance_period": "五年",
            "confidentiality": "双方对技术秘密保密",
            "results_ownership": "后续改进归改进方",
            "acceptance": "样品通过检测",
            "patent": {
                "name": "离焦镜片微结构",
                "owner": "温州医科大学",
                "application_number": "",
                "patent_number": "ZL202010123456.7",
                "filing_date": "2020-03-01",
                "term_until": "2040-03-01",
            },
            "price_fen": 30_000_000,
            "payment_mode": "lump_sum",
            "instalments": [],
            "royalty": None,
            "entry_fee_fen": None,
            "broker_fee_fen": 600_000,
            "dispute": {"method": "arbitration", "body": "温州仲裁委员会"},
        }
        data.update(overrides)
        return data

    return make


def contract_form(**overrides) -> dict:
    """POST data for contracts.draft / contracts.edit."""
    data = {
        "title": "离焦镜片微结构设计专利实施许可合同",
        "type": "licence",
        "licence_scope": "",
        "supplier_name": "温州医科大学眼视光学院",
        "firm_name": "瓯海明视眼镜有限公司",
        "subject": "离焦镜片微结构设计专利",
        "scope": "温州地区，五年",
        "performance_plan": "合同生效后 30 日内交付技术资料",
        "performance_place": "温州",
        "confidentiality": "双方保密",
        "results_ownership": "后续改进归改进方",
        "acceptance": "样品通过检测",
        "price": "300000",
        "payment_mode": "lump_sum",
        "dispute_method": "arbitration",
        "dispute_body": "温州仲裁委员会",
    }
    data.update(overrides)
    return data


@pytest.fixture
def in_request(app, db):
    """Services build links with url_for, as they do inside a request."""
    with app.test_request_context():
        yield
