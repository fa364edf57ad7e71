"""Payment fixtures: the localstripe server, a Stripe-configured app, a signed contract,
and signed webhook events made with Stripe's signature scheme."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
import types
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.contracts import services as contract_services
from marketplace.deals.models import Deal, DealStage
from tests.fixtures.services import free_port

WEBHOOK_SECRET = "whsec_test_market"  # noqa: S105


def _start_localstripe(deadline: float):
    """(process, url) of a localstripe answering on a free port, or (None, reason)."""
    port = free_port()
    exe = Path(sys.executable).with_name("localstripe")
    proc = subprocess.Popen(
        [str(exe), "--port", str(port)],
        stdout=subprocess.DEVNULL,  # noqa: S603
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(f"{url}/v1/customers", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return proc, url  # it answers (401 without a key)
        except OSError:
            if proc.poll() is not None:  # it exited: the port was taken meanwhile
                return None, f"exited with {proc.returncode}"
            if time.time() > deadline:
                proc.kill()
                return None, "no answer in time"
            time.sleep(0.2)


@pytest.fixture(scope="session")
def localstripe():
    """A real localstripe server on a free loopback port; yields its base URL.

    Another test process can take the free port before localstripe binds it,
    and a busy machine slows its start: it gets three tries and a minute.
    """
    deadline = time.time() + 60
    reasons = []
    for _ in range(3):
        proc, url = _start_localstripe(deadline)
        if proc is not None:
            break
        reasons.append(url)
    else:
        pytest.fail(f"localstripe did not start: {reasons}")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def stripe_on(app, localstripe):
    """Point the app's gateway at localstripe for one test."""
    keys = (
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
        "STRIPE_PAYMENT_METHOD_TYPES",
    )
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(
        STRIPE_SECRET_KEY="sk_test_market",
        STRIPE_PUBLISHABLE_KEY="pk_test_x",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=localstripe,
        STRIPE_PAYMENT_METHOD_TYPES=["card"],
    )
    yield localstripe
    app.config.update(saved)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "t.payload")."""
    at = at or int(time.time())
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256)
    return f"t={at},v1={mac.hexdigest()}"


@pytest.fixture
def post_event(client):
    def post(event: dict, secret: str = WEBHOOK_SECRET):
        payload = json.dumps(event).encode()
        return client.post(
            "/payments/stripe/webhook",
            data=payload,
            headers={
                "Stripe-Signature": sign(payload, secret),
                "Content-Type": "application/json",
            },
        )

    return post


def event(event_id: str, type_: str, obj: dict) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "data": {"object": obj},
    }


@pytest.fixture
def people(create_org, create_user):
    uni = create_org(name="温州医科大学眼视光学院", type=OrgType.UNIVERSITY)
    firm_org = create_org(name="瓯海明视眼镜有限公司", type=OrgType.FIRM)
    return types.SimpleNamespace(
        supplier=create_user(role=Role.SUPPLIER, org=uni, name="陈老师"),
        firm=create_user(role=Role.FIRM, org=firm_org, name="王厂长"),
        broker=create_user(role=Role.BROKER, name="李经纪"),
        operator=create_user(role=Role.OPERATOR, name="运营"),
        outsider=create_user(role=Role.FIRM, name="外人"),
        other_broker=create_user(role=Role.BROKER, name="赵经纪"),
    )


@pytest.fixture
def deal(db, people, create_achievement):
    achievement = create_achievement(
        org=people.supplier.organization,
        title="离焦镜片微结构设计",
        cooperation_modes=["licence"],
        price_fen=30_000_000,
    )
    d = Deal(
        achievement=achievement,
        supplier_org_id=people.supplier.organization_id,
        firm_org_id=people.firm.organization_id,
        broker_id=people.broker.id,
        origin="interest",
        stage=DealStage.NEGOTIATION,
        pricing_mode="listing",
        agreed_price_fen=30_000_000,
    )
    db.session.add(d)
    db.session.commit()
    return d


def contract_body(**overrides) -> dict:
    body = {
        "title": "离焦镜片微结构设计专利实施许可合同",
        "type": "licence",
        "licence_scope": None,
        "supplier": {"name": "温州医科大学眼视光学院"},
        "firm": {"name": "瓯海明视眼镜有限公司"},
        "subject": "离焦镜片",
        "scope": "温州",
        "performance_plan": "30 日内交付",
        "performance_place": "温州",
        "performance_period": "五年",
        "confidentiality": "保密",
        "results_ownership": "归改进方",
        "acceptance": "检测",
        "patent": None,
        "price_fen": 30_000_000,
        "payment_mode": "lump_sum",
        "instalments": [],
        "royalty": None,
        "entry_fee_fen": None,
        # The clause as the fee schedule fills it: 3 % of ¥300,000.
        "broker_fee_fen": 900_000,
        "dispute": {"method": "arbitration", "body": "温州仲裁委员会"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def sign_contract(app, db, people, deal):
    """Draft and sign a contract with `body` through the contracts services; commit."""

    def make(**overrides):
        with app.test_request_context():
            contract = contract_services.draft_contract(
                deal, people.broker, contract_body(**overrides)
            )
            db.session.commit()
            contract_services.sign(contract, people.supplier, 1)
            db.session.commit()
            contract_services.sign(contract, people.firm, 1)
            db.session.commit()
        return contract

    return make


INSTALMENTS = [
    {"due": "2030-01-31", "amount_fen": 10_000_000},
    {"due": "2030-06-30", "amount_fen": 10_000_000},
    {"due": "2030-12-31", "amount_fen": 10_000_000},
]
TODAY = date(2030, 1, 1)
