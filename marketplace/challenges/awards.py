"""The sponsor's pick (揭榜): winners with their prize grade, each a deal (sponsor = firm,
solver = supplier) and a prize payment request; or no winner, with a reason.

Flushes, never commits; raises the typed errors of core/errors.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..deals import starting
from ..extensions import db
from ..payments.models import PaymentKind, PaymentRequest
from ..payments.services import PAY_WITHIN_DAYS, add_request, request_by_key, tell_payer
from ..vouchers.rules import PRIZE_SERVICE_KIND
from ..vouchers.verdict import Verdict, verdict
from .models import CallStatus, Challenge, Proposal, Stage
from .services import TEXT_MAX


def _sponsor(actor, call: Challenge) -> None:
    if not (
        actor
        and actor.is_authenticated
        and (actor.belongs_to(call.sponsor_org_id) or actor.is_operator)
    ):
        raise PermissionDenied(_("只有发榜企业可以揭榜。"))


def award(
    actor,
    call: Challenge,
    winners: dict[int, int],
    now: datetime | None = None,
) -> list[Proposal]:
    """The sponsor picks winners: {proposal id: index of the prize grade}. Each winner
    gets a deal (sponsor = firm, solver = supplier) and a payment request for its prize."""
    _sponsor(actor, call)
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有截止后、尚未揭榜的榜单可以揭榜。"))
    if not winners:
        raise ValidationFailed([("winners", _("请至少选择一个中榜方案。"))])
    by_id = {p.id: p for p in call.proposals}
    if any(pid not in by_id for pid in winners) or any(
        not 0 <= g < len(call.awards) for g in winners.values()
    ):
        raise ValidationFailed([("winners", _("所选方案或奖项无效。"))])
    picked = []
    for pid, grade in winners.items():
        proposal = by_id[pid]
        prize = call.awards[grade]
        proposal.award_grade = prize["grade"]
        proposal.award_fen = prize["amount_fen"]
        deal = _open_deal(actor, call, proposal, now)
        proposal.deal_id = deal.id
        req, _created = add_request(
            _prize_key(call, proposal),
            deal_id=deal.id,
            kind=PaymentKind.PRIZE,
            service_kind=PRIZE_SERVICE_KIND,
            amount_fen=prize["amount_fen"],
            currency="CNY",
            due_on=(now + timedelta(days=PAY_WITHIN_DAYS)).date(),
            payer_org_id=call.sponsor_org_id,
            payee_org_id=proposal.organization_id,
            title=_("揭榜奖金：%(t)s（%(g)s）", t=call.title[:100], g=prize["grade"]),
            created_by_id=actor.id,
        )
        tell_payer(req, _l("揭榜奖金待支付：%(t)s", t=call.title))
        picked.append(proposal)
    call.status = CallStatus.AWARDED
    call.decided_at = now
    db.session.flush()
    audit.record(actor, "challenge.award", call, winners=sorted(winners))
    return picked


def _prize_key(call: Challenge, proposal: Proposal) -> str:
    return f"challenge:{call.id}:award:{proposal.id}"


def prize_payments(
    user, call: Challenge
) -> list[tuple[Proposal, PaymentRequest, Verdict]]:
    """For the award page: each winner's prize request the user may open, with the
    verdict on paying part of it by innovation voucher."""
    out = []
    for proposal in call.proposals:
        if not proposal.award_grade:
            continue
        req = request_by_key(_prize_key(call, proposal))
        if req is not None and req.can_view(user):
            out.append((proposal, req, verdict(req, user)))
    return out


def _open_deal(actor, call: Challenge, proposal: Proposal, now: datetime):
    """The winning proposal as a deal in the pipeline (firm = sponsor, supplier = solver),
    the proposal carried into the deal room as its first message."""
    text = _(
        "揭榜挂帅“%(t)s”中榜方案（第 %(v)d 版）：\n%(a)s",
        t=call.title,
        v=proposal.current.version,
        a=proposal.current.approach,
    )
    return starting.start_from_award(
        actor, proposal.organization_id, call.sponsor_org_id, call.need, text, now
    )


def no_winner(actor, call: Challenge, reason: str, now: datetime | None = None) -> None:
    _sponsor(actor, call)
    now = now or utcnow()
    if call.stage(now) != Stage.JUDGING:
        raise InvalidTransition(_("只有截止后、尚未揭榜的榜单可以宣布未揭榜。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _("请说明未揭榜的原因。"))])
    if len(reason) > TEXT_MAX:
        raise ValidationFailed([("reason", _("内容不能超过 %(n)d 字。", n=TEXT_MAX))])
    call.status = CallStatus.NO_WINNER
    call.no_winner_reason = reason
    call.decided_at = now
    db.session.flush()
    audit.record(actor, "challenge.no_winner", call)
