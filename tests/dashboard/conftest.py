"""A fixed little market for March 2024 (Asia/Shanghai) whose KPIs are computed by hand
in test_kpis.py. All timestamps below are UTC, as stored; Shanghai is UTC+8."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.contracts.models import (
    Contract,
    ContractRegistration,
    ContractSignature,
    ContractVersion,
)
from marketplace.dashboard.events import MatchView
from marketplace.dashboard.kpis import Period
from marketplace.deals.models import Deal, DealEvent, DealStage
from marketplace.evaluation.models import Evaluation
from marketplace.needs.models import NeedTranslation

MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))


def utc(
    month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2024
) -> datetime:
    return datetime(year, month, day, hour, minute)


def _deal(db, supplier, firm, achievement, broker, created, history, stage):
    """history: [(at, action, from_stage, to_stage)]; the first is the create event."""
    deal = Deal(
        origin="interest",
        supplier_org_id=supplier.id,
        firm_org_id=firm.id,
        achievement=achievement,
        broker_id=broker.id,
        broker_assigned_at=created,
        stage=stage,
        stage_entered_at=history[-1][0],
        created_at=created,
    )
    db.session.add(deal)
    db.session.flush()
    for at, action, src, dst in history:
        db.session.add(
            DealEvent(
                deal_id=deal.id,
                at=at,
                action=action,
                from_stage=src,
                to_stage=dst,
                actor_id=broker.id,
            )
        )
    return deal


@pytest.fixture
def kpi_world(db, create_org, create_user, create_achievement, create_need):
    S = DealStage
    s1 = create_org(name="温州医大测试", type=OrgType.UNIVERSITY)
    f1, f2, f3, f4 = (create_org(name=f"测试眼镜厂{i}") for i in range(1, 5))
    b1 = create_user(role=Role.BROKER, name="经纪人甲")
    b2 = create_user(role=Role.BROKER, name="经纪人乙")
    sup_user = create_user(role=Role.SUPPLIER, org=s1)
    firm_user = create_user(role=Role.FIRM, org=f2)

    a1 = create_achievement(org=s1, title="保密成果甲", field="frame_materials")
    a1.published_at = utc(3, 10)
    a2 = create_achievement(org=s1, field="frame_materials")
    a2.published_at = utc(3, 31, 16, 30)  # 1 April 00:30 in Shanghai: outside
    create_achievement(org=s1, status="draft")

    n1 = create_need(org=f1, title="私密需求一")
    n1.published_at = utc(3, 6)
    n1.translations[0].approved_at = utc(3, 5, 2)
    n1.translations[0].author_id = b1.id
    n1.translations[0].created_at = utc(3, 4)
    n2 = create_need(org=f2)
    n2.published_at = utc(2, 29, 16, 30)  # 1 March 00:30 in Shanghai: inside
    n2.translations[0].approved_at = utc(2, 28, 15)  # 28 Feb 23:00 Shanghai: outside
    n3 = create_need(org=f4, status="translating", translated=False)
    n3.broker_id = b2.id
    db.session.add(
        NeedTranslation(
            need=n3,
            version=1,
            technical_problem="问题",
            author_id=b2.id,
            created_at=utc(3, 12),
        )
    )

    d1 = _deal(
        db,
        s1,
        f2,
        a1,
        b1,
        utc(3, 2),
        [
            (utc(3, 2), "create", None, S.INTEREST),
            (utc(3, 4), "start_matchmaking", S.INTEREST, S.MATCHMAKING),
            (utc(3, 8), "skip_evaluation", S.MATCHMAKING, S.NEGOTIATION),
            (utc(3, 12), "accept_listing", S.NEGOTIATION, S.NEGOTIATION),
            (utc(3, 18), "sign_contract", S.NEGOTIATION, S.CONTRACT_SIGNED),
        ],
        S.CONTRACT_SIGNED,
    )
    d2 = _deal(
        db,
        s1,
        f3,
        a1,
        b1,
        utc(3, 10),
        [
            (utc(3, 10), "create", None, S.INTEREST),
            (utc(3, 14), "start_matchmaking", S.INTEREST, S.MATCHMAKING),
            (utc(3, 20), "terminate", S.MATCHMAKING, S.TERMINATED),
        ],
        S.TERMINATED,
    )
    d3 = _deal(
        db,
        s1,
        f1,
        a1,
        b2,
        utc(2, 20),
        [
            (utc(2, 20), "create", None, S.INTEREST),
            (utc(3, 3), "start_matchmaking", S.INTEREST, S.MATCHMAKING),
            (utc(3, 5), "start_evaluation", S.MATCHMAKING, S.EVALUATION),
        ],
        S.EVALUATION,
    )
    d4 = _deal(
        db,
        s1,
        f3,
        a1,
        b2,
        utc(3, 30, 16, 30),
        [
            (utc(3, 30, 16, 30), "create", None, S.INTEREST),
        ],
        S.INTEREST,
    )

    db.session.add(
        Evaluation(
            deal_id=d3.id,
            achievement_id=a1.id,
            evaluator_name="评价员",
            evaluated_on=date(2024, 3, 6),
            trl=6,
            novelty_score=3,
            advancement_score=3,
            ip_score=3,
            market_score=3,
            team_score=3,
            conclusion="recommended",
            created_by_id=b2.id,
            created_at=utc(3, 6),
        )
    )
    contract = Contract(deal_id=d1.id, signed_at=utc(3, 18), created_at=utc(3, 15))
    v1 = ContractVersion(
        contract=contract, number=1, body={"title": "许可合同", "price_fen": 28_000_000}
    )
    v2 = ContractVersion(
        contract=contract, number=2, body={"title": "许可合同", "price_fen": 30_000_000}
    )
    db.session.add_all([contract, v1, v2])
    db.session.flush()
    for party, org, user in (("supplier", s1, sup_user), ("firm", f2, firm_user)):
        db.session.add(
            ContractSignature(
                contract=contract,
                version=v2,
                party=party,
                organization_id=org.id,
                user_id=user.id,
            )
        )
    db.session.add(
        ContractRegistration(
            contract=contract,
            applied_on=date(2024, 3, 20),
            office="温州市技术合同登记处",
            registration_number="2024330300000123",
            technical_income_fen=25_000_000,
            recorded_at=utc(3, 25),
        )
    )
    db.session.add_all(
        [
            MatchView(
                kind="achievement",
                listing_id=a1.id,
                user_id=sup_user.id,
                day=date(2024, 3, 5),
                count=3,
            ),
            MatchView(
                kind="need",
                listing_id=n1.id,
                user_id=b1.id,
                day=date(2024, 3, 31),
                count=1,
            ),
            MatchView(
                kind="achievement",
                listing_id=a1.id,
                user_id=sup_user.id,
                day=date(2024, 4, 1),
                count=5,
            ),
        ]
    )
    db.session.commit()
    return {
        "s1": s1,
        "f1": f1,
        "f2": f2,
        "f3": f3,
        "f4": f4,
        "b1": b1,
        "b2": b2,
        "a1": a1,
        "n1": n1,
        "deals": (d1, d2, d3, d4),
        "firm_user": firm_user,
        "sup_user": sup_user,
    }
