"""Schemathesis against the app: generated requests to every operation of the
OpenAPI document, authenticated with a real token; no 5xx, every response conforms."""

from __future__ import annotations

import pytest
import schemathesis
from flask import g, has_app_context
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from marketplace.accounts.models import OrgType, Role
from marketplace.listings.lifecycle import ListingStatus, NeedStatus

#: Examples per operation: bounded so the whole run stays well under three minutes.
MAX_EXAMPLES = 25
#: Invalid requests (wrong types, missing fields, out-of-range values) per operation.
MAX_NEGATIVE_EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def seeded(
    db,
    create_org,
    create_user,
    create_achievement,
    create_need,
    make_token,
    deal_parties,
):
    """Rows for the generated ids to hit: listings in several states, a deal."""
    uni = create_org(type=OrgType.UNIVERSITY)
    supplier = create_user(Role.SUPPLIER, org=uni)
    for status in (
        ListingStatus.PUBLISHED,
        ListingStatus.DRAFT,
        ListingStatus.RETURNED,
    ):
        create_achievement(org=uni, status=status)
    for status in (NeedStatus.PUBLISHED, NeedStatus.DRAFT):
        create_need(status=status)
    create_need(status=NeedStatus.PUBLISHED, confidential=True)
    _seed_calls(db, create_user, create_need, supplier)
    return {"Authorization": f"Bearer {make_token(supplier)}"}


def _seed_calls(db, create_user, create_need, supplier) -> None:
    """A public call with the token user's proposal, and a draft call."""
    from datetime import timedelta

    from marketplace.challenges import proposals, services
    from marketplace.core.timeutil import utcnow
    from marketplace.experts import services as experts

    broker = create_user(Role.BROKER)
    operator = create_user(Role.OPERATOR)
    chair = create_user(Role.EXPERT)
    panel = experts.create_panel(
        operator, name="专家组", chair_id=chair.id, member_ids=[chair.id]
    )
    data = {
        "title": "镜架膜层附着力攻关",
        "problem": "提高膜层附着力。",
        "indicators": [{"name": "附着力", "target": "≥5B", "unit": ""}],
        "eligible_org_types": ["university"],
        "region": "",
        "trl_min": None,
        "deadline_at": utcnow() + timedelta(days=10),
        "awards": [{"grade": "一等奖", "amount_fen": 1_000_000}],
        "criteria": [{"name": "可行性", "weight": 100}],
        "panel_id": panel.id,
    }
    call = services.prepare_call(broker, create_need(), data)
    services.approve_call(operator, call)
    proposals.submit_proposal(supplier, call, {"approach": "方案", "nda": True})
    services.prepare_call(broker, create_need(), data | {"title": "草稿"})
    db.session.commit()


def _call(case, headers):
    # The test's app context stays pushed, so Flask would share `g` across requests.
    if has_app_context():
        g.__dict__.clear()
    case.call_and_validate(headers=headers, checks=CHECKS)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    return operations


def _run(operation, mode: GenerationMode, examples: int, headers: dict) -> None:
    @seed(20260)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        _call(case, headers)

    run()


def test_valid_generated_requests_get_conforming_responses(app, seeded):
    for operation in _operations(app):
        _run(operation, GenerationMode.POSITIVE, MAX_EXAMPLES, seeded)


def test_invalid_generated_requests_get_conforming_errors_not_5xx(app, seeded):
    for operation in _operations(app):
        _run(operation, GenerationMode.NEGATIVE, MAX_NEGATIVE_EXAMPLES, seeded)
