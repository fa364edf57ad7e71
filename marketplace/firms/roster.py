"""The district's firm roster: import with a preview, links to organisations, outreach,
service history and coverage (the dashboard calls `coverage()`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts import credit_code
from ..accounts.models import Organization
from ..core.errors import PermissionDenied, ValidationFailed
from ..core.timeutil import utcnow
from ..deals.models import Deal
from ..extensions import db
from ..listings.files import FileFormatError, read_records
from ..needs.models import Need, NeedTranslation
from ..services.models import Booking, ServiceOrder
from ..vouchers.models import Voucher
from .models import (
    SIZE_LABELS,
    Checkup,
    FirmSize,
    OutreachEntry,
    RosterFirm,
    RosterImport,
)
from .models_events import EventRegistration
from .models_finance import FinancingRequest

#: Column headers of a roster file (Chinese as in the template, or the field names).
ROSTER_HEADERS = {
    "企业名称": "name",
    "名称": "name",
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "镇街": "town",
    "镇/街道": "town",
    "所在镇街": "town",
    "主要产品": "products",
    "产品": "products",
    "规模": "size",
    "企业规模": "size",
    **{k: k for k in ("name", "credit_code", "town", "products", "size")},
}
SIZE_WORDS = {
    **{str(label): size for size, label in SIZE_LABELS.items()},
    **{"微型": FirmSize.MICRO, "小型": FirmSize.SMALL},
    **{"中型": FirmSize.MEDIUM, "大型": FirmSize.LARGE},
    **{s.value: s for s in FirmSize},
}
MAX_ROWS = 5000
SUFFIXES = (".csv", ".xlsx")


def can_manage(user) -> bool:
    """The roster is the operator's and the brokers' tool."""
    return bool(user and user.is_authenticated and user.is_staff)


def _require_staff(actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("只有运营方和技术经纪人可以管理企业名录。"))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _check_row(record: dict, seen_names: set, seen_codes: set) -> dict:
    """One roster row cleaned, with its errors and the organisation it links to."""
    errors: list[str] = []
    name = _text(record.get("name"))
    code = credit_code.normalize(_text(record.get("credit_code")))
    town = _text(record.get("town"))
    products = _text(record.get("products"))
    size_text = _text(record.get("size"))
    if not name:
        errors.append(_("缺少企业名称"))
    elif len(name) > 120:
        errors.append(_("企业名称过长（最多 120 字）"))
    elif name in seen_names:
        errors.append(_("文件中企业名称重复"))
    if code and not credit_code.is_valid(code):
        errors.append(_("统一社会信用代码 %(code)s 校验位不正确", code=code))
    elif code and code in seen_codes:
        errors.append(_("文件中统一社会信用代码重复"))
    size = SIZE_WORDS.get(size_text) if size_text else FirmSize.SMALL
    if size is None:
        errors.append(_("规模应为 微型、小型、中型 或 大型"))
    if len(town) > 60:
        errors.append(_("镇街名称过长（最多 60 字）"))
    seen_names.add(name)
    if code:
        seen_codes.add(code)
    org = None
    if not errors:
        if code:
            org = db.session.scalar(
                sa.select(Organization).where(Organization.credit_code == code)
            )
        if org is None:
            org = db.session.scalar(
                sa.select(Organization).where(Organization.name == name)
            )
    existing = db.session.scalar(
        sa.select(RosterFirm.id).where(
            sa.or_(RosterFirm.name == name, RosterFirm.credit_code == (code or None))
        )
    )
    return {
        "name": name,
        "credit_code": code or None,
        "town": town,
        "products": products[:500],
        "size": size.value if size else None,
        "organization_id": org.id if org else None,
        "organization_name": org.name if org else "",
        "existing_id": existing,
        "errors": errors,
    }


def preview_import(actor, filename: str, data: bytes) -> RosterImport:
    """Read and check an uploaded roster file; nothing enters the roster until confirmed."""
    _require_staff(actor)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in SUFFIXES:
        raise ValidationFailed([("file", _("请上传 CSV 或 XLSX 文件。"))])
    if not data:
        raise ValidationFailed([("file", _("文件为空。"))])
    rows: list[dict] = []
    seen_names: set[str] = set()
    seen_codes: set[str] = set()
    try:
        for line, record in read_records(filename, data, aliases=ROSTER_HEADERS):
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed(
                    [("file", _("文件行数超过 %(n)s 行。", n=MAX_ROWS))]
                )
            rows.append({"line": line, **_check_row(record, seen_names, seen_codes)})
    except FileFormatError as exc:
        raise ValidationFailed([("file", str(exc))]) from None
    if not rows:
        raise ValidationFailed([("file", _("文件中没有数据行。"))])
    ri = RosterImport(user_id=actor.id, filename=filename[:200], rows=rows)
    db.session.add(ri)
    db.session.flush()
    return ri


def confirm_import(ri: RosterImport, actor) -> int:
    """Write the good rows of a previewed file (new firms added, known ones updated)."""
    _require_staff(actor)
    if ri.confirmed_at is not None:
        raise ValidationFailed([(None, _("该文件已导入。"))])
    count = 0
    for row in ri.good_rows:
        firm = db.session.scalar(
            sa.select(RosterFirm).where(
                sa.or_(
                    RosterFirm.name == row["name"],
                    RosterFirm.credit_code == row["credit_code"],
                )
            )
        )
        if firm is None:
            firm = RosterFirm(name=row["name"])
            db.session.add(firm)
        firm.name = row["name"]
        firm.credit_code = row["credit_code"] or firm.credit_code
        firm.town = row["town"]
        firm.products = row["products"]
        firm.size = FirmSize(row["size"])
        firm.organization_id = row["organization_id"] or firm.organization_id
        db.session.flush()
        count += 1
    ri.confirmed_at = utcnow()
    db.session.flush()
    return count


def log_outreach(
    firm: RosterFirm,
    actor,
    happened_on: date,
    contact: str,
    outcome: str,
    next_step: str,
) -> OutreachEntry:
    """Record a visit or call on the firm's outreach log."""
    _require_staff(actor)
    if not outcome.strip():
        raise ValidationFailed([("outcome", _("请填写结果。"))])
    entry = OutreachEntry(
        firm=firm,
        user_id=actor.id,
        happened_on=happened_on,
        contact=contact.strip(),
        outcome=outcome.strip(),
        next_step=next_step.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class History:
    deals: list = field(default_factory=list)
    translations: list = field(default_factory=list)
    vouchers: list = field(default_factory=list)
    checkups: list = field(default_factory=list)
    events: list = field(default_factory=list)
    financing: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    bookings: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.deals
            or self.translations
            or self.vouchers
            or self.checkups
            or self.events
            or self.financing
            or self.orders
            or self.bookings
        )


