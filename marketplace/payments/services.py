"""Creating payment requests: from a signed contract, from royalty reports; telling payers.

Flushes, never commits. `on_contract_signed` is idempotent (each request has a unique
source_key), so calling it again for the same deal creates nothing new.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User
from ..contracts.rules import contract_of
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..deals.models import Deal
from ..deals.services import path_for
from ..extensions import db
from ..notifications.services import Message, notify, render
from ..vouchers.rules import CONTRACT_SERVICE_KIND, FEE_SERVICE_KIND
from . import fees, royalties
from .models import PaymentKind, PaymentRequest

#: Days to pay a lump sum, an entry fee or a fee after signing, and a royalty report.
PAY_WITHIN_DAYS = 30


def request_by_key(key: str) -> PaymentRequest | None:
    return db.session.scalar(
        sa.select(PaymentRequest).where(PaymentRequest.source_key == key)
    )


def add_request(key: str, **fields) -> tuple[PaymentRequest, bool]:
    """The request with `key`, created from `fields` if new; (request, created)."""
    existing = request_by_key(key)
    if existing is not None:
        return existing, False
    req = PaymentRequest(source_key=key, **fields)
    db.session.add(req)
    db.session.flush()
    return req, True


def link_for(req: PaymentRequest) -> str:

    return path_for("payments.detail", request_id=req.id)


def tell_payer(req: PaymentRequest, title: Message) -> None:
    """Notify the payer organisation's members that something is due or changed.

    `title` is rendered in each member's language; the dedupe key uses the default
    language's text, so it does not depend on who acted.
    """
    key = render(title, current_app.config["BABEL_DEFAULT_LOCALE"])
    users = db.session.scalars(
        sa.select(User).where(
            User.organization_id == req.payer_org_id, User.active.is_(True)
        )
    ).all()
    for user in users:
        notify(
            user,
            "payment.due",
            title,
            req.title,
            link_for(req),
            dedupe_key=f"payment:{req.id}:{key}:{user.id}",
        )


def tell_operators(
    kind: str, title: Message, body: Message, link: str, dedupe: str
) -> None:
    """Notify every active operator; title and body are rendered per recipient."""

    for user in db.session.scalars(
        sa.select(User).where(User.role == Role.OPERATOR, User.active.is_(True))
    ):
        notify(user, kind, title, body, link, dedupe_key=f"{dedupe}:{user.id}")


def _signed_on(deal) -> date:
    return (deal.contract_signed_at or utcnow()).date()


def on_contract_signed(deal, contract_version, actor) -> list[PaymentRequest]:
    """Create the contract payments (per payment mode) and the market's service fees."""
    body = contract_version.body or {}
    price = body.get("price_fen") or 0
    mode = body.get("payment_mode")
    signed = _signed_on(deal)
    due = signed + timedelta(days=PAY_WITHIN_DAYS)
    service_kind = CONTRACT_SERVICE_KIND.get(body.get("type"))
    common = {
        "deal_id": deal.id,
        "currency": deal.currency or "CNY",
        "payer_org_id": deal.firm_org_id,
        "payee_org_id": deal.supplier_org_id,
        "contract_version_id": contract_version.id,
        "service_kind": service_kind,
        "created_by_id": getattr(actor, "id", None),
    }
    made: list[PaymentRequest] = []

    def make(key, **fields):
        req, created = add_request(f"deal:{deal.id}:{key}", **{**common, **fields})
        if created:
            made.append(req)

    title = deal.title[:120]
    if mode == "lump_sum" and price > 0:
        make(
            "lump_sum",
            kind=PaymentKind.LUMP_SUM,
            amount_fen=price,
            due_on=due,
            title=_("%(t)s：合同价款", t=title),
        )
    elif mode == "instalments":
        rows = body.get("instalments") or []
        for n, row in enumerate(rows, start=1):
            make(
                f"instalment:{n}",
                kind=PaymentKind.INSTALMENT,
                amount_fen=row["amount_fen"],
                due_on=date.fromisoformat(row["due"]),
                title=_("%(t)s：第 %(n)s/%(m)s 期价款", t=title, n=n, m=len(rows)),
            )
    elif mode == "entry_plus_royalty" and (body.get("entry_fee_fen") or 0) > 0:
        make(
            "entry_fee",
            kind=PaymentKind.ENTRY_FEE,
            amount_fen=body["entry_fee_fen"],
            due_on=due,
            title=_("%(t)s：入门费", t=title),
        )
    # The brokerage follows the signed 技术中介报酬 clause, not the schedule.
    for line in fees.contract_lines(deal, body):
        payer = deal.firm_org_id if line.payer == "firm" else deal.supplier_org_id
        make(
            line.kind,
            kind=line.kind,
            amount_fen=line.amount_fen,
            due_on=due,
            payer_org_id=payer,
            payee_org_id=None,
            service_kind=FEE_SERVICE_KIND[line.kind],
            title=_("%(t)s：%(k)s", t=title, k=line.label),
            rate_text=line.rule,
        )
    # services, deposits and paying call each other: imported at call time
    from .deposits import apply_winner_deposit

    apply_winner_deposit(deal, made, actor)
    for req in made:
        tell_payer(req, _l("新的付款通知：%(t)s", t=req.title))
    current_app.logger.info("payments for deal %s: %d requests", deal.id, len(made))
    return made


