"""Dashboard pages: KPIs and charts (operator), targets, exports, public statistics."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from ..accounts.auth import roles_required
from ..accounts.models import Role
from ..extensions import db
from . import bp, charts, exports, stats_bp
from .forms import PeriodForm, targets_form_class
from .kpis import Period, default_period
from .report import build, stage_label
from .stats import public_stats
from .targets import current_targets, set_targets

operator_only = roles_required(Role.OPERATOR)


def _period() -> tuple[PeriodForm, Period, bool]:
    """The period asked for in the query string, or the default (last twelve months)."""
    form = PeriodForm(request.args)
    default = default_period()
    if not form.validate():
        return form, default, False
    return (
        form,
        Period(form.start.data or default.start, form.end.data or default.end),
        True,
    )


@bp.app_template_filter("cell")
def cell_filter(value, kind: str) -> str:
    return exports.show(value, kind)


@bp.app_template_filter("stage_name")
def stage_name_filter(code: str) -> str:
    return stage_label(code)


def _charts(report) -> dict:
    month_series = {
        _("发布成果与需求"): [m["listings_published"] for m in report.monthly],
        _("合作意向"): [m["interests_expressed"] for m in report.monthly],
        _("签订合同"): [m["contracts_signed"] for m in report.monthly],
    }
    return {
        "funnel": charts.funnel(
            [(stage_label(s), n) for s, n in report.funnel], _("交易漏斗")
        ),
        "monthly": charts.lines(
            [m["month"] for m in report.monthly], month_series, _("月度趋势")
        ),
        "fields": charts.grouped_bars(
            [(r[0], r[1:]) for r in report.table("fields").rows],
            [pgettext("统计", "发布成果"), pgettext("统计", "发布需求"), _("新增交易")],
            _("技术领域分布"),
        ),
        "progress": {k.key: charts.progress(k.progress, k.label) for k in report.kpis},
    }


@bp.route("/")
@operator_only
def index():
    form, period, ok = _period()
    report = build(period)
    return render_template(
        "dashboard/index.html",
        form=form,
        report=report,
        charts=_charts(report),
        tables=report.tables(),
        query=request.args.to_dict(),
    ), 200 if ok else 422


@bp.route("/targets", methods=["GET", "POST"])
@operator_only
def targets():
    form_class = targets_form_class()
    current = current_targets()
    form = form_class(data=current)
    if form.validate_on_submit():
        changed = set_targets(form.values(), current_user)
        db.session.commit()
        flash(
            _("已保存 %(n)s 项目标。", n=len(changed))
            if changed
            else _("目标没有变化。"),
            "success",
        )
        return redirect(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render_template("dashboard/targets.html", form=form), status


@bp.route("/export/<name>.<fmt>")
@operator_only
def export(name: str, fmt: str):
    form, period, ok = _period()
    if not ok or fmt not in ("csv", "xlsx"):
        abort(404)
    report = build(period)
    tables = report.tables() if name == "all" else [report.table(name)]
    if None in tables or (name == "all" and fmt == "csv"):
        abort(404)
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        body, mime = exports.to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(
            tables, _("统计区间 %(s)s 至 %(e)s", s=period.start, e=period.end)
        )
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mime,
        headers={
            "Content-Disposition": f'attachment; filename="dashboard-{name}-{stamp}.{fmt}"'
        },
    )


@stats_bp.route("/")
def public():
    stats = public_stats(default_period())
    series = {
        _("发布成果与需求"): [m["listings_published"] for m in stats["monthly"]],
        _("合作意向"): [m["interests_expressed"] for m in stats["monthly"]],
        _("签订合同"): [m["contracts_signed"] for m in stats["monthly"]],
    }
    chart = charts.lines([m["month"] for m in stats["monthly"]], series, _("月度趋势"))
    fields_chart = charts.grouped_bars(
        [(f["label"], [f["achievements"], f["needs"]]) for f in stats["fields"]],
        [pgettext("统计", "发布成果"), pgettext("统计", "发布需求")],
        _("技术领域分布"),
    )
    return render_template(
        "dashboard/stats.html", stats=stats, chart=chart, fields_chart=fields_chart
    )