def _newest_first(model, where, join=None) -> list:
    query = sa.select(model)
    if join is not None:
        query = query.join(join)
    return list(db.session.scalars(query.where(where).order_by(model.id.desc())))


def service_history(firm: RosterFirm) -> History:
    """Every service the firm received: its check-ups, and its organisation's deals,
    need translations, vouchers, roadshows attended, financing requests, service
    orders and instrument bookings."""
    h = History()
    h.checkups = list(
        db.session.scalars(
            sa.select(Checkup)
            .where(_checkups_of(firm))
            .order_by(Checkup.created_at.desc())
        )
    )
    org_id = firm.organization_id
    if org_id is None:
        return h
    h.deals = _newest_first(Deal, Deal.firm_org_id == org_id)
    h.translations = _newest_first(
        NeedTranslation, Need.organization_id == org_id, join=Need
    )
    h.vouchers = _newest_first(Voucher, Voucher.organization_id == org_id)
    h.events = _newest_first(
        EventRegistration, EventRegistration.organization_id == org_id
    )
    h.financing = _newest_first(
        FinancingRequest, FinancingRequest.organization_id == org_id
    )
    h.orders = _newest_first(ServiceOrder, ServiceOrder.firm_org_id == org_id)
    h.bookings = _newest_first(Booking, Booking.firm_org_id == org_id)
    return h


def _checkups_of(firm: RosterFirm):
    if firm.organization_id is None:
        return Checkup.roster_firm_id == firm.id
    return sa.or_(
        Checkup.roster_firm_id == firm.id,
        Checkup.organization_id == firm.organization_id,
    )


def served_condition():
    """SQL truth of 'this roster firm has received a service'."""
    org = RosterFirm.organization_id
    return sa.or_(
        sa.exists().where(Checkup.roster_firm_id == RosterFirm.id),
        sa.and_(
            org.is_not(None),
            sa.or_(
                sa.exists().where(Deal.firm_org_id == org),
                sa.exists().where(Voucher.organization_id == org),
                sa.exists().where(Checkup.organization_id == org),
                sa.exists().where(EventRegistration.organization_id == org),
                sa.exists().where(FinancingRequest.organization_id == org),
                sa.exists().where(ServiceOrder.firm_org_id == org),
                sa.exists().where(Booking.firm_org_id == org),
                sa.exists()
                .where(NeedTranslation.need_id == Need.id)
                .where(Need.organization_id == org),
            ),
        ),
    )


@dataclass
class Coverage:
    total: int
    served: int
    #: (town, size) → the roster firms never served, by name.
    unserved: dict[tuple[str, FirmSize], list[RosterFirm]]

    @property
    def share(self) -> float:
        """Served share in percent (0 for an empty roster)."""
        return round(self.served * 100 / self.total, 1) if self.total else 0.0


def coverage() -> Coverage:
    """Coverage counted against the roster, and the firms never served by town and size.

    The dashboard calls this: total, served, share and the unserved list."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(RosterFirm)) or 0
    served = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(RosterFirm).where(served_condition())
        )
        or 0
    )
    unserved: dict[tuple[str, FirmSize], list[RosterFirm]] = defaultdict(list)
    for firm in db.session.scalars(
        sa.select(RosterFirm)
        .where(sa.not_(served_condition()))
        .order_by(RosterFirm.town, RosterFirm.size, RosterFirm.name)
    ):
        unserved[(firm.town, firm.size)].append(firm)
    return Coverage(total, served, dict(unserved))
