"""A published need, a broker, a three-expert panel and two institutes: a call's cast."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.challenges import proposals, services
from marketplace.core.timeutil import utcnow
from marketplace.experts import services as experts


@pytest.fixture
def cast(db, create_user, create_org, create_need):
    operator = create_user(role=Role.OPERATOR)
    broker = create_user(role=Role.BROKER)
    firm = create_org(type=OrgType.FIRM, name="瓯海眼镜有限公司")
    sponsor = create_user(role=Role.FIRM, org=firm)
    need = create_need(org=firm)
    inst_a = create_org(type=OrgType.INSTITUTE, name="温州光学研究所")
    inst_b = create_org(type=OrgType.UNIVERSITY, name="温州大学")
    solver_a = create_user(role=Role.SUPPLIER, org=inst_a)
    solver_b = create_user(role=Role.SUPPLIER, org=inst_b)
    pending = create_org(type=OrgType.INSTITUTE, verified=False)
    unverified = create_user(role=Role.SUPPLIER, org=pending)
    e1, e2, e3 = (create_user(role=Role.EXPERT, name=f"专家{i}") for i in (1, 2, 3))
    outsider_expert = create_user(role=Role.EXPERT)
    experts.declare_tie(e3, inst_a.id)
    panel = experts.create_panel(
        operator, name="镀膜专家组", chair_id=e1.id, member_ids=[e1.id, e2.id, e3.id]
    )
    db.session.commit()
    return SimpleNamespace(**locals())


def call_data(cast, **over):
    data = {
        "title": "镜架 PVD 膜层附着力攻关",
        "problem": "提高镜架 PVD 膜层附着力。",
        "indicators": [{"name": "附着力", "target": "≥5B", "unit": ""}],
        "eligible_org_types": ["institute", "university"],
        "region": "",
        "trl_min": None,
        "deadline_at": utcnow() + timedelta(days=10),
        "awards": [
            {"grade": "一等奖", "amount_fen": 20_000_000},
            {"grade": "二等奖", "amount_fen": 5_000_000},
        ],
        "criteria": [
            {"name": "技术先进性", "weight": 60},
            {"name": "可行性", "weight": 40},
        ],
        "panel_id": cast.panel.id,
    }
    data.update(over)
    return data


@pytest.fixture
def call(db, cast):
    c = services.prepare_call(cast.broker, cast.need, call_data(cast))
    services.approve_call(cast.operator, c)
    db.session.commit()
    return c


def submit(db, user, call, approach="方案", now=None):
    v = proposals.submit_proposal(
        user, call, {"approach": approach, "nda": True}, now=now
    )
    db.session.commit()
    return v


def past_deadline(db, call):
    """Move the deadline one second into the past (as if the clock had run on)."""
    call.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
