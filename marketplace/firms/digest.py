"""The weekly digest: its content per subscriber and fields, the operator's note,
sending through the mail outbox in the recipient's language, signed unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.models import User
from ..achievements.models import Achievement
from ..challenges.models import CallStatus, Challenge
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.mail_outbox import queue_mail
from ..core.timeutil import SHANGHAI, utcnow
from ..deals.models import Deal
from ..deals.pricing.models import AUCTION_STATUS_LABELS, Auction
from ..extensions import db
from ..listings.lifecycle import ListingStatus, NeedStatus
from ..needs.models import Need
from ..notifications.services import recipient_locale
from ..services.models import Instrument, Provider
from .models_digest import DigestNote, DigestSubscription
from .models_events import Event
from .models_finance import FinanceProduct

SALT = "digest-unsubscribe"


def week_start(now: datetime) -> date:
    """Monday (Shanghai) of the week `now` (naive UTC) falls in."""
    local = (now + SHANGHAI.utcoffset(now)).date()
    return local - timedelta(days=local.weekday())


def _utc_start(day: date) -> datetime:
    midnight = datetime(day.year, day.month, day.day)
    return midnight - SHANGHAI.utcoffset(midnight)


@dataclass
class Digest:
    week: date
    note: str = ""
    achievements: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    events: list = field(default_factory=list)
    products: list = field(default_factory=list)
    #: Calls collecting now (征集中), and the calls decided this week.
    calls: list = field(default_factory=list)
    call_results: list = field(default_factory=list)
    #: (auction, deal, label) of the auctions closed this week.
    auction_results: list = field(default_factory=list)
    providers: list = field(default_factory=list)
    instruments: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def subscription_of(user) -> DigestSubscription | None:
    return db.session.scalar(
        sa.select(DigestSubscription).where(DigestSubscription.user_id == user.id)
    )


def build(
    fields: list[str], now: datetime | None = None, week: date | None = None
) -> Digest:
    """The digest of the week before `week` (default: the last full week) for `fields`."""
    now = now or utcnow()
    week = week or week_start(now) - timedelta(days=7)
    start, end = _utc_start(week), _utc_start(week + timedelta(days=7))
    note = db.session.scalar(
        sa.select(DigestNote.body).where(DigestNote.week_start == week)
    )
    d = Digest(week=week, note=note or "")
    achs = sa.select(Achievement).where(
        Achievement.status == ListingStatus.PUBLISHED,
        Achievement.published_at >= start,
        Achievement.published_at < end,
    )
    needs = sa.select(Need).where(
        Need.status == NeedStatus.PUBLISHED,
        Need.published_at >= start,
        Need.published_at < end,
        Need.confidential.is_(False),
    )
    if fields:
        achs = achs.where(Achievement.field.in_(fields))
        needs = needs.where(Need.field.in_(fields))
    d.achievements = list(db.session.scalars(achs.order_by(Achievement.id).limit(20)))
    d.needs = list(db.session.scalars(needs.order_by(Need.id).limit(20)))
    d.events = list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.starts_at >= now)
            .order_by(Event.starts_at)
            .limit(5)
        )
    )
    d.products = list(
        db.session.scalars(
            sa.select(FinanceProduct).where(
                FinanceProduct.created_at >= start, FinanceProduct.created_at < end
            )
        )
    )

    calls = (
        sa.select(Challenge)
        .join(Need, Challenge.need_id == Need.id)
        .where(Challenge.status == CallStatus.APPROVED, Challenge.deadline_at > now)
    )
    decided = (
        sa.select(Challenge)
        .join(Need, Challenge.need_id == Need.id)
        .where(
            Challenge.status.in_([CallStatus.AWARDED, CallStatus.NO_WINNER]),
            Challenge.decided_at >= start,
            Challenge.decided_at < end,
        )
    )
    instruments = sa.select(Instrument).where(
        Instrument.active.is_(True),
        Instrument.created_at >= start,
        Instrument.created_at < end,
    )
    if fields:
        calls = calls.where(Need.field.in_(fields))
        decided = decided.where(Need.field.in_(fields))
        instruments = instruments.where(Instrument.field.in_(fields))
    d.calls = list(db.session.scalars(calls.order_by(Challenge.deadline_at).limit(10)))
    d.call_results = list(
        db.session.scalars(decided.order_by(Challenge.decided_at).limit(10))
    )
    d.instruments = list(
        db.session.scalars(instruments.order_by(Instrument.id).limit(10))
    )
    d.providers = [
        p
        for p in db.session.scalars(
            sa.select(Provider)
            .where(Provider.created_at >= start, Provider.created_at < end)
            .order_by(Provider.id)
        )
        if not fields or set(p.fields or []) & set(fields)
    ][:10]
    for auction in db.session.scalars(
        sa.select(Auction)
        .where(
            Auction.outcome.is_not(None),
            Auction.closed_at >= start,
            Auction.closed_at < end,
        )
        .order_by(Auction.closed_at)
    ):
        deal = db.session.get(Deal, auction.deal_id)
        if fields and (deal.field or "") not in fields:
            continue
        d.auction_results.append(
            (auction, deal, AUCTION_STATUS_LABELS.get(auction.outcome, ""))
        )

    def count(model, column):
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(model)
            .where(column >= start, column < end)
        )

    d.stats = {
        "achievements": count(Achievement, Achievement.published_at),
        "needs": count(Need, Need.published_at),
        "deals": count(Deal, Deal.created_at),
        "calls": count(Challenge, Challenge.approved_at),
        "auctions": count(Auction, Auction.closed_at),
    }
    return d


def subscribe(user, fields: list[str]) -> DigestSubscription:
    sub = subscription_of(user)
    if sub is None:
        sub = DigestSubscription(user_id=user.id)
        db.session.add(sub)
    sub.fields = sorted(set(fields))
    sub.active = True
    db.session.flush()
    return sub


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user) -> str:
    return _serializer().dumps(user.id)


def unsubscribe(token: str) -> User:
    """Stop the digest of the user the signed link names."""
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        raise ValidationFailed([(None, _("退订链接无效。"))]) from None
    user = db.session.get(User, user_id)
    sub = subscription_of(user) if user else None
    if sub is None:
        raise ValidationFailed([(None, _("退订链接无效。"))])
    sub.active = False
    db.session.flush()
    return user


def set_note(actor, week: date, body: str) -> DigestNote:
    if not actor.is_operator:
        raise PermissionDenied(_("只有运营方可以撰写简报按语。"))
    if not body.strip():
        raise ValidationFailed([("body", _("请填写按语。"))])
    note = db.session.scalar(sa.select(DigestNote).where(DigestNote.week_start == week))
    if note is None:
        note = DigestNote(week_start=week, author_id=actor.id, body="")
        db.session.add(note)
    note.body = body.strip()
    db.session.flush()
    return note


def send_weekly(now: datetime | None = None) -> int:
    """Queue last week's digest to every active subscriber not yet sent it; returns how
    many were queued. The caller (the command) commits."""
    now = now or utcnow()
    week = week_start(now) - timedelta(days=7)
    base = current_app.config.get("MARKET_BASE_URL", "")
    sent = 0
    subs = db.session.scalars(
        sa.select(DigestSubscription).where(
            DigestSubscription.active.is_(True),
            sa.or_(
                DigestSubscription.last_week_sent.is_(None),
                DigestSubscription.last_week_sent < week,
            ),
        )
    ).all()
    for sub in subs:
        user = sub.user
        if not user.active:
            continue
        d = build(sub.fields, now, week)
        with force_locale(recipient_locale(user)):
            queue_mail(
                user.email,
                _("瓯海科技大市场 每周科技情报（%(d)s）", d=week.isoformat()),
                "digest",
                ref=f"digest:{user.id}:{week.isoformat()}",
                user=user,
                digest=d,
                unsubscribe_url=f"{base}/digest/unsubscribe/{unsubscribe_token(user)}",
                base=base,
            )
        sub.last_week_sent = week
        sent += 1
    db.session.flush()
    return sent
