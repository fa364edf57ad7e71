"""Writing evaluation reports and saving valuations; flushes, never commits."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..core.timeutil import today_shanghai
from ..deals.services import deal_parties
from ..extensions import db
from . import valuation as calc
from .models import Evaluation, Valuation

#: Messages for the pure calculator's error codes.
_INPUT_MESSAGES = {
    "years_out_of_range": lambda: _("收益期应为 1 到 %(n)s 年。", n=calc.MAX_YEARS),
    "not_a_number": lambda: _("请输入数字。"),
    "not_fen": lambda: _("请输入有效金额。"),
    "out_of_range": lambda: _("数值超出允许范围。"),
    "empty": lambda: _("请至少填写一项成本。"),
}


def can_evaluate_deal(deal, user) -> bool:
    """The deal's broker and the operator write its evaluations."""

    return bool(deal_parties(deal, user) & {"broker", "operator"})


def can_evaluate_achievement(achievement, user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def prefill(achievement, actor) -> dict:
    """Initial report values: the achievement's TRL and patent particulars."""
    data: dict = {"evaluator_name": actor.name, "evaluated_on": today_shanghai()}
    if achievement is None:
        return data
    if achievement.trl:
        data["trl"] = achievement.trl
    status = achievement.patent_status_label
    if achievement.ip_form_label:
        data["ip_legal_status"] = " · ".join(
            str(x)
            for x in (achievement.ip_form_label, status, achievement.patent_number)
            if x
        )
    remaining = achievement.remaining_term_years
    if remaining is not None:
        data["ip_remaining_years"] = Decimal(str(remaining))
    return data


def create_evaluation(actor, data: dict, deal=None, achievement=None) -> Evaluation:
    """A new report on a deal (and its achievement) or on an achievement alone."""
    if deal is not None:
        if not can_evaluate_deal(deal, actor):
            raise PermissionDenied(
                _("只有该交易的技术经纪人或运营方可以撰写评价报告。")
            )
        achievement = deal.achievement
    elif achievement is None or not can_evaluate_achievement(achievement, actor):
        raise PermissionDenied(_("只有技术经纪人或运营方可以撰写评价报告。"))
    evaluation = Evaluation(deal=deal, achievement=achievement, created_by_id=actor.id)
    _apply(evaluation, data)
    db.session.add(evaluation)
    db.session.flush()
    audit.record(
        actor,
        "evaluation.create",
        evaluation,
        deal_id=getattr(deal, "id", None),
        conclusion=evaluation.conclusion,
    )
    return evaluation


def update_evaluation(evaluation: Evaluation, actor, data: dict) -> Evaluation:
    if not evaluation.can_edit(actor):
        raise PermissionDenied(_("您无权修改此评价报告。"))
    if evaluation.is_panel:
        raise InvalidTransition(_("专家组评价由专家评分和组长意见组成，不能直接修改。"))
    _apply(evaluation, data)
    db.session.flush()
    audit.record(
        actor, "evaluation.update", evaluation, conclusion=evaluation.conclusion
    )
    return evaluation


def _apply(evaluation: Evaluation, data: dict) -> None:
    for name, value in data.items():
        setattr(evaluation, name, "" if value is None and _is_text(name) else value)


def _is_text(name: str) -> bool:
    return name.endswith(("_comment", "_evidence", "_text", "_status", "_scope"))


# -- valuation ----------------------------------------------------------------------
def valuation_inputs(form) -> dict:
    """The calculator form as a JSON-able dict (what a Valuation stores)."""
    years = form.years.data or 0
    return {
        "revenues_fen": [entry.fen for entry in list(form.revenues)[:years]],
        "margin_pct": str(form.margin_pct.data),
        "share_pct": str(form.share_pct.data),
        "risk_free_pct": str(form.risk_free_pct.data),
        "technical_pct": str(form.technical_pct.data),
        "market_pct": str(form.market_pct.data),
        "funding_pct": str(form.funding_pct.data),
        "management_pct": str(form.management_pct.data),
        "cost_items": [
            {"name": item.form.name.data or "", "amount_fen": item.form.amount.fen}
            for item in form.cost_items
            if item.form.amount.fen is not None
        ],
        "profit_pct": str(form.profit_pct.data or 0),
        "obsolescence_pct": str(form.obsolescence_pct.data or 0),
    }


def compute(inputs: dict) -> tuple[calc.IncomeResult, calc.CostResult | None]:
    """Both approaches from stored inputs; ValidationFailed with form field names."""
    try:
        income = calc.income_approach(
            calc.IncomeInputs(
                revenues_fen=inputs["revenues_fen"],
                **{
                    k: inputs[k]
                    for k in (
                        "margin_pct",
                        "share_pct",
                        "risk_free_pct",
                        "technical_pct",
                        "market_pct",
                        "funding_pct",
                        "management_pct",
                    )
                },
            )
        )
        cost = None
        if inputs.get("cost_items"):
            cost = calc.cost_approach(
                [
                    calc.CostItem(i["name"], i["amount_fen"])
                    for i in inputs["cost_items"]
                ],
                inputs.get("profit_pct", 0),
                inputs.get("obsolescence_pct", 0),
            )
    except calc.ValuationInputError as exc:
        field = exc.field.split("[")[0].removesuffix("_fen")
        message = _INPUT_MESSAGES.get(exc.code, _INPUT_MESSAGES["out_of_range"])()
        raise ValidationFailed([(field, message)]) from None
    return income, cost


def save_valuation(
    evaluation: Evaluation, actor, inputs: dict, note: str = ""
) -> Valuation:
    """Recompute from the inputs (never trust posted results) and keep them."""
    if not evaluation.can_edit(actor):
        raise PermissionDenied(_("您无权修改此评价报告。"))
    income, cost = compute(inputs)
    v = Valuation(
        evaluation=evaluation,
        inputs=inputs,
        income_value_fen=income.total_fen,
        cost_value_fen=cost.value_fen if cost else None,
        note=note or "",
        created_by_id=actor.id,
    )
    db.session.add(v)
    db.session.flush()
    audit.record(
        actor,
        "valuation.save",
        v,
        evaluation_id=evaluation.id,
        income_value_fen=v.income_value_fen,
        cost_value_fen=v.cost_value_fen,
    )
    return v
