"""Everything the dashboard shows for a period, as KPI rows and labelled tables that the
page, the charts and the CSV/XLSX exports all read from."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext

from ..core.domain import FIELD_LABELS
from ..deals.models import STAGE_LABELS
from ..firms.roster import coverage as roster_coverage
from . import kpis, kpis_challenges, kpis_contracts_payments, kpis_deals, kpis_services
from .kpis import Period
from .report_programmes import challenge_tables, service_tables
from .tables import Table
from .targets import CLUSTER_FIRMS_KEY, SPECS_BY_KEY, current_targets


@dataclass
class KpiRow:
    key: str
    label: str
    #: None: the data source is not available (module not installed).
    value: int | float | None
    #: "count", "percent" or "fen".
    unit: str
    target: int | None = None
    note: str = ""

    @property
    def progress(self) -> float | None:
        """Value as a percentage of the target, one decimal (may exceed 100)."""
        if self.value is None or not self.target:
            return None
        return round(self.value * 100 / self.target, 1)


def stage_label(code: str) -> str:
    return str(STAGE_LABELS.get(code, code))


def field_label(code: str | None) -> str:
    return str(FIELD_LABELS.get(code, _("未分类"))) if code else _("未分类")


@dataclass
class Report:
    period: Period
    kpis: list[KpiRow]
    funnel: list[tuple[str, int]]
    conversion: list[tuple[str, str, float | None]]
    per_stage: list[tuple[str, int]]
    durations: list[tuple[str, int, float | None]]
    monthly: list[dict]
    fields: list[dict]
    brokers: list[dict]
    cluster_firms: int
    challenges: kpis_challenges.ChallengeStats
    #: The service network (issue 17): providers by kind, orders and bookings by state,
    #: the voucher quota applied → approved → used → settled.
    providers: list[tuple[str, int]] = field(default_factory=list)
    orders: list[tuple[str, int]] = field(default_factory=list)
    bookings: list[tuple[str, int]] = field(default_factory=list)
    quota: dict[str, dict[str, int]] = field(default_factory=dict)
    #: each active instrument's hours booked and open in the period
    instruments: list = field(default_factory=list)

    def kpi(self, key: str) -> KpiRow:
        return next(k for k in self.kpis if k.key == key)

    def tables(self) -> list[Table]:
        """Every table on the dashboard, in page order (also the export's sheets)."""
        t = [
            Table(
                "kpis",
                _("指标与目标"),
                [
                    pgettext("统计", "指标"),
                    _("数值"),
                    _("目标"),
                    _("完成率（%）"),
                    _("说明"),
                ],
                ["text", "kpi", "kpi", "percent", "text"],
                [
                    [k.label, (k.value, k.unit), (k.target, k.unit), k.progress, k.note]
                    for k in self.kpis
                ],
            )
        ]
        conv = {a: c for a, _b, c in self.conversion}
        prev_rate = [None] + [conv.get(a) for a, _n in self.funnel[:-1]]
        t.append(
            Table(
                "funnel",
                _("交易漏斗"),
                [_("阶段"), _("到达的交易数"), _("由上一阶段转化率（%）")],
                ["text", "count", "percent"],
                [
                    [stage_label(s), n, r]
                    for (s, n), r in zip(self.funnel, prev_rate, strict=True)
                ],
            )
        )
        t.append(
            Table(
                "stages",
                _("各阶段交易数（当前）"),
                [_("阶段"), _("交易数")],
                ["text", "count"],
                [[stage_label(s), n] for s, n in self.per_stage],
            )
        )
        t.append(
            Table(
                "durations",
                _("各阶段停留天数（中位数）"),
                [_("阶段"), _("完成的停留次数"), _("中位天数")],
                ["text", "count", "days"],
                [[stage_label(s), n, d] for s, n, d in self.durations],
            )
        )
        t.append(
            Table(
                "monthly",
                _("月度趋势"),
                [
                    _("月份"),
                    _("发布成果与需求"),
                    _("完成翻译的需求"),
                    _("合作意向"),
                    _("签订合同"),
                ],
                ["text", "count", "count", "count", "count"],
                [
                    [
                        m["month"],
                        m["listings_published"],
                        m["needs_translated"],
                        m["interests_expressed"],
                        m["contracts_signed"],
                    ]
                    for m in self.monthly
                ],
            )
        )
        t.append(
            Table(
                "fields",
                _("技术领域分布"),
                [
                    _("技术领域"),
                    pgettext("统计", "发布成果"),
                    pgettext("统计", "发布需求"),
                    _("新增交易"),
                ],
                ["text", "count", "count", "count"],
                [
                    [field_label(f["field"]), f["achievements"], f["needs"], f["deals"]]
                    for f in self.fields
                ],
            )
        )
        t.append(
            Table(
                "brokers",
                _("经纪人工作量"),
                [
                    _("经纪人"),
                    _("在办交易"),
                    _("期内新分配交易"),
                    _("翻译中的需求"),
                    _("期内翻译版本"),
                    _("期内评价报告"),
                ],
                ["text", "count", "count", "count", "count", "count"],
                [
                    [
                        b["broker"],
                        b["open_deals"],
                        b["assigned"],
                        b["translating"],
                        b["translations"],
                        b["evaluations"],
                    ]
                    for b in self.brokers
                ],
            )
        )
        t += challenge_tables(self.challenges)
        t += service_tables(
            self.providers, self.orders, self.bookings, self.quota, self.instruments
        )
        return t

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables() if t.name == name), None)


