"""The operator's KPI targets (and the cluster's firm count), with the plan's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..core import audit
from ..core.timeutil import utcnow
from ..extensions import db


@dataclass(frozen=True)
class TargetSpec:
    key: str
    label: object
    #: "count", "percent" or "fen" (money targets are typed in yuan, stored in fen).
    unit: str
    #: The district plan's number (瓯海眼镜产业创新服务综合体 2019–2021), or None: unset.
    default: int | None


#: Every KPI that can carry a target, in dashboard order; keys match kpis.summary().
TARGET_SPECS = (
    TargetSpec("firms_served", _l("服务企业数"), "count", 600),
    TargetSpec("coverage_percent", _l("产业企业覆盖率（%）"), "percent", 70),
    TargetSpec("listings_published", _l("发布成果与需求数"), "count", None),
    TargetSpec("needs_translated", _l("完成翻译的需求数"), "count", None),
    TargetSpec("matches_viewed", _l("匹配结果查看次数"), "count", None),
    TargetSpec("interests_expressed", _l("合作意向数"), "count", None),
    TargetSpec("contracts_signed", _l("签订合同数"), "count", None),
    TargetSpec("contract_value_fen", _l("合同成交额"), "fen", None),
    TargetSpec("technical_income_fen", _l("认定登记技术性收入"), "fen", None),
    TargetSpec("payments_received_fen", _l("收款金额"), "fen", None),
    TargetSpec("vouchers_redeemed", _l("创新券兑付张数"), "count", None),
)
SPECS_BY_KEY = {s.key: s for s in TARGET_SPECS}
#: Not a target but a setting kept with them: the firms in the cluster (coverage base).
CLUSTER_FIRMS_KEY = "cluster_firms"
CLUSTER_FIRMS_DEFAULT = 780


class KpiTarget(db.Model):
    """One operator-set value overriding a default in TARGET_SPECS (or cluster_firms)."""

    __tablename__ = "kpi_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: Count, percent or fen per the spec's unit; None clears the target.
    value: Mapped[int | None] = mapped_column(sa.BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


def current_targets() -> dict[str, int | None]:
    """Every target key (and cluster_firms) with the operator's value or the default."""
    values: dict[str, int | None] = {s.key: s.default for s in TARGET_SPECS}
    values[CLUSTER_FIRMS_KEY] = CLUSTER_FIRMS_DEFAULT
    for row in db.session.scalars(sa.select(KpiTarget)):
        if row.key in values:
            values[row.key] = row.value
    if not values[CLUSTER_FIRMS_KEY]:
        values[CLUSTER_FIRMS_KEY] = CLUSTER_FIRMS_DEFAULT
    return values


def set_targets(values: dict[str, int | None], actor) -> list[str]:
    """Save the operator's targets; returns the keys that changed (audited). Flushes."""
    known = {s.key for s in TARGET_SPECS} | {CLUSTER_FIRMS_KEY}
    rows = {r.key: r for r in db.session.scalars(sa.select(KpiTarget))}
    before = current_targets()
    changed = []
    for key, value in values.items():
        if key not in known or before.get(key) == value:
            continue
        row = rows.get(key) or KpiTarget(key=key)
        row.value = value
        row.updated_by_id = getattr(actor, "id", None)
        db.session.add(row)
        changed.append(key)
    if changed:
        db.session.flush()
        audit.record(
            actor, "dashboard.targets", None, changed={k: values[k] for k in changed}
        )
    return changed
