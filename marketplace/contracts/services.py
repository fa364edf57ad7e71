"""Drafting, editing (versioning) and signing contracts; flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from ..core.timeutil import utcnow
from ..core.urls import site_path
from ..deals import pipeline as deal_pipeline
from ..deals import services as deal_services
from ..extensions import db
from ..notifications.services import Message, notify
from .models import SIGNING_PARTIES, Contract, ContractSignature, ContractVersion
from .rules import (
    PATENT_TYPES,
    agreed_price_errors,
    body_errors,
    contract_of,
    with_agreed_price,
)
from .signals import contract_signed

#: Deal types of cooperation → the contract type a draft starts from.
_TYPE_FROM_MODE = {
    "assignment": "assignment",
    "licence": "licence",
    "joint_development": "development_joint",
    "service": "service",
}


#: Computes the 技术中介报酬 a new draft starts from: (deal, price_fen) -> fen or None.
#: The payments feature (a floor above) registers its fee schedule here at init_app.
_broker_fee_source = None


def register_broker_fee_source(source) -> None:
    global _broker_fee_source
    _broker_fee_source = source


def parties(deal, user) -> set[str]:
    return deal_services.deal_parties(deal, user)


def can_draft(deal, user) -> bool:
    """The deal's broker or the operator opens the draft."""
    return bool(parties(deal, user) & {"broker", "operator"})


def can_edit(contract: Contract, user) -> bool:
    """Broker, operator, or either side, while the latest version is not signed by both."""
    return bool(parties(contract.deal, user)) and not contract.latest_fully_signed


def signing_party(contract: Contract, user) -> str | None:
    """ "supplier" or "firm" when `user` belongs to that side's organisation."""
    found = parties(contract.deal, user) & set(SIGNING_PARTIES)
    return next(iter(sorted(found)), None)


def _org_block(org) -> dict:
    if org is None:
        return {
            "name": "",
            "credit_code": "",
            "address": "",
            "representative": "",
            "contact": "",
        }
    contact = " ".join(x for x in (org.contact_name, org.contact_phone) if x)
    return {
        "name": org.name,
        "credit_code": org.credit_code or "",
        "address": org.address or "",
        "representative": "",
        "contact": contact,
    }


def prefill_body(deal) -> dict:
    """A first draft from the deal: parties from the orgs, patent data from the achievement."""
    achievement = deal.achievement
    modes = (achievement.cooperation_modes if achievement else None) or (
        deal.need.cooperation_modes if deal.need else []
    )
    ctype = next((_TYPE_FROM_MODE[m] for m in modes if m in _TYPE_FROM_MODE), "licence")
    body = {
        "title": _("%(t)s技术合同", t=deal.title),
        "type": ctype,
        "licence_scope": None,
        "supplier": _org_block(deal.supplier_org),
        "firm": _org_block(deal.firm_org),
        "subject": achievement.summary if achievement else deal.title,
        "scope": "",
        "performance_plan": "",
        "performance_place": "",
        "performance_period": "",
        "confidentiality": "",
        "results_ownership": "",
        "acceptance": "",
        "patent": None,
        "price_fen": deal.agreed_price_fen,
        "payment_mode": "lump_sum",
        "instalments": [],
        "royalty": None,
        "entry_fee_fen": None,
        # One brokerage fee: the market's fee is this clause; the parties may edit it.
        "broker_fee_fen": _broker_fee_source(deal, deal.agreed_price_fen)
        if _broker_fee_source is not None
        else None,
        "dispute": {"method": "arbitration", "body": _("温州仲裁委员会")},
    }
    if (
        achievement is not None
        and achievement.patent_number
        and (
            ctype in PATENT_TYPES
            or achievement.ip_form
            in ("invention_patent", "utility_model", "design_patent")
        )
    ):
        pending = achievement.patent_status == "pending"
        expiry = achievement.patent_expiry
        body["patent"] = {
            "name": achievement.title,
            "owner": achievement.organization.name,
            "application_number": achievement.patent_number if pending else "",
            "patent_number": "" if pending else achievement.patent_number,
            "filing_date": achievement.patent_filing_date.isoformat()
            if achievement.patent_filing_date
            else None,
            "term_until": expiry.isoformat() if expiry else None,
        }
    return body


def price_errors(deal, body: dict) -> list[tuple[str, str]]:
    """The body's contract price against the deal's agreed price (rules.AGREED_PRICE_MODES)."""
    return [
        (f, str(m))
        for f, m in agreed_price_errors(body, deal.agreed_price_fen, deal.currency)
    ]


def form_body(contract: Contract) -> dict:
    """The latest terms to edit, with the deal's agreed price where it must match."""
    return with_agreed_price(contract.latest.body, contract.deal.agreed_price_fen)


def _check(deal, body: dict) -> None:
    errors = [(f, str(m)) for f, m in body_errors(body)]
    # One message per field: a price already refused needs no comparison too.
    wrong = {f for f, _m in errors}
    errors += [(f, m) for f, m in price_errors(deal, body) if f not in wrong]
    if errors:
        raise ValidationFailed(errors)


