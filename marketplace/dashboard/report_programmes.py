"""The dashboard's tables of the district's programmes: open calls (揭榜挂帅) and the
service network (providers, orders, instrument bookings, the voucher quota)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from ..challenges.models import STAGE_LABELS as CALL_STAGE_LABELS
from ..services.rules import BOOKING_STATUS_LABELS, ORDER_STATUS_LABELS, PROVIDER_KINDS
from .kpis_challenges import ChallengeStats
from .tables import Table


def challenge_tables(c: ChallengeStats) -> list[Table]:
    """揭榜挂帅: the calls by stage, proposals, awards and the deals they became."""
    summary = [
        [_("榜单：%(s)s", s=CALL_STAGE_LABELS[s]), (c.by_stage[s], "count")]
        for s in c.by_stage
    ]
    summary += [
        [_("榜单合计"), (c.total_calls, "count")],
        [_("收到的方案"), (c.proposals, "count")],
        [_("平均每榜方案数"), (c.proposals_per_call, "count")],
        [_("中榜方案"), (c.awards, "count")],
        [_("奖金总额"), (c.award_fen, "fen")],
        [_("中榜转为交易"), (c.deals, "count")],
        [_("中榜转交易率（%）"), (c.deal_conversion, "percent")],
    ]
    return [
        Table(
            "challenges",
            _("揭榜挂帅"),
            [pgettext("统计", "指标"), _("数值")],
            ["text", "kpi"],
            summary,
        ),
        Table(
            "challenge_calls",
            _("各榜单方案与揭榜"),
            [
                _("榜单"),
                _("阶段"),
                _("方案数"),
                _("中榜数"),
                _("奖金"),
                _("转为交易"),
            ],
            ["text", "text", "count", "count", "fen", "count"],
            [
                [
                    r.title,
                    str(CALL_STAGE_LABELS[r.stage]),
                    r.proposals,
                    r.winners,
                    r.award_fen,
                    r.deals,
                ]
                for r in c.calls
            ],
        ),
    ]


def service_tables(
    providers: list[tuple[str, int]],
    orders: list[tuple[str, int]],
    bookings: list[tuple[str, int]],
    quota: dict[str, dict[str, int]],
    instruments: list[tuple[str, float, int, float | None]] = (),
) -> list[Table]:
    """The service network's tables (after the others, so their order stays): providers
    by kind, orders and bookings by state, the voucher quota applied → settled."""
    quota_labels = {
        "applied": _("申领"),
        "approved": _("批准"),
        "used": _("使用"),
        "settled": _("兑付"),
    }
    return [
        Table(
            "providers",
            _("服务机构（按类型）"),
            [_("类型"), _("机构数")],
            ["text", "count"],
            [[str(PROVIDER_KINDS[k]), n] for k, n in providers],
        ),
        Table(
            "service_states",
            _("服务订单与仪器预约（按状态）"),
            [_("类别"), _("状态"), _("数量")],
            ["text", "text", "count"],
            [[_("服务订单"), str(ORDER_STATUS_LABELS[s]), n] for s, n in orders]
            + [[_("仪器预约"), str(BOOKING_STATUS_LABELS[s]), n] for s, n in bookings],
        ),
        Table(
            "voucher_quota",
            _("创新券额度：申领、批准、使用、兑付"),
            [_("环节"), _("笔数"), _("金额")],
            ["text", "count", "fen"],
            [
                [str(label), quota[k]["count"], quota[k]["fen"]]
                for k, label in quota_labels.items()
                if k in quota
            ],
        ),
        Table(
            "instrument_use",
            _("共享仪器利用率"),
            [_("仪器"), _("已预约小时"), _("开放小时"), _("利用率")],
            ["text", "count", "count", "percent"],
            [list(row) for row in instruments],
        ),
    ]
