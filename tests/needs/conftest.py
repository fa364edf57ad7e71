"""Fixtures for the needs tests: people in each role, signed-in clients, form data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import today_shanghai

ORIGINAL = "我们的镜架电镀层用几个月就脱落，客户退货很多，想找办法解决。"


@pytest.fixture
def firm(create_user):
    return create_user(role=Role.FIRM, name="王厂长")


@pytest.fixture
def other_firm(create_user):
    return create_user(role=Role.FIRM)


@pytest.fixture
def supplier(create_user, create_org):
    return create_user(role=Role.SUPPLIER, org=create_org(type=OrgType.UNIVERSITY))


@pytest.fixture
def broker(create_user):
    return create_user(role=Role.BROKER, name="李经纪")


@pytest.fixture
def other_broker(create_user):
    return create_user(role=Role.BROKER, name="赵经纪")


@pytest.fixture
def operator(create_user):
    return create_user(role=Role.OPERATOR, name="运营")


@pytest.fixture
def client_for(app, login):
    """A fresh test client signed in as `user` (None: anonymous)."""

    def make(user=None):
        c = app.test_client()
        if user is not None:
            response = login(user, c=c)
            assert response.status_code == 302, "login failed"
        return c

    return make


@pytest.fixture
def need_form():
    """POST data for needs.new / needs.edit, with valid defaults."""

    def make(**overrides):
        data = {
            "title": "镜架电镀层脱落",
            "description": ORIGINAL,
            "budget_min": "50000",
            "budget_max": "200000",
            "deadline": (today_shanghai() + timedelta(days=90)).isoformat(),
            "cooperation_modes": ["joint_development", "service"],
            "trl_min": "6",
            "valid_until": (today_shanghai() + timedelta(days=365)).isoformat(),
            "external_ref": "",
            "intent": "draft",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def translation_form():
    def make(**overrides):
        data = {
            "technical_problem": "提高钛合金镜架 PVD 膜层附着力，解决使用三个月内脱落的问题。",
            "indicators": "膜层附着力 | ≥5B | 级 | GB/T 9286\n中性盐雾 | ≥48 | h | GB/T 10125",
            "existing_conditions": "两条 PVD 镀膜线，月产 5 万副。",
            "field": "surface_treatment",
            "keywords": "PVD、附着力, 盐雾",
            "intent": "save",
        }
        data.update(overrides)
        return data

    return make
