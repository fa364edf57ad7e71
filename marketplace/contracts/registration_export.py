"""The contract data the registration office asks for (技术合同登记表), as CSV or XLSX.

One row per registered (or signed) contract, with Chinese headers; the code tables of
contracts/rules.py give the labels. Every file goes through `write_sheet`, the one
place that turns rows into a file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import exports
from ..core.timeutil import SHANGHAI
from ..extensions import db
from .models import Contract, ContractRegistration
from .registration import local_date
from .rules import (
    PAYMENT_MODES,
    REG_ENTITY_TYPES,
    REG_IP_CATEGORIES,
    REG_SOCIO_ECONOMIC_GOALS,
    REG_TECH_FIELDS,
    REG_TRANSFER_TYPES,
)


def _yuan(fen) -> str:
    return f"{fen / 100:.2f}" if isinstance(fen, int) else ""


def _label(table: dict, code) -> str:
    return str(table[code]) if code in table else ""


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _columns():
    """(header, value of a contract) in the order of the office's form."""

    def reg(attr, show=lambda v: v or ""):
        return lambda c, body: (
            show(getattr(c.registration, attr)) if c.registration else ""
        )

    def party(side, key):
        return lambda c, body: (body.get(side) or {}).get(key, "")

    def transfer_only(attr):
        def get(c, body):
            if body.get("type") not in REG_TRANSFER_TYPES or c.registration is None:
                return ""
            return _yuan(getattr(c.registration, attr))

        return get

    return [
        (_("登记编号"), reg("registration_number")),
        (_("合同名称"), lambda c, body: body.get("title", "")),
        (_("合同类型"), lambda c, body: str(c.latest.type_label)),
        (_("技术领域"), reg("technical_field", lambda v: _label(REG_TECH_FIELDS, v))),
        (
            _("知识产权类别"),
            reg("ip_category", lambda v: _label(REG_IP_CATEGORIES, v)),
        ),
        (
            _("社会经济目标"),
            reg("socio_economic_goal", lambda v: _label(REG_SOCIO_ECONOMIC_GOALS, v)),
        ),
        (
            _("签订日期"),
            lambda c, body: _iso(local_date(c.signed_at)) if c.signed_at else "",
        ),
        (_("合同有效期自"), reg("period_start", _iso)),
        (_("合同有效期至"), reg("period_end", _iso)),
        (_("卖方（成果方）"), party("supplier", "name")),
        (_("卖方统一社会信用代码"), party("supplier", "credit_code")),
        (
            _("卖方主体性质"),
            reg("seller_entity_type", lambda v: _label(REG_ENTITY_TYPES, v)),
        ),
        (_("卖方行政区划代码"), reg("seller_region_code")),
        (_("卖方联系人"), party("supplier", "contact")),
        (_("买方（企业）"), party("firm", "name")),
        (_("买方统一社会信用代码"), party("firm", "credit_code")),
        (
            _("买方主体性质"),
            reg("buyer_entity_type", lambda v: _label(REG_ENTITY_TYPES, v)),
        ),
        (_("买方行政区划代码"), reg("buyer_region_code")),
        (_("买方联系人"), party("firm", "contact")),
        (_("合同价款（元）"), lambda c, body: _yuan(body.get("price_fen"))),
        (_("核定技术性收入（元）"), reg("technical_income_fen", _yuan)),
        (
            _("支付方式"),
            lambda c, body: _label(PAYMENT_MODES, body.get("payment_mode")),
        ),
        (_("预计新增投资（元）"), transfer_only("expected_investment_fen")),
        (_("预计新增产值（元）"), transfer_only("expected_output_fen")),
        (_("申请登记日期"), reg("applied_on", _iso)),
        (_("登记机构"), reg("office")),
        (_("技术中介方"), lambda c, body: _("瓯海科技大市场")),
        (_("交易编号"), lambda c, body: c.deal_id),
    ]


def export_header() -> list[str]:
    return [head for head, _get in _columns()]


def export_row(contract: Contract) -> list:
    body = contract.latest.body
    return [get(contract, body) for _head, get in _columns()]


def registered_between(date_from: date | None, date_to: date | None) -> list[Contract]:
    """Registered contracts signed within [date_from, date_to] (Beijing dates)."""
    query = sa.select(Contract).join(ContractRegistration).order_by(Contract.signed_at)
    if date_from:
        query = query.where(Contract.signed_at >= _utc_start(date_from))
    if date_to:
        query = query.where(
            Contract.signed_at < _utc_start(date_to + timedelta(days=1))
        )
    return list(db.session.scalars(query))


def _utc_start(day: date) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def write_sheet(fmt: str, header: list[str], rows: list[list]) -> bytes:
    """The file of `rows` under `header` as "csv" or "xlsx", through core's one
    export writer (which keeps formula-like text from running)."""
    if fmt == "csv":
        return exports.to_csv(header, rows)
    return exports.to_xlsx(exports.Sheet(_("技术合同"), header, rows))


def to_csv(contracts: list[Contract]) -> bytes:
    return write_sheet("csv", export_header(), [export_row(c) for c in contracts])


def to_xlsx(contracts: list[Contract]) -> bytes:
    return write_sheet("xlsx", export_header(), [export_row(c) for c in contracts])