def draft_contract(deal, actor, body: dict, note: str = "") -> Contract:
    """Open the deal's contract with version 1."""
    if not can_draft(deal, actor):
        raise PermissionDenied(_("只有该交易的技术经纪人或运营方可以起草合同。"))
    if contract_of(deal) is not None:
        raise InvalidTransition(_("该交易已有合同，请在原合同上修改。"))
    if not deal.is_open:
        raise InvalidTransition(_("交易已结束，不能起草合同。"))
    _check(deal, body)
    contract = Contract(deal=deal, created_by_id=actor.id)
    db.session.add(contract)
    version = ContractVersion(
        contract=contract, number=1, body=body, note=note or "", created_by_id=actor.id
    )
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "contract.draft", contract, deal_id=deal.id)
    _tell(
        contract,
        actor,
        _l("合同草稿已起草：%(t)s", t=version.title),
        f"contract:{contract.id}:v1",
    )
    return contract


def save_version(
    contract: Contract, actor, body: dict, base_version, note: str = ""
) -> ContractVersion:
    """Record an edit as a new version; signatures of earlier versions no longer count."""
    if not bool(parties(contract.deal, actor)):
        raise PermissionDenied(_("您无权修改此合同。"))
    if contract.latest_fully_signed:
        raise InvalidTransition(_("双方已签署的合同不能再修改。"))
    latest = contract.latest
    if str(base_version or "") != str(latest.number):
        raise StaleObject(
            _(
                "合同已被他人修改（当前为第 %(n)s 版），请刷新后在最新版本上修改。",
                n=latest.number,
            )
        )
    _check(contract.deal, body)
    if body == latest.body:
        raise ValidationFailed([(None, _("内容没有变化，未生成新版本。"))])
    version = ContractVersion(
        contract=contract,
        number=latest.number + 1,
        body=body,
        note=note or "",
        created_by_id=actor.id,
    )
    db.session.add(version)
    db.session.flush()
    if actor.is_staff:
        audit.record(actor, "contract.edit", contract, version=version.number)
    cleared = sorted(latest.signed_parties())
    text = (
        _l("合同已修改为第 %(n)s 版，需要重新确认签署。", n=version.number)
        if cleared
        else ""
    )
    _tell(
        contract,
        actor,
        _l("合同有新版本（第 %(n)s 版）：%(t)s", n=version.number, t=version.title),
        f"contract:{contract.id}:v{version.number}",
        body=text,
    )
    return version


def sign(contract: Contract, actor, version_number: int) -> ContractSignature:
    """`actor` signs `version_number` for their side; both sides → the deal's sign_contract.

    Only the latest version can be signed, and only when its price matches the deal's
    agreed price. When this signature completes the pair, the deal action runs in the
    same transaction. No side may sign while a public notice runs, before a required
    notice has passed, or after an objection was sustained (deals.pipeline).
    """
    party = signing_party(contract, actor)
    if party is None:
        raise PermissionDenied(_("只有合同双方的成员可以签署合同。"))
    latest = contract.latest
    if latest is None or latest.number != version_number:
        raise StaleObject(_("合同已有更新的版本，请查看最新版本后再签署。"))
    if latest.signature_of(party) is not None:
        raise InvalidTransition(_("贵方已签署此版本。"))
    # No side signs while a notice runs or before a required one has passed
    # (促进科技成果转化法 §18): the first signature is refused, not only the second.
    if reason := deal_pipeline.signing_blocked(contract.deal):
        raise InvalidTransition(reason)
    # Checked at every signature: the price may have been agreed (or renegotiated)
    # after this version was saved.
    if errors := price_errors(contract.deal, latest.body):
        raise InvalidTransition(errors[0][1])
    org_id = (
        contract.deal.supplier_org_id
        if party == "supplier"
        else contract.deal.firm_org_id
    )
    signature = ContractSignature(
        contract=contract,
        version=latest,
        party=party,
        organization_id=org_id,
        user_id=actor.id,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    # Setting `version` appended the signature to latest.signatures in memory.
    db.session.flush()
    if contract.latest_fully_signed:
        deal_services.apply_action(contract.deal, "sign_contract", actor)
        contract.signed_at = signature.signed_at
        db.session.flush()
        contract_signed.send(contract, version=latest, actor=actor)
    else:
        request_signature(contract, actor)
    return signature


def request_signature(contract: Contract, actor) -> int:
    """Tell the side that has not signed the latest version yet; returns people told."""
    latest = contract.latest
    missing = set(SIGNING_PARTIES) - latest.signed_parties()
    told = 0
    for user in deal_services.party_users(contract.deal):
        if user.id == actor.id or not (parties(contract.deal, user) & missing):
            continue
        if notify(
            user,
            "contract.sign",
            _l("请确认签署合同（第 %(n)s 版）：%(t)s", n=latest.number, t=latest.title),
            link=contract_link(contract),
            dedupe_key=f"contract:{contract.id}:sign:v{latest.number}:{user.id}",
        ):
            told += 1
    return told


def contract_link(contract: Contract) -> str:
    """The contract page's path, also outside a request (the CLI's tick)."""
    return site_path("contracts.detail", contract_id=contract.id)


def _tell(
    contract: Contract, actor, title: Message, dedupe: str, body: Message = ""
) -> None:
    """Tell the deal's other people; title and body are rendered per recipient."""
    for user in deal_services.party_users(contract.deal):
        if user.id != actor.id:
            notify(
                user,
                "contract.version",
                title,
                body,
                contract_link(contract),
                dedupe_key=f"{dedupe}:{user.id}",
            )
