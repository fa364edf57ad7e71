"""Every change to a deal's stage goes through `apply_action`; also who is who on a deal.

Public API (used by evaluation/contracts):
- `deal_parties(deal, user) -> set[str]`: the parties `user` plays ("broker" when
  assigned, "supplier", "firm", "operator"); empty for anyone else.
- `apply_action(deal, action, actor, reason="", expected_version=None,
  attachments=None, now=None) -> DealEvent`: checks the table in pipeline.py (who and
  guards), the optimistic version, moves the stage, appends a DealEvent, notifies the
  parties, flushes (never commits) and sends `signals.deal_action_applied`. Raises
  PermissionDenied, InvalidTransition, StaleObject ("the deal changed, reload"),
  ValidationFailed. `actor=None` is the market's clock (party "system").
- `available_actions(deal, user, now=None)`: the transitions to draw as buttons.
- `allowed_pricing_modes(deal)`, `can_set_price(deal, user)`: what the pricing forms
  offer, decided here so pages do not re-check the rules.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.models import User
from ..core import audit
from ..core.domain import COOPERATION_LABELS
from ..core.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from ..core.timeutil import utcnow
from ..core.urls import site_path
from ..extensions import db
from ..notifications.services import Message, notify
from ..uploads.services import register_owner_rule, save_upload
from . import pipeline
from .models import Deal, DealEvent, DealStage
from .pricing.models import NoticeOutcome
from .signals import deal_action_applied

REASON_MAX = 2000


def deal_parties(deal: Deal, user) -> set[str]:
    """The roles `user` plays on `deal`: broker, supplier, firm, operator (or none)."""
    parties: set[str] = set()
    if user is None or not getattr(user, "is_authenticated", False):
        return parties
    if user.is_operator:
        parties.add(pipeline.OPERATOR)
    if user.is_broker and deal.broker_id == user.id:
        parties.add(pipeline.BROKER)
    if user.belongs_to(deal.supplier_org_id):
        parties.add(pipeline.SUPPLIER)
    if user.belongs_to(deal.firm_org_id):
        parties.add(pipeline.FIRM)
    return parties


def _parties_of(deal: Deal, actor) -> set[str]:
    return {pipeline.SYSTEM} if actor is None else deal_parties(deal, actor)


def available_actions(deal: Deal, user, now: datetime | None = None) -> list:
    """The transitions `user` could take now, without the clock's own ones."""
    found = pipeline.FLOW.available(deal, deal.stage, deal_parties(deal, user), now)
    return [t for t in found if t.action not in pipeline.SYSTEM_ACTIONS]


def flush_deal() -> None:
    """Flush, turning a lost optimistic-lock race into StaleObject."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleObject(_("该交易已被他人更新，请刷新页面后重试。")) from None


def _check_version(deal: Deal, expected_version) -> None:
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise StaleObject(_("该交易已被他人更新，请刷新页面后重试。")) from None
    if expected != deal.version:
        raise StaleObject(_("该交易已被他人更新，请刷新页面后重试。"))


def _attachment_ids(deal: Deal, actor, attachments) -> list[int]:
    ids: list[int] = []
    for item in attachments or []:
        if isinstance(item, int):
            ids.append(item)
        elif getattr(item, "filename", None):
            ids.append(save_upload(item, "deal", deal.id, actor).id)
    return ids


def _effects(deal: Deal, action: str, source: str, reason: str, now: datetime) -> None:
    """What an action does besides moving the stage."""
    if action == "terminate":
        deal.terminated_at, deal.terminated_from = now, source
        deal.termination_reason = reason
    elif action == "reopen":
        deal.terminated_at = deal.terminated_from = deal.termination_reason = None
    elif action == "accept_listing":
        deal.agreed_price_fen = deal.achievement.price_fen
    elif action == "renegotiate":
        deal.agreed_price_fen = None
        notice = deal.notice
        if notice is not None and notice.outcome is None:
            notice.outcome, notice.closed_at = NoticeOutcome.WITHDRAWN, now
    elif action == "sign_contract":
        deal.contract_signed_at = now
    elif action == "register":
        deal.registered_at = now
    elif action == "close":
        deal.closed_at = now


def apply_action(
    deal: Deal,
    action: str,
    actor,
    reason: str = "",
    expected_version=None,
    attachments=None,
    now: datetime | None = None,
) -> DealEvent:
    """Take `action` on `deal` as `actor` (None = the clock); see the module docstring."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed([("reason", _("原因不能超过 %(n)d 字。", n=REASON_MAX))])
    _check_version(deal, expected_version)
    source = str(deal.stage)
    t = pipeline.FLOW.check(
        deal, source, action, _parties_of(deal, actor), reason, now=now
    )
    target = pipeline.resolve_target(t, deal)
    ids = _attachment_ids(deal, actor, attachments)
    _effects(deal, action, source, reason, now)
    if target != source:
        deal.stage = DealStage(target)
        deal.stage_entered_at = now
    else:
        # Same stage (price agreed, auction closed): still a change, so the version
        # moves on and a page rendered before it is stale.
        flag_modified(deal, "stage")
    ev = DealEvent(
        deal=deal,
        at=now,
        actor_id=getattr(actor, "id", None),
        action=action,
        from_stage=source,
        to_stage=target,
        reason=reason,
        attachment_ids=ids,
    )
    db.session.add(ev)
    flush_deal()
    if actor is not None and actor.is_staff:
        audit.record(
            actor,
            f"deal.{action}",
            deal,
            from_stage=source,
            to_stage=target,
            reason=reason or None,
        )
    if target != source:
        tell_parties(
            deal,
            actor,
            "deal.stage",
            _l("交易“%(t)s”进入%(s)s", t=deal.title, s=deal.stage_label),
            reason,
            f"deal:{deal.id}:event:{ev.id}",
        )
    # Receivers (payments on sign_contract) write in this same transaction.
    deal_action_applied.send(deal, action=action, actor=actor, event=ev)
    return ev


