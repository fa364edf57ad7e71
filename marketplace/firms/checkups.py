"""Check-ups (企业科技体检): saving one, its report against the rules, the achievements
the matcher finds for its problems, and posting the problems as a need."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import Role
from ..achievements.models import Achievement
from ..challenges.models import Challenge
from ..core.errors import PermissionDenied, ValidationFailed
from ..extensions import db
from ..needs import services as need_services
from ..services.models import Instrument, Offering
from . import rules
from .models import Checkup, RosterFirm
from .recommendations import (
    problem_field,
    recommended_achievements,
    recommended_calls,
    recommended_instruments,
    recommended_services,
)

#: The figures a check-up form fills (plain values, money in fen).
FIELDS = (
    "staff",
    "rd_staff",
    "revenue_fen",
    "assets_fen",
    "total_cost_fen",
    "rd_spend_fen",
    "revenue_3y_fen",
    "rd_spend_3y_fen",
    "ip_class1",
    "ip_class2",
    "registered_on",
    "clean_record",
    "core_ip",
    "supported_field",
    "domestic_rd_pct",
    "hightech_income_pct",
    "innovation_score",
    "hnte_certificate",
    "restricted_products",
    "national_award_top3",
    "provincial_rd_centre",
    "led_standard",
    "ip_advancement",
    "ip_core_support",
    "ip_acquisition",
    "joined_standard",
    "conversions_3y",
    "rd_system",
    "rd_institute",
    "conversion_incentives",
    "talent_system",
    "revenue_y1_fen",
    "revenue_y2_fen",
    "net_assets_y1_fen",
    "net_assets_y2_fen",
    "net_assets_y3_fen",
    "products",
    "equipment",
    "certifications",
    "problems",
    "plans",
)


def can_start(user, firm: RosterFirm | None = None) -> bool:
    """Staff for any roster firm; a firm's member for its own organisation."""
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    return firm is None and user.organization_id is not None and user.role == Role.FIRM


def _check(data: dict) -> None:
    errors: list[tuple[str | None, str]] = []
    staff, rd_staff = data.get("staff") or 0, data.get("rd_staff") or 0
    if staff <= 0:
        errors.append(("staff", _("职工总数必须大于 0。")))
    if rd_staff > staff:
        errors.append(("rd_staff", _("科技人员不能多于职工总数。")))
    for name in ("rd_spend_fen", "revenue_fen"):
        if (data.get(name) or 0) < 0:
            errors.append((name, _("金额不能为负数。")))
    grades = set(rules.GRADE_BANDS)
    for name in ("ip_advancement", "ip_core_support"):
        if data.get(name) not in (None, *grades):
            errors.append((name, _("请选择有效的评价档次。")))
    if data.get("ip_acquisition") not in (None, *rules.ACQUISITION_BANDS):
        errors.append(("ip_acquisition", _("请选择有效的获得方式。")))
    if (data.get("conversions_3y") or 0) < 0:
        errors.append(("conversions_3y", _("项数不能为负数。")))
    if data.get("rd_spend_3y_fen") is not None and not data.get("revenue_3y_fen"):
        errors.append(
            ("revenue_3y_fen", _("填写近三年研发费用时请同时填写近三年销售收入。"))
        )
    if errors:
        raise ValidationFailed(errors)


def save_checkup(actor, data: dict, firm: RosterFirm | None = None) -> Checkup:
    """Record a check-up: a broker's for a roster firm, or a firm's own."""
    if not can_start(actor, firm):
        raise PermissionDenied(_("您不能为该企业填写科技体检。"))
    _check(data)
    if firm is None:
        org_id = actor.organization_id
        firm = db.session.scalar(
            sa.select(RosterFirm).where(RosterFirm.organization_id == org_id)
        )
    else:
        org_id = firm.organization_id
    checkup = Checkup(roster_firm=firm, organization_id=org_id, author_id=actor.id)
    for name in FIELDS:
        value = data.get(name)
        if value is not None:
            setattr(checkup, name, value)
    db.session.add(checkup)
    db.session.flush()
    return checkup


