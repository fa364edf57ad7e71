"""Voucher fixtures: a verified firm with a member, fee requests it owes, an operator."""

from __future__ import annotations

import itertools
import types
from datetime import timedelta

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.core.timeutil import today_shanghai
from marketplace.deals.models import Deal, DealStage
from marketplace.payments.models import PaymentRequest
from marketplace.vouchers.models import EligibleProvider

_seq = itertools.count(1)


@pytest.fixture
def world(db, create_org, create_user, create_achievement):
    uni = create_org(type=OrgType.UNIVERSITY)
    firm_org = create_org(type=OrgType.FIRM)
    ns = types.SimpleNamespace(
        uni=uni,
        firm_org=firm_org,
        firm=create_user(role=Role.FIRM, org=firm_org),
        supplier=create_user(role=Role.SUPPLIER, org=uni),
        operator=create_user(role=Role.OPERATOR),
    )
    ns.deal = Deal(
        achievement=create_achievement(org=uni),
        supplier_org_id=uni.id,
        firm_org_id=firm_org.id,
        origin="interest",
        stage=DealStage.CONTRACT_SIGNED,
    )
    db.session.add(ns.deal)
    # The university is a listed voucher provider (载体): vouchers may pay it.
    db.session.add(
        EligibleProvider(organization_id=uni.id, eligible=True, reason="高校")
    )
    db.session.commit()
    return ns


@pytest.fixture
def fee_request(db, world):
    def make(amount_fen=1_000_000, service_kind="brokerage", key=None, payee=None):
        req = PaymentRequest(
            source_key=key or f"test:{next(_seq)}",
            deal_id=world.deal.id,
            kind="broker_fee",
            service_kind=service_kind,
            title="技术经纪服务费",
            amount_fen=amount_fen,
            currency="CNY",
            due_on=today_shanghai() + timedelta(days=30),
            payer_org_id=world.firm_org.id,
            payee_org_id=payee,
        )
        db.session.add(req)
        db.session.commit()
        return req

    return make


@pytest.fixture
def voucher(db, world, app):
    from marketplace.vouchers import services

    def make(
        face=600_000,
        kinds=("brokerage", "evaluation"),
        share=50,
        valid_from=None,
        valid_until=None,
    ):
        today = today_shanghai()
        with app.test_request_context():
            v = services.issue(
                world.operator,
                world.firm_org,
                face,
                valid_from or today - timedelta(days=1),
                valid_until or today + timedelta(days=180),
                list(kinds),
                share,
            )
        db.session.commit()
        return v

    return make
