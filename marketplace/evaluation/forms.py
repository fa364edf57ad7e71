"""Forms of the evaluation report and the valuation calculator (field syntax only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.domain import TRL_LABELS
from ..core.forms import PlainText, YuanField, strip_filter
from .models import CONCLUSIONS, SCORE_LABELS
from .valuation import MAX_YEARS

COMMENT_MAX = 5_000


def _comment(label):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=COMMENT_MAX), PlainText()],
        filters=[strip_filter],
        render_kw={"rows": 3},
    )


def _int_or_none(value):
    return int(value) if value not in ("", None) else None


def _score(label):
    # Starts blank: a careless save must not record the lowest band for everything.
    return SelectField(
        label,
        choices=[SelectChoice("", _l("请选择"))]
        + [SelectChoice(str(k), v) for k, v in SCORE_LABELS.items()],
        validators=[DataRequired(_l("请选择评分。"))],
        coerce=_int_or_none,
    )


class EvaluationForm(FlaskForm):
    evaluator_name = StringField(
        _l("评价人"),
        validators=[
            DataRequired(_l("请填写评价人姓名。")),
            Length(max=60),
            PlainText(),
        ],
        filters=[strip_filter],
    )
    evaluated_on = DateField(
        _l("评价日期"), validators=[DataRequired(_l("请填写评价日期。"))]
    )
    trl = SelectField(
        _l("技术成熟度（TRL）"),
        choices=[SelectChoice(str(k), f"TRL {k} · {v}") for k, v in TRL_LABELS.items()],
        validators=[DataRequired(_l("请选择技术成熟度。"))],
        coerce=int,
    )
    trl_evidence = TextAreaField(
        _l("成熟度依据（试验、样机、检测报告等）"),
        validators=[
            DataRequired(_l("请写明判定成熟度的依据。")),
            Length(max=COMMENT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 3},
        description=_l("工艺类技术诀窍对 TRL 的对应较宽松，可在此说明。"),
    )
    novelty_score = _score(_l("创新度评分"))
    novelty_comment = _comment(_l("创新度说明"))
    advancement_score = _score(_l("先进度评分"))
    advancement_comment = _comment(_l("先进度说明"))
    ip_score = _score(_l("知识产权强度评分"))
    ip_legal_status = StringField(
        _l("法律状态"),
        validators=[Optional(), Length(max=60), PlainText()],
        filters=[strip_filter],
    )
    ip_claims_scope = _comment(_l("权利要求保护范围"))
    ip_remaining_years = DecimalField(
        _l("剩余保护期（年）"),
        places=1,
        validators=[Optional(), NumberRange(min=0, max=20)],
    )
    ip_comment = _comment(_l("知识产权说明"))
    market_score = _score(_l("市场前景评分"))
    market_comment = _comment(_l("市场前景说明"))
    team_score = _score(_l("团队能力评分"))
    team_comment = _comment(_l("团队说明"))
    conclusion = SelectField(
        _l("评价结论"),
        choices=[SelectChoice(k, v) for k, v in CONCLUSIONS.items()],
        validators=[DataRequired(_l("请选择评价结论。"))],
    )
    conclusion_text = TextAreaField(
        _l("综合评价意见"),
        validators=[
            DataRequired(_l("请填写综合评价意见。")),
            Length(max=COMMENT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 5},
    )

    DATA_FIELDS = (
        "evaluator_name",
        "evaluated_on",
        "trl",
        "trl_evidence",
        "novelty_score",
        "novelty_comment",
        "advancement_score",
        "advancement_comment",
        "ip_score",
        "ip_legal_status",
        "ip_claims_scope",
        "ip_remaining_years",
        "ip_comment",
        "market_score",
        "market_comment",
        "team_score",
        "team_comment",
        "conclusion",
        "conclusion_text",
    )

    def to_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.DATA_FIELDS}


def _pct(label, required=True, maximum=100, description=None):
    checks = [InputRequired(_l("请填写百分比。"))] if required else [Optional()]
    return DecimalField(
        label,
        places=2,
        description=description,
        validators=[
            *checks,
            NumberRange(
                min=0, max=maximum, message=_l("应在 0 到 %(max)s 之间。", max=maximum)
            ),
        ],
    )


class CostItemForm(Form):
    name = StringField(
        _l("成本项目"),
        validators=[Optional(), Length(max=60), PlainText()],
        filters=[strip_filter],
    )
    amount = YuanField(_l("金额（元）"))


class ValuationForm(FlaskForm):
    """The calculator: income approach inputs, then the cost-approach cross-check."""

    years = IntegerField(
        _l("收益期（年）"),
        validators=[
            InputRequired(_l("请填写收益期。")),
            NumberRange(
                min=1,
                max=MAX_YEARS,
                message=_l("收益期应为 1 到 %(n)s 年。", n=MAX_YEARS),
            ),
        ],
    )
    revenues = FieldList(
        YuanField(_l("预测销售收入（元）")),
        min_entries=MAX_YEARS,
        max_entries=MAX_YEARS,
    )
    margin_pct = _pct(_l("销售利润率（%）"))
    share_pct = _pct(
        _l("技术分成率（%）"),
        description=_l("惯例：利润分成 16%–27%（UNIDO），仅供参考。"),
    )
    risk_free_pct = _pct(_l("无风险报酬率（%）"), description=_l("如同期国债收益率。"))
    technical_pct = _pct(_l("技术风险报酬率（%）"))
    market_pct = _pct(_l("市场风险报酬率（%）"))
    funding_pct = _pct(_l("资金风险报酬率（%）"))
    management_pct = _pct(_l("管理风险报酬率（%）"))
    cost_items = FieldList(FormField(CostItemForm), min_entries=5, max_entries=10)
    profit_pct = _pct(_l("合理利润率（%）"), required=False, maximum=1000)
    obsolescence_pct = _pct(
        _l("贬值率（%）"),
        required=False,
        description=_l("通常为 1 − 剩余经济寿命 ÷ 总经济寿命。"),
    )
    note = TextAreaField(
        _l("备注"),
        validators=[Optional(), Length(max=COMMENT_MAX), PlainText()],
        filters=[strip_filter],
        render_kw={"rows": 2},
    )

    def validate_revenues(self, field):
        n = self.years.data or 0
        entries = list(field)
        for i, entry in enumerate(entries):
            if i < n and entry.fen is None and not entry.errors:
                entry.errors.append(_l("请填写第 %(n)s 年的预测收入。", n=i + 1))
        if any(e.errors for e in entries[:n]):
            raise ValidationError(_l("请检查各年预测收入。"))
