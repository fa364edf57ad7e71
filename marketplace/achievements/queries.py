"""Reading published achievements: list filters parsed from a query string into SQL.

Used by the list page and, later, the JSON API: both take the same parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..accounts.models import Organization, OrgType
from ..core.domain import CooperationMode, Field
from ..core.money import yuan_to_fen
from ..extensions import db
from ..listings.lifecycle import ListingStatus
from ..listings.models import public_filter
from .models import Achievement, NdaRequest


#: What a card of the list shows besides the row: one query for all the page's owners.
def card_loading() -> tuple:
    # A function, not a constant: building a loader option configures the mappers,
    # which must wait until every model module is imported.
    return (selectinload(Achievement.organization),)


SORTS = ("newest", "price_asc", "price_desc")


@dataclasses.dataclass
class AchievementFilters:
    field: str | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    mode: str | None = None
    #: Price bounds in fen (the query string carries yuan).
    price_min: int | None = None
    price_max: int | None = None
    org_type: str | None = None
    sort: str = "newest"
    page: int = 1
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (
                self.field,
                self.trl_min,
                self.trl_max,
                self.mode,
                self.price_min,
                self.price_max,
                self.org_type,
            )
        )


def _trl(value: str, label: str, notes: list[str]) -> int | None:
    if value.isdigit() and 1 <= int(value) <= 9:
        return int(value)
    notes.append(_("“%(label)s”应为 1–9 的整数，已忽略。", label=label))
    return None


def _yuan(value: str, label: str, notes: list[str]) -> int | None:
    try:
        return yuan_to_fen(value)
    except ValueError:
        notes.append(_("“%(label)s”不是有效金额，已忽略。", label=label))
        return None


def parse_filters(args: Mapping[str, str]) -> AchievementFilters:
    """Read filters from a query string; a bad value is dropped with a note, never an error."""
    f = AchievementFilters()
    notes = f.notes

    def arg(name: str) -> str:
        value = args.get(name) or ""
        return value.strip()[:100] if isinstance(value, str) else ""

    if value := arg("field"):
        if value in {x.value for x in Field}:
            f.field = value
        else:
            notes.append(_("未知的技术领域，已忽略。"))
    if value := arg("trl_min"):
        f.trl_min = _trl(value, _("TRL 下限"), notes)
    if value := arg("trl_max"):
        f.trl_max = _trl(value, _("TRL 上限"), notes)
    if f.trl_min and f.trl_max and f.trl_min > f.trl_max:
        notes.append(_("TRL 下限大于上限，已忽略这两项。"))
        f.trl_min = f.trl_max = None
    if value := arg("mode"):
        if value in {x.value for x in CooperationMode}:
            f.mode = value
        else:
            notes.append(_("未知的合作方式，已忽略。"))
    if value := arg("price_min"):
        f.price_min = _yuan(value, _("最低价格"), notes)
    if value := arg("price_max"):
        f.price_max = _yuan(value, _("最高价格"), notes)
    if (
        f.price_min is not None
        and f.price_max is not None
        and f.price_min > f.price_max
    ):
        notes.append(_("最低价格大于最高价格，已忽略这两项。"))
        f.price_min = f.price_max = None
    if value := arg("org_type"):
        if value in {x.value for x in OrgType} and value != OrgType.FIRM:
            f.org_type = value
        else:
            notes.append(_("未知的机构类型，已忽略。"))
    if value := arg("sort"):
        if value in SORTS:
            f.sort = value
        else:
            notes.append(_("未知的排序方式，已按最新排序。"))
    if value := arg("page"):
        if value.isdigit() and 0 < int(value) < 100_000:
            f.page = int(value)
        else:
            notes.append(_("页码无效，已显示第一页。"))
    return f


def achievement_select(f: AchievementFilters) -> sa.Select:
    """Published, unexpired achievements matching the filters, in the chosen order."""
    q = (
        sa.select(Achievement)
        .where(public_filter(Achievement))
        .options(*card_loading())
    )
    if f.field:
        q = q.where(Achievement.field == f.field)
    if f.trl_min is not None:
        q = q.where(Achievement.trl >= f.trl_min)
    if f.trl_max is not None:
        q = q.where(Achievement.trl <= f.trl_max)
    if f.mode:
        # The modes are a JSON list; its text form is portable across SQLite and PostgreSQL.
        q = q.where(
            sa.cast(Achievement.cooperation_modes, sa.Text).like(f'%"{f.mode}"%')
        )
    if f.price_min is not None:
        q = q.where(Achievement.price_fen >= f.price_min)
    if f.price_max is not None:
        q = q.where(Achievement.price_fen <= f.price_max)
    if f.org_type:
        q = q.join(Organization, Achievement.organization_id == Organization.id).where(
            Organization.type == f.org_type
        )
    if f.sort == "price_asc":
        q = q.order_by(Achievement.price_fen.is_(None), Achievement.price_fen.asc())
    elif f.sort == "price_desc":
        q = q.order_by(Achievement.price_fen.is_(None), Achievement.price_fen.desc())
    return q.order_by(Achievement.published_at.desc(), Achievement.id.desc())


def review_queue_select() -> sa.Select:
    """Achievements waiting for the operator, oldest submission first."""
    return (
        sa.select(Achievement)
        .where(Achievement.status == ListingStatus.IN_REVIEW)
        .order_by(Achievement.submitted_at.asc(), Achievement.id.asc())
    )


def nda_requests_of(achievement: Achievement) -> list[NdaRequest]:
    """Every NDA request on the achievement, newest first (for the owner's panel)."""
    return list(
        db.session.scalars(
            sa.select(NdaRequest)
            .where(NdaRequest.achievement_id == achievement.id)
            .order_by(NdaRequest.created_at.desc(), NdaRequest.id.desc())
        )
    )