def _row(
    key: str, value, targets: dict, unit: str | None = None, note: str = ""
) -> KpiRow:
    spec = SPECS_BY_KEY.get(key)
    label = str(spec.label) if spec else key
    return KpiRow(
        key,
        label,
        value,
        unit or (spec.unit if spec else "count"),
        targets.get(key),
        note,
    )


def _coverage_row(served: int, cluster: int, targets: dict) -> KpiRow:
    """Coverage against the district's firm roster once it is imported (firms ever
    served, the unserved listed on /roster/); before that, against the cluster setting."""
    roster = roster_coverage()
    if roster.total:
        return _row(
            "coverage_percent",
            kpis.coverage_percent(roster.served, roster.total),
            targets,
            note=_(
                "按企业名录 %(n)s 家计，已服务 %(s)s 家，未服务 %(u)s 家",
                n=roster.total,
                s=roster.served,
                u=roster.total - roster.served,
            ),
        )
    return _row(
        "coverage_percent",
        kpis.coverage_percent(served, cluster),
        targets,
        note=_("按产业企业总数 %(n)s 家计", n=cluster),
    )


def build(p: Period) -> Report:
    """Compute every KPI and table for the period against the operator's targets."""
    targets = current_targets()
    cluster = targets[CLUSTER_FIRMS_KEY]
    served = kpis.firms_served(p)
    published = kpis.listings_published(p)
    interests = kpis.interests_expressed(p)
    signed = kpis_contracts_payments.contracts_signed(p)
    income = kpis_contracts_payments.technical_income(p)
    payments = kpis_contracts_payments.payments_received(p)
    issued = kpis_contracts_payments.vouchers_issued(p)
    redeemed = kpis_contracts_payments.vouchers_redeemed(p)
    rows = [
        _row("firms_served", served, targets),
        _coverage_row(served, cluster, targets),
        _row(
            "listings_published",
            published["total"],
            targets,
            note=_(
                "成果 %(a)s，需求 %(n)s",
                a=published["achievements"],
                n=published["needs"],
            ),
        ),
        _row("needs_translated", kpis.needs_translated(p), targets),
        _row("matches_viewed", kpis.matches_viewed(p), targets),
        _row(
            "interests_expressed",
            interests["total"],
            targets,
            note=_(
                "企业意向 %(i)s，成果方响应 %(a)s",
                i=interests["interest"],
                a=interests["answer"],
            ),
        ),
        _row("contracts_signed", signed["count"], targets),
        _row("contract_value_fen", signed["value_fen"], targets),
        _row(
            "technical_income_fen",
            income["value_fen"],
            targets,
            note=_("认定登记 %(n)s 份", n=income["count"]),
        ),
        _row(
            "payments_received_fen",
            payments["value_fen"] if payments else None,
            targets,
            note=_("%(n)s 笔", n=payments["count"]) if payments else "",
        ),
        KpiRow(
            "vouchers_issued",
            _("创新券发放张数"),
            issued["count"] if issued else None,
            "count",
            None,
            _("面值 %(v)s 元", v=issued["value_fen"] // 100) if issued else "",
        ),
        _row(
            "vouchers_redeemed",
            redeemed["count"] if redeemed else None,
            targets,
            note=_("兑付 %(v)s 元", v=redeemed["value_fen"] // 100) if redeemed else "",
        ),
    ]
    steps = kpis_deals.funnel(p)
    return Report(
        period=p,
        kpis=rows,
        funnel=steps,
        conversion=kpis_deals.conversion(steps),
        per_stage=kpis_deals.deals_per_stage(p),
        durations=kpis_deals.median_days_per_stage(p),
        monthly=kpis.monthly_trends(p),
        fields=kpis.fields_of_activity(p),
        brokers=kpis_deals.broker_workloads(p),
        cluster_firms=cluster,
        challenges=kpis_challenges.challenge_stats(p),
        providers=kpis_services.providers_by_kind(),
        orders=kpis_services.orders_by_state(p),
        bookings=kpis_services.bookings_by_state(p),
        quota=kpis_services.voucher_quota(p),
        instruments=kpis_services.instrument_use(p),
    )