def party_users(deal: Deal) -> list[User]:
    """Everyone who acts on the deal: the supplier's and firm's members and the broker."""
    users = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organization_id.in_([deal.supplier_org_id, deal.firm_org_id]),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
    if deal.broker is not None:
        users.append(deal.broker)
    return users


def path_for(endpoint: str, **values) -> str:
    """A same-site path for notifications, also outside a request (the CLI tick)."""
    return site_path(endpoint, **values)


def deal_link(deal: Deal) -> str:
    return path_for("deals.detail", deal_id=deal.id)


def tell_parties(
    deal: Deal,
    actor,
    kind: str,
    title: Message,
    body: Message,
    dedupe: str,
    audience: frozenset[str] | None = None,
) -> None:
    """Notify each party user except the actor (optionally only some parties).

    `title` and `body` are messages rendered per recipient (notifications.services).
    """
    for user in party_users(deal):
        if actor is not None and user.id == actor.id:
            continue
        if audience is not None and not (deal_parties(deal, user) & audience):
            continue
        notify(
            user, kind, title, body, deal_link(deal), dedupe_key=f"{dedupe}:{user.id}"
        )


def agree_price(
    deal: Deal,
    actor,
    price_fen: int | None,
    notice_data: dict | None = None,
    expected_version=None,
    now: datetime | None = None,
) -> DealEvent:
    """The broker records the agreed price and the mode of transfer; a notice opens
    when the pricing rules require one (state-funded, agreement, a held achievement)."""
    # pricing.notices imports this module: imported at call time
    from .pricing.notices import open_notice

    if price_fen is None or price_fen <= 0:
        raise ValidationFailed([("price", _("请填写大于 0 的价格。"))])
    _check_version(deal, expected_version)
    if deal.stage != DealStage.NEGOTIATION:
        raise InvalidTransition(_("当前状态下不能执行此操作，请刷新页面后重试。"))
    mode = (notice_data or {}).get("transfer_mode") or pipeline.deal_mode(deal)
    if mode is not None and mode not in COOPERATION_LABELS:
        raise ValidationFailed([("transfer_mode", _("请选择转化方式。"))])
    deal.agreed_price_fen, deal.cooperation_mode = price_fen, mode
    ev = apply_action(deal, "agree_price", actor, now=now)
    if deal.stage == DealStage.PUBLIC_NOTICE:
        open_notice(deal, actor, notice_data or {}, now=now)
    return ev


PRICING_MODES = ("agreement", "listing", "auction", "negotiable")


def allowed_pricing_modes(deal: Deal) -> list[str]:
    """How this deal's price may be set: 面议 is closed to state-funded suppliers (§18)."""
    state_funded = deal.supplier_org.state_funded
    return [m for m in PRICING_MODES if not (state_funded and m == "negotiable")]


def can_set_price(deal: Deal, user) -> bool:
    """Whether `user` may agree the price or change the pricing mode now: the deal's
    staff, while negotiating and before a price is agreed."""
    return (
        bool(deal_parties(deal, user) & {pipeline.BROKER, pipeline.OPERATOR})
        and deal.stage == DealStage.NEGOTIATION
        and deal.agreed_price_fen is None
    )


def set_pricing_mode(deal: Deal, actor, mode: str, expected_version=None) -> None:
    """The broker switches how the price is set while negotiating (§18 for state-funded)."""
    if not (deal_parties(deal, actor) & {pipeline.BROKER, pipeline.OPERATOR}):
        raise PermissionDenied(_("您无权执行此操作。"))
    _check_version(deal, expected_version)
    if mode not in allowed_pricing_modes(deal):
        raise ValidationFailed(
            [("pricing_mode", _("财政资助单位须采用协议定价、挂牌交易或拍卖。"))]
        )
    if deal.stage != DealStage.NEGOTIATION or deal.agreed_price_fen is not None:
        raise InvalidTransition(_("只有议价阶段且价格未确定时可以更改定价方式。"))
    audit.record(actor, "deal.pricing_mode", deal, old=deal.pricing_mode, new=mode)
    deal.pricing_mode = mode
    flush_deal()


def _can_download(user, attachment) -> bool:
    deal = db.session.get(Deal, attachment.owner_id)
    return bool(deal and deal.can_view(user))


register_owner_rule("deal", _can_download)