def facts(c: Checkup, today: date | None = None) -> rules.Facts:
    today = today or date.today()
    years = (today - c.registered_on).days / 365.25 if c.registered_on else 0.0
    return rules.Facts(
        staff=c.staff,
        rd_staff=c.rd_staff,
        revenue_fen=c.revenue_fen,
        assets_fen=c.assets_fen,
        total_cost_fen=c.total_cost_fen,
        rd_spend_fen=c.rd_spend_fen,
        revenue_3y_fen=c.revenue_3y_fen,
        rd_spend_3y_fen=c.rd_spend_3y_fen,
        ip_class1=c.ip_class1,
        ip_class2=c.ip_class2,
        years_registered=round(years, 1),
        clean_record=c.clean_record,
        core_ip=c.core_ip,
        supported_field=c.supported_field,
        domestic_rd_pct=c.domestic_rd_pct,
        hightech_income_pct=c.hightech_income_pct,
        innovation_score=c.innovation_score,
        hnte_certificate=c.hnte_certificate,
        restricted_products=c.restricted_products,
        national_award_top3=c.national_award_top3,
        provincial_rd_centre=c.provincial_rd_centre,
        led_standard=c.led_standard,
        ip_advancement=c.ip_advancement,
        ip_core_support=c.ip_core_support,
        ip_acquisition=c.ip_acquisition,
        joined_standard=c.joined_standard,
        conversions_3y=c.conversions_3y,
        rd_system=c.rd_system,
        rd_institute=c.rd_institute,
        conversion_incentives=c.conversion_incentives,
        talent_system=c.talent_system,
        revenue_y1_fen=c.revenue_y1_fen,
        revenue_y2_fen=c.revenue_y2_fen,
        net_assets_y1_fen=c.net_assets_y1_fen,
        net_assets_y2_fen=c.net_assets_y2_fen,
        net_assets_y3_fen=c.net_assets_y3_fen,
    )


@dataclass
class Report:
    checkup: Checkup
    sme: rules.Verdict
    hnte: rules.Verdict
    achievements: list[tuple[Achievement, float]]
    calls: list[Challenge] = field(default_factory=list)
    services: list[Offering] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    problem_field: str | None = None
    innovation: rules.Innovation | None = None


def report(c: Checkup) -> Report:
    f = facts(c, c.created_at.date())
    achievements = recommended_achievements(c)
    code = problem_field(c, achievements)
    return Report(
        c,
        rules.sme(f),
        rules.hnte(f),
        achievements,
        calls=recommended_calls(c, code),
        services=recommended_services(c, code),
        instruments=recommended_instruments(c, code),
        problem_field=code,
        innovation=rules.innovation(f),
    )


def history(c: Checkup) -> list[Checkup]:
    """The same firm's check-ups, newest first (the report shows the change)."""
    cond = []
    if c.roster_firm_id is not None:
        cond.append(Checkup.roster_firm_id == c.roster_firm_id)
    if c.organization_id is not None:
        cond.append(Checkup.organization_id == c.organization_id)
    return list(
        db.session.scalars(
            sa.select(Checkup).where(sa.or_(*cond)).order_by(Checkup.created_at.desc())
        )
    )


@dataclass
class HistoryRow:
    """One check-up in the firm's history with its verdicts and the change since
    the check-up before it."""

    checkup: Checkup
    sme_score: int
    sme_qualifies: bool
    hnte_qualifies: bool
    innovation_low: int
    innovation_high: int
    #: Change of the 科小 score and of the upper innovation estimate since the
    #: previous check-up (None for the first).
    sme_change: int | None = None
    innovation_change: int | None = None


def history_rows(c: Checkup) -> list[HistoryRow]:
    """The firm's check-ups newest first, each scored by today's rules, with the change."""
    rows: list[HistoryRow] = []
    for h in reversed(history(c)):
        f = facts(h, h.created_at.date())
        sme, inn = rules.sme(f), rules.innovation(f)
        row = HistoryRow(
            h,
            sme.score or 0,
            sme.qualifies,
            rules.hnte(f).qualifies,
            inn.low,
            inn.high,
        )
        if rows:
            row.sme_change = row.sme_score - rows[-1].sme_score
            row.innovation_change = row.innovation_high - rows[-1].innovation_high
        rows.append(row)
    return rows[::-1]


def visible_checkups(user):
    """The check-ups `user` may list: staff all, a firm's member its own."""
    query = sa.select(Checkup).order_by(Checkup.created_at.desc())
    if user.is_staff:
        return query
    return query.where(Checkup.organization_id == (user.organization_id or -1))


def post_problem_as_need(c: Checkup, actor, data: dict):
    """Post the check-up's problems as the firm's need (prefilled; the firm confirms)."""
    if c.organization is None or not actor.belongs_to(c.organization_id):
        raise PermissionDenied(_("只有本企业可以把问题发布为需求。"))
    if c.need_id is not None:
        raise ValidationFailed([(None, _("该体检的问题已发布为需求。"))])
    need = need_services.create_need(c.organization, actor, data, submit=True)
    c.need_id = need.id
    db.session.flush()
    return need
