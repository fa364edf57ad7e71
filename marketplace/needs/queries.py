"""Read-only queries for needs: the public list with filters, and the translation queue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..core.domain import TRL_BANDS, CooperationMode, Field
from ..core.timeutil import utcnow
from ..extensions import db
from ..listings.lifecycle import NeedStatus
from ..listings.models import public_filter
from .forms import FilterForm
from .models import Need


#: What a need card shows besides the row (its firm, its translations), each for the
#: whole page in one query.
def card_loading() -> tuple:
    # A function, not a constant: building a loader option configures the mappers,
    # which must wait until every model module is imported.
    return (selectinload(Need.organization), selectinload(Need.translations))


#: The states a broker works on, in the order the queue shows its tabs.
QUEUE_STATUSES = (
    NeedStatus.SUBMITTED,
    NeedStatus.TRANSLATING,
    NeedStatus.AWAITING_APPROVAL,
    NeedStatus.APPROVED,
)


@dataclass
class NeedFilters:
    """The list page's filters as plain values (invalid input already dropped)."""

    field: str | None = None
    mode: str | None = None
    trl_band: str | None = None
    budget_min_fen: int | None = None
    budget_max_fen: int | None = None
    sort: str = "newest"

    @classmethod
    def from_form(cls, form) -> NeedFilters:
        field = form.field.data if form.field.data in set(Field) else None
        mode = form.mode.data if form.mode.data in set(CooperationMode) else None
        band = form.trl.data if form.trl.data in TRL_BANDS else None
        sort = "budget" if form.sort.data == "budget" else "newest"
        return cls(
            field=field,
            mode=mode,
            trl_band=band,
            budget_min_fen=None if form.budget_min.errors else form.budget_min.fen,
            budget_max_fen=None if form.budget_max.errors else form.budget_max.fen,
            sort=sort,
        )


def read_filters(args: Mapping[str, str]) -> tuple[FilterForm, NeedFilters]:
    """The list page's filter form filled from a query string, and its plain values
    (a bad value is dropped, never an error)."""
    form = FilterForm(formdata=args)
    form.validate()
    return form, NeedFilters.from_form(form)


def parse_filters(args: Mapping[str, str]) -> NeedFilters:
    """The list page's filters from a query string, as the page reads them."""
    return read_filters(args)[1]


def public_needs(user, filters: NeedFilters) -> sa.Select:
    """Published, unexpired needs; confidential ones only for signed-in users."""
    query = sa.select(Need).where(public_filter(Need)).options(*card_loading())
    if not (user and user.is_authenticated):
        query = query.where(Need.confidential.is_(False))
    if filters.field:
        query = query.where(Need.field == filters.field)
    if filters.mode:
        # JSON lists are stored as json.dumps text on both SQLite and PostgreSQL; the
        # code comes from a closed enum, so the pattern holds no user text.
        query = query.where(
            sa.cast(Need.cooperation_modes, sa.Text).like(f'%"{filters.mode}"%')
        )
    if filters.trl_band:
        low, high = TRL_BANDS[filters.trl_band]
        query = query.where(Need.trl_min.between(low, high))
    # Budget filters keep needs whose range overlaps the one asked for; an open end
    # (no figure given by the firm) counts as overlapping.
    if filters.budget_min_fen is not None:
        query = query.where(
            sa.or_(
                Need.budget_max_fen.is_(None),
                Need.budget_max_fen >= filters.budget_min_fen,
            )
        )
    if filters.budget_max_fen is not None:
        query = query.where(
            sa.or_(
                Need.budget_min_fen.is_(None),
                Need.budget_min_fen <= filters.budget_max_fen,
            )
        )
    if filters.sort == "budget":
        return query.order_by(
            sa.case((Need.budget_max_fen.is_(None), 1), else_=0),
            Need.budget_max_fen.desc(),
            Need.id.desc(),
        )
    return query.order_by(Need.published_at.desc(), Need.id.desc())


#: The order a broker works the queue in: first what only needs a click (the firm has
#: approved, publish it), then new needs nobody has claimed, then translations under way;
#: last what waits for the firm (its turn, not the broker's). Within each, the longest
#: wait first, so nothing is left behind by newer work of the same kind.
QUEUE_ORDER = (
    NeedStatus.APPROVED,
    NeedStatus.SUBMITTED,
    NeedStatus.TRANSLATING,
    NeedStatus.AWAITING_APPROVAL,
)


def waiting_since(need: Need) -> datetime | None:
    """When the need entered its present queue state: its submission for an unclaimed
    need, else its last transition (claim, proposal, approval), which sets updated_at."""
    if need.status == NeedStatus.SUBMITTED:
        return need.submitted_at or need.updated_at
    return need.updated_at


def translation_queue(actor, status: str | None, mine: bool) -> sa.Select:
    """Needs in the brokers' states, in QUEUE_ORDER, the longest wait first."""
    statuses = [s for s in QUEUE_STATUSES if s == status] or list(QUEUE_STATUSES)
    query = sa.select(Need).where(Need.status.in_(statuses))
    if mine:
        query = query.where(Need.broker_id == actor.id)
    rank = sa.case(*[(Need.status == s, i) for i, s in enumerate(QUEUE_ORDER)], else_=9)
    since = sa.case(
        (
            Need.status == NeedStatus.SUBMITTED,
            sa.func.coalesce(Need.submitted_at, Need.updated_at),
        ),
        else_=Need.updated_at,
    )
    return query.order_by(rank, since.asc(), Need.id.asc())


def queue_counts(actor, mine: bool) -> dict[str, int]:
    """How many needs wait in each queue state (only the actor's when `mine`)."""
    query = sa.select(Need.status, sa.func.count()).where(
        Need.status.in_(QUEUE_STATUSES)
    )
    if mine:
        query = query.where(Need.broker_id == actor.id)
    rows = db.session.execute(query.group_by(Need.status)).all()
    counts = {str(s): 0 for s in QUEUE_STATUSES}
    counts.update({str(s): n for s, n in rows})
    return counts


def age_text(since: datetime | None, now: datetime | None = None) -> str:
    """'3 天 5 小时' since a UTC moment, for the queue's age column."""
    if since is None:
        return ""
    delta = (now or utcnow()) - since
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return _("%(d)d 天 %(h)d 小时", d=days, h=hours)
    if hours:
        return _("%(h)d 小时", h=hours)
    return _("不足 1 小时")
