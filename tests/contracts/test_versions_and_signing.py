"""Contract versions, signatures tied to a version, and the deal moving to contract_signed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.contracts import services
from marketplace.contracts.models import Contract, ContractSignature
from marketplace.contracts.rules import contract_fully_signed
from marketplace.core.errors import InvalidTransition, PermissionDenied, StaleObject
from marketplace.core.timeutil import utcnow
from marketplace.deals.models import DealStage
from marketplace.notifications.models import Notification


@pytest.fixture(autouse=True)
def _request(in_request):
    return None


def _draft(db, deal, people, body):
    contract = services.draft_contract(deal, people["broker"], body())
    db.session.commit()
    return contract


def test_signature_of_an_old_version_no_longer_counts_after_an_edit(
    db, deal, people, body
):
    contract = _draft(db, deal, people, body)
    services.sign(contract, people["supplier"], 1)
    db.session.commit()
    services.save_version(
        contract, people["firm"], body(scope="浙江省"), base_version=1
    )
    db.session.commit()

    assert [v.number for v in contract.versions] == [1, 2]
    assert contract.version(1).signed_parties() == {"supplier"}  # kept on record
    assert contract.latest.signed_parties() == set()
    services.sign(contract, people["firm"], 2)
    db.session.commit()
    assert not contract_fully_signed(deal)
    assert deal.stage == DealStage.NEGOTIATION


def test_both_sides_signing_the_same_version_signs_the_deal(db, deal, people, body):
    contract = _draft(db, deal, people, body)
    services.sign(contract, people["supplier"], 1)
    db.session.commit()
    assert deal.stage == DealStage.NEGOTIATION
    services.sign(contract, people["firm"], 1)
    db.session.commit()

    db.session.expire_all()
    assert deal.stage == DealStage.CONTRACT_SIGNED
    assert deal.contract_signed_at is not None
    assert contract.signed_at is not None
    assert contract_fully_signed(deal)


def test_signing_an_outdated_version_is_refused(db, deal, people, body):
    contract = _draft(db, deal, people, body)
    services.save_version(
        contract, people["broker"], body(scope="浙江省"), base_version=1
    )
    db.session.commit()
    with pytest.raises(StaleObject):
        services.sign(contract, people["supplier"], 1)


def test_an_edit_based_on_an_old_version_is_stale(db, deal, people, body):
    contract = _draft(db, deal, people, body)
    services.save_version(
        contract, people["broker"], body(scope="浙江省"), base_version=1
    )
    db.session.commit()
    with pytest.raises(StaleObject):
        services.save_version(
            contract, people["firm"], body(scope="全国"), base_version=1
        )


def test_a_fully_signed_contract_cannot_be_edited(db, deal, people, body):
    contract = _draft(db, deal, people, body)
    services.sign(contract, people["supplier"], 1)
    services.sign(contract, people["firm"], 1)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.save_version(
            contract, people["broker"], body(scope="全国"), base_version=1
        )


def test_the_broker_cannot_sign_and_the_firm_signs_only_for_itself(
    db, deal, people, body
):
    contract = _draft(db, deal, people, body)
    with pytest.raises(PermissionDenied):
        services.sign(contract, people["broker"], 1)
    services.sign(contract, people["firm"], 1)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.sign(contract, people["firm"], 1)  # a second firm signature
    assert contract.latest.signed_parties() == {"firm"}
    sig = db.session.scalar(sa.select(ContractSignature))
    assert sig.organization_id == deal.firm_org_id


def test_a_signature_asks_the_other_side_to_sign(db, deal, people, body):
    contract = _draft(db, deal, people, body)
    services.sign(contract, people["supplier"], 1)
    db.session.commit()
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == people["firm"].id)
    ).all()
    assert "contract.sign" in kinds
    assert not db.session.scalar(
        sa.select(Notification.id).where(
            Notification.user_id == people["supplier"].id,
            Notification.kind == "contract.sign",
        )
    )


def _running_notice(db, deal, now, **kw):
    from marketplace.deals.pricing.models import PublicNotice

    deal.stage = DealStage.PUBLIC_NOTICE
    deal.supplier_org.state_funded = True
    deal.pricing_mode = "agreement"
    notice = PublicNotice(
        deal_id=deal.id,
        title=deal.title,
        summary="s",
        transfer_mode="licence",
        proposed_price_fen=30_000_000,
        starts_at=kw.get("starts_at", now - timedelta(days=2)),
        ends_at=kw.get("ends_at", now + timedelta(days=13)),
    )
    db.session.add(notice)
    db.session.commit()
    return notice


@pytest.mark.parametrize("first", ["supplier", "firm"])
def test_no_party_signs_while_a_public_notice_runs(db, deal, people, body, first):
    _running_notice(db, deal, utcnow())
    contract = _draft(db, deal, people, body)
    with pytest.raises(InvalidTransition, match="公示"):
        services.sign(contract, people[first], 1)
    db.session.rollback()
    assert deal.stage == DealStage.PUBLIC_NOTICE
    assert contract.latest.signed_parties() == set()
    assert db.session.scalar(sa.select(sa.func.count(ContractSignature.id))) == 0


def test_a_required_notice_never_posted_blocks_the_first_signature(
    db, deal, people, body
):
    deal.supplier_org.state_funded = True
    deal.pricing_mode = "agreement"
    deal.cooperation_mode = "licence"
    db.session.commit()
    contract = _draft(db, deal, people, body)
    with pytest.raises(InvalidTransition, match="公示"):
        services.sign(contract, people["firm"], 1)
    db.session.rollback()
    assert contract.latest.signed_parties() == set()


def test_both_sign_once_the_notice_has_passed(db, deal, people, body):
    now = utcnow()
    _running_notice(
        db, deal, now, starts_at=now - timedelta(days=17), ends_at=now - timedelta(1)
    )
    contract = _draft(db, deal, people, body)
    services.sign(contract, people["firm"], 1)
    services.sign(contract, people["supplier"], 1)
    db.session.commit()
    assert deal.stage == DealStage.CONTRACT_SIGNED


def test_only_one_contract_per_deal_and_only_staff_draft(db, deal, people, body):
    with pytest.raises(PermissionDenied):
        services.draft_contract(deal, people["firm"], body())
    _draft(db, deal, people, body)
    with pytest.raises(InvalidTransition):
        services.draft_contract(deal, people["broker"], body())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 1


def test_prefilled_draft_takes_parties_and_patent_from_the_deal(db, deal):
    body = services.prefill_body(deal)
    assert body["type"] == "licence"
    assert body["supplier"]["name"] == "温州医科大学眼视光学院"
    assert body["firm"]["credit_code"] == deal.firm_org.credit_code
    assert body["patent"]["patent_number"] == "ZL202010123456.7"
    assert body["patent"]["filing_date"] == "2020-03-01"
    assert body["patent"]["term_until"] == "2040-03-01"
    assert body["price_fen"] == 30_000_000
