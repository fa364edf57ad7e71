"""The deal pipeline as a declarative table: (stage, action) → next stage, who, guards.

interest → matchmaking → evaluation → negotiation → public_notice (when required) →
contract_signed → registered → performing → closed; `terminate` from any open stage
with a reason; `reopen` by the operator within DEAL_REOPEN_DAYS (30) of termination.
Parties: "broker" (the assigned one), "supplier", "firm", "operator", and "system"
(the market's clock: `flask jobs tick`). `services.apply_action` is the only code that
uses this table to change a stage.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.timeutil import utcnow
from ..core.workflow import Transition, Workflow, reads_clock
from . import questions
from .models import DealStage as S
from .pricing import rules as pricing_rules
from .pricing.models import NoticeOutcome

BROKER, SUPPLIER, FIRM, OPERATOR, SYSTEM = (
    "broker",
    "supplier",
    "firm",
    "operator",
    "system",
)
#: A transition's target meaning "the stage the deal left when it was terminated".
PREVIOUS = "previous"


def deal_mode(deal) -> str | None:
    """The deal's cooperation mode: the one agreed with the price, else the
    achievement's first (what the price form proposes), else unknown."""
    if getattr(deal, "cooperation_mode", None):
        return deal.cooperation_mode
    modes = deal.achievement.cooperation_modes if deal.achievement else None
    return modes[0] if modes else None


def notice_required(deal) -> bool:
    """Whether the deal's agreed price must be publicly noticed (pricing_rules)."""
    return bool(deal.supplier_org) and pricing_rules.notice_required(
        deal.supplier_org.state_funded, deal.pricing_mode, deal_mode(deal)
    )


def reopen_days() -> int:
    return int(current_app.config.get("DEAL_REOPEN_DAYS", 30))


# -- guards: None when the action may go ahead, else the reason it may not ----------
def _price_given(deal) -> str | None:
    if deal.agreed_price_fen is None or deal.agreed_price_fen <= 0:
        return _("请先填写双方协商一致的价格。")
    return None


def _agreement_pricing(deal) -> str | None:
    if deal.pricing_mode not in ("agreement", "negotiable"):
        return _("该交易采用挂牌或拍卖定价，不能直接协议定价。")
    return None


def _listing_pricing(deal) -> str | None:
    listed = deal.achievement.price_fen if deal.achievement else None
    if deal.pricing_mode != "listing" or not listed:
        return _("该交易不是挂牌交易，或成果没有挂牌价格。")
    if deal.agreed_price_fen is not None:
        return _("价格已确定。")
    return None


def signing_blocked(deal, now: datetime | None = None) -> str | None:
    """Why no party may sign yet, or None: the contracts feature asks this before it
    records any signature, so the first one is refused as well as the second."""
    return _notice_clear(deal, now or utcnow())


@reads_clock
def _notice_clear(deal, now: datetime) -> str | None:
    """No running notice, no sustained objection; a required notice has passed."""
    notice = deal.notice
    if notice is not None and notice.outcome != NoticeOutcome.WITHDRAWN:
        outcome = notice.effective_outcome(now)
        if notice.has_sustained_objection or outcome == NoticeOutcome.FAILED:
            return _("公示中的异议已被认定成立，不能签订合同。")
        if outcome != NoticeOutcome.PASSED:
            return _("公示期尚未结束或仍有异议待处理，暂不能签订合同。")
        return None
    if notice_required(deal):
        return _("财政资助单位协议定价须先完成不少于 15 日的公示。")
    return None


def _contract_fully_signed(deal) -> str | None:
    if not questions.ask("contract_fully_signed", deal):
        return _("合同尚未经双方签署确认。")
    return None


def _registration_recorded(deal) -> str | None:
    if not questions.ask("registration_recorded", deal):
        return _("尚未录入技术合同认定登记信息。")
    return None


@reads_clock
def _within_reopen_window(deal, now: datetime) -> str | None:
    if deal.terminated_at is None or not deal.terminated_from:
        return _("该交易无法恢复。")
    if now > deal.terminated_at + timedelta(days=reopen_days()):
        return _("终止已超过 %(n)d 天，不能恢复。", n=reopen_days())
    return None


def _auction_closed(deal) -> str | None:
    auction = deal.auction
    if auction is None or auction.outcome is None:
        return _("拍卖尚未结束。")
    return None


_b = frozenset({BROKER, OPERATOR})
_all = frozenset({BROKER, SUPPLIER, FIRM, OPERATOR})
_signers = frozenset({BROKER, SUPPLIER, FIRM})
_system = frozenset({SYSTEM})
_PRE_CONTRACT = (
    S.INTEREST,
    S.MATCHMAKING,
    S.EVALUATION,
    S.NEGOTIATION,
    S.PUBLIC_NOTICE,
)
_POST_CONTRACT = (S.CONTRACT_SIGNED, S.REGISTERED, S.PERFORMING)

