"""Broker assignment: round-robin by field, least recently assigned, conflicts, reassign."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.core.audit import AuditEntry
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.timeutil import utcnow
from marketplace.deals import assignment, starting


@pytest.fixture
def market(db, create_org, create_user, create_achievement):
    supplier_org = create_org(type=OrgType.UNIVERSITY)
    brokers = [
        create_user(Role.BROKER, broker_fields=["frame_materials"]) for _ in range(3)
    ]
    other_field = create_user(Role.BROKER, broker_fields=["smart_glasses"])
    firms = [create_user(Role.FIRM) for _ in range(5)]
    achievement = create_achievement(org=supplier_org, field="frame_materials")
    return supplier_org, brokers, other_field, firms, achievement


def start(achievement, firm, now):
    deal, _ = starting.express_interest(achievement, firm, "意向", now=now)
    return deal


def test_round_robin_among_brokers_covering_the_field(market, db):
    _org, brokers, other, firms, achievement = market
    t0 = utcnow()
    got = [
        start(achievement, firms[i], t0 + timedelta(minutes=i)).broker_id
        for i in range(4)
    ]
    ids = [b.id for b in brokers]
    assert got == [ids[0], ids[1], ids[2], ids[0]]
    assert other.id not in got


def test_conflicted_broker_is_skipped(market, db):
    org, brokers, _other, firms, achievement = market
    assignment.declare_conflict(brokers[0], org, "曾在该校兼职")
    t0 = utcnow()
    got = {
        start(achievement, firms[i], t0 + timedelta(minutes=i)).broker_id
        for i in range(3)
    }
    assert brokers[0].id not in got


def test_falls_back_to_any_broker_when_none_covers_the_field(market, db):
    org, brokers, other, firms, achievement = market
    for b in brokers:
        assignment.declare_conflict(b, org, "关联")
    assert start(achievement, firms[0], utcnow()).broker_id == other.id


def test_declaring_a_conflict_moves_open_deals(market, db):
    org, brokers, _other, firms, achievement = market
    deal = start(achievement, firms[0], utcnow())
    first = deal.broker
    assignment.declare_conflict(first, firms[0].organization, "亲属在该企业任职")
    assert deal.broker_id not in (None, first.id)
    assert deal.events[-1].action == "reassign"


def test_operator_reassigns_with_audit_and_refuses_conflicted(market, create_user, db):
    org, brokers, _other, firms, achievement = market
    operator = create_user(Role.OPERATOR)
    deal = start(achievement, firms[0], utcnow())
    target, conflicted = [b for b in brokers if b.id != deal.broker_id]
    assignment.declare_conflict(conflicted, org, "关联")
    assignment.reassign(deal, operator, target, "工作量调整")
    assert deal.broker_id == target.id
    assert (
        db.session.scalar(
            sa.select(AuditEntry.detail).where(
                AuditEntry.action == "deal.assign_broker"
            )
        )["new_broker"]
        == target.id
    )
    with pytest.raises(ValidationFailed):
        assignment.reassign(deal, operator, conflicted, "试试")
    with pytest.raises(PermissionDenied):
        assignment.reassign(deal, brokers[2], brokers[2], "自荐")


def test_duplicate_conflict_declaration_refused(market, db):
    org, brokers, *_ = market
    assignment.declare_conflict(brokers[0], org, "关联")
    with pytest.raises(ValidationFailed):
        assignment.declare_conflict(brokers[0], org, "再次")


def test_conflict_page_declares_for_the_broker(client, login, market, db):
    org, brokers, *_ = market
    login(brokers[0])
    r = client.post(
        "/deals/conflicts",
        data={"organization_id": str(org.id), "reason": "曾任该校教师"},
    )
    assert r.status_code == 302
    assert (
        client.post(
            "/deals/conflicts", data={"organization_id": "", "reason": ""}
        ).status_code
        == 422
    )
    assert "曾任该校教师" in client.get("/deals/conflicts").get_data(as_text=True)