def royalty_terms(deal):
    """(contract version, royalty dict) when the signed contract pays royalties, else None."""

    contract = contract_of(deal)
    if contract is None or contract.signed_at is None:
        return None
    version = contract.latest
    if version.body.get("payment_mode") not in ("royalty", "entry_plus_royalty"):
        return None
    return version, version.body.get("royalty") or {}


def report_royalty(
    deal, actor, period_start: date, period_end: date, base_fen: int
) -> PaymentRequest:
    """The licensee reports a period's base; the amount due is computed here, not typed."""
    terms = royalty_terms(deal)
    if terms is None:
        raise ValidationFailed([(None, _("该交易的合同不是提成支付方式。"))])
    if not actor.belongs_to(deal.firm_org_id):
        raise PermissionDenied(_("只有被许可方（企业）可以申报提成。"))
    if period_end < period_start:
        raise ValidationFailed([("period_end", _("结束日期不能早于开始日期。"))])
    if base_fen is None or base_fen < 0:
        raise ValidationFailed([("base", _("请填写有效金额。"))])
    version, royalty = terms
    year = royalties.contract_year(_signed_on(deal), period_start)
    rate = royalties.rate_pct(royalty, year)
    amount = royalties.royalty_fen(base_fen, rate)
    if amount <= 0:
        raise ValidationFailed([("base", _("按此基数计算的提成为零，无需付款。"))])
    key = f"deal:{deal.id}:royalty:{period_start.isoformat()}:{period_end.isoformat()}"
    if request_by_key(key) is not None:
        raise ValidationFailed([("period_start", _("该期间已申报过提成。"))])
    req, _created = add_request(
        key,
        deal_id=deal.id,
        kind=PaymentKind.ROYALTY,
        currency=deal.currency or "CNY",
        payer_org_id=deal.firm_org_id,
        payee_org_id=deal.supplier_org_id,
        contract_version_id=version.id,
        service_kind=CONTRACT_SERVICE_KIND.get(version.body.get("type")),
        amount_fen=amount,
        due_on=period_end + timedelta(days=PAY_WITHIN_DAYS),
        period_start=period_start,
        period_end=period_end,
        base_fen=base_fen,
        rate_text=f"{rate.normalize():f}%",
        created_by_id=actor.id,
        title=_(
            "%(t)s：提成（%(a)s 至 %(b)s）",
            t=deal.title[:100],
            a=period_start,
            b=period_end,
        ),
    )
    return req


def visible_requests_query(user):
    """A select of the requests `user` may see (operator: all)."""

    q = sa.select(PaymentRequest)
    if user.is_operator:
        return q
    conds = []
    if user.organization_id:
        conds += [
            PaymentRequest.payer_org_id == user.organization_id,
            PaymentRequest.payee_org_id == user.organization_id,
        ]
    if user.is_broker:
        conds.append(
            PaymentRequest.deal_id.in_(
                sa.select(Deal.id).where(Deal.broker_id == user.id)
            )
        )
    return q.where(sa.or_(*conds)) if conds else q.where(sa.false())