TRANSITIONS = [
    Transition(S.INTEREST, "start_matchmaking", S.MATCHMAKING, _b),
    Transition(S.MATCHMAKING, "start_evaluation", S.EVALUATION, _b),
    Transition(S.MATCHMAKING, "skip_evaluation", S.NEGOTIATION, _b),
    Transition(S.EVALUATION, "finish_evaluation", S.NEGOTIATION, _b),
    # Goes to public_notice only when notice_required (see resolve_target).
    Transition(
        S.NEGOTIATION,
        "agree_price",
        S.PUBLIC_NOTICE,
        _b,
        (_agreement_pricing, _price_given),
    ),
    Transition(
        S.NEGOTIATION,
        "accept_listing",
        S.NEGOTIATION,
        frozenset({FIRM}),
        (_listing_pricing,),
    ),
    Transition(
        S.NEGOTIATION, "auction_close", S.NEGOTIATION, _system, (_auction_closed,)
    ),
    Transition(S.PUBLIC_NOTICE, "notice_close", S.PUBLIC_NOTICE, _system),
    Transition(S.PUBLIC_NOTICE, "renegotiate", S.NEGOTIATION, _b),
    Transition(
        S.NEGOTIATION,
        "sign_contract",
        S.CONTRACT_SIGNED,
        _signers,
        (_price_given, _notice_clear, _contract_fully_signed),
    ),
    Transition(
        S.PUBLIC_NOTICE,
        "sign_contract",
        S.CONTRACT_SIGNED,
        _signers,
        (_price_given, _notice_clear, _contract_fully_signed),
    ),
    Transition(
        S.CONTRACT_SIGNED,
        "register",
        S.REGISTERED,
        frozenset({BROKER, SUPPLIER}),
        (_registration_recorded,),
    ),
    Transition(S.REGISTERED, "start_performance", S.PERFORMING, _b),
    Transition(S.PERFORMING, "close", S.CLOSED, _b),
    *[
        Transition(s, "terminate", S.TERMINATED, _all, needs_reason=True)
        for s in _PRE_CONTRACT
    ],
    # After signing, ending a contract is a legal step the market staff record.
    *[
        Transition(s, "terminate", S.TERMINATED, _b, needs_reason=True)
        for s in _POST_CONTRACT
    ],
    Transition(
        S.TERMINATED,
        "reopen",
        PREVIOUS,
        frozenset({OPERATOR}),
        (_within_reopen_window,),
        needs_reason=True,
    ),
]
FLOW = Workflow(TRANSITIONS)

#: Actions with their own form (price, listing); the generic button posts the rest.
FORM_ACTIONS = frozenset({"agree_price"})
#: Actions only the market's clock takes; never shown as buttons.
SYSTEM_ACTIONS = frozenset({"auction_close", "notice_close"})

ACTION_LABELS = {
    "create": _l("创建交易"),
    "start_matchmaking": _l("开始对接"),
    "start_evaluation": _l("进入评价"),
    "skip_evaluation": _l("跳过评价，进入议价"),
    "finish_evaluation": _l("完成评价，进入议价"),
    "agree_price": _l("确定协议价格"),
    "accept_listing": _l("接受挂牌价格与条件"),
    "auction_close": _l("拍卖结束"),
    "notice_close": _l("公示结束"),
    "renegotiate": _l("重新议价"),
    "sign_contract": _l("确认合同签订"),
    "register": _l("确认认定登记"),
    "start_performance": _l("进入履行"),
    "close": _l("完成交易"),
    "terminate": _l("终止交易"),
    "reopen": _l("恢复交易"),
    "reassign": _l("重新指派经纪人"),
}

#: What the deal waits for in each stage (the queue's "next action").
NEXT_STEP = {
    S.INTEREST: _l("联系双方，开始对接"),
    S.MATCHMAKING: _l("组织洽谈，决定是否评价"),
    S.EVALUATION: _l("完成成果评价"),
    S.NEGOTIATION: _l("确定价格（协议/挂牌/拍卖）"),
    S.PUBLIC_NOTICE: _l("公示期满后签订合同"),
    S.CONTRACT_SIGNED: _l("办理技术合同认定登记"),
    S.REGISTERED: _l("跟进履行"),
    S.PERFORMING: _l("跟进付款与验收"),
}


def resolve_target(t: Transition, deal) -> str:
    """The stage a transition leads to for this deal (the two branching rows)."""
    if t.target == PREVIOUS:
        return deal.terminated_from
    if t.action == "agree_price" and not notice_required(deal):
        return S.NEGOTIATION  # private or freely agreed prices need no notice
    return str(t.target)
