"""Fixtures of the API tests: tokens for users, and a client that sends them."""

from __future__ import annotations

import pytest

from marketplace.api import tokens


@pytest.fixture
def make_token(db):
    """Issue a token for `user` through the real service; returns the token text."""

    def factory(user, scopes=("read", "write"), days: int | None = 30, name="测试令牌"):
        _row, secret = tokens.create_token(user, name, list(scopes), days)
        db.session.commit()
        return secret

    return factory


@pytest.fixture
def auth(make_token):
    """Authorization headers for `user` (a fresh token with the given scopes)."""

    def headers(user, scopes=("read", "write")) -> dict:
        return {"Authorization": f"Bearer {make_token(user, scopes)}"}

    return headers


@pytest.fixture
def deal_parties(db, create_org, create_user, create_achievement):
    """A deal started by a firm's interest in a university's achievement, with a broker
    assigned, an operator, and an outsider firm."""
    import types

    from marketplace.accounts.models import OrgType, Role
    from marketplace.deals import starting

    supplier_org = create_org(type=OrgType.UNIVERSITY)
    firm_org = create_org(type=OrgType.FIRM)
    ns = types.SimpleNamespace(
        supplier=create_user(Role.SUPPLIER, org=supplier_org),
        firm=create_user(Role.FIRM, org=firm_org),
        broker=create_user(Role.BROKER, broker_fields=["frame_materials"]),
        operator=create_user(Role.OPERATOR),
        outsider=create_user(Role.FIRM),
    )
    ns.achievement = create_achievement(org=supplier_org, field="frame_materials")
    ns.deal, _created = starting.express_interest(
        ns.achievement, ns.firm, "想了解许可条件。"
    )
    db.session.commit()
    return ns
