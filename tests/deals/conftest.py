"""Deal fixtures: two organisations, their members, a broker, and a stand-in for the
contracts feature's answers (contract signed / registration recorded)."""

from __future__ import annotations

import types

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.deals import questions, starting
from marketplace.deals.models import DealStage


@pytest.fixture
def contract_rules(monkeypatch):
    """Control the contracts feature's answers to the deal guards (deals/questions.py):
    add deal ids to the sets."""
    fake = types.SimpleNamespace(signed=set(), registered=set())
    monkeypatch.setitem(
        questions._answers,
        "contract_fully_signed",
        lambda deal: deal.id in fake.signed,
    )
    monkeypatch.setitem(
        questions._answers,
        "registration_recorded",
        lambda deal: deal.id in fake.registered,
    )
    return fake


@pytest.fixture
def parties(db, create_org, create_user, create_achievement):
    """A supplier (university) with an achievement, a firm, a broker, an operator."""

    def make(
        state_funded: bool = False,
        pricing_mode: str = "agreement",
        field: str = "frame_materials",
        broker_fields=("frame_materials",),
    ):
        supplier_org = create_org(type=OrgType.UNIVERSITY, state_funded=state_funded)
        firm_org = create_org(type=OrgType.FIRM)
        ns = types.SimpleNamespace(
            supplier_org=supplier_org,
            firm_org=firm_org,
            supplier=create_user(Role.SUPPLIER, org=supplier_org),
            firm=create_user(Role.FIRM, org=firm_org),
            broker=create_user(Role.BROKER, broker_fields=list(broker_fields)),
            operator=create_user(Role.OPERATOR),
            outsider=create_user(Role.FIRM),
        )
        ns.achievement = create_achievement(
            org=supplier_org,
            pricing_mode=pricing_mode,
            field=field,
            price_fen=30_000_000,
        )
        return ns

    return make


@pytest.fixture
def make_deal(db, parties):
    """A deal started by the firm's interest, optionally moved to `stage` directly."""

    def make(stage: DealStage = DealStage.INTEREST, **kw):
        ns = parties(**kw)
        deal, _ = starting.express_interest(
            ns.achievement, ns.firm, "我们想了解许可条件。"
        )
        if stage != DealStage.INTEREST:
            deal.stage = stage
        db.session.commit()
        ns.deal = deal
        return ns

    return make
