"""Forms of a panel evaluation: forming the panel, an expert's scores, the chair's
opinion, a member's dissent (field syntax only; the rules live in panel.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.domain import TRL_LABELS
from ..core.forms import MultiCheckboxField, PlainText, strip_filter
from ..experts.blind import TEXT_MAX
from .forms import _comment, _int_or_none, _score
from .models import CONCLUSIONS, CRITERIA


class StartPanelForm(FlaskForm):
    """Assign an existing panel, or form a new one (name, chair, members)."""

    panel = SelectField(_l("使用已有专家组"), coerce=_int_or_none, choices=[])
    name = StringField(
        _l("新专家组名称"),
        validators=[Optional(), Length(max=120), PlainText()],
        filters=[strip_filter],
    )
    chair = SelectField(_l("组长"), coerce=_int_or_none, choices=[])
    members = MultiCheckboxField(_l("成员"), coerce=int, choices=[])

    def set_choices(self, panels, experts) -> None:
        self.panel.choices = [SelectChoice("", _l("组建新的专家组"))] + [
            SelectChoice(str(p.id), p.name) for p in panels
        ]
        people = [SelectChoice(str(u.id), u.name) for u in experts]
        self.chair.choices = [SelectChoice("", _l("请选择"))] + people
        self.members.choices = [SelectChoice(u.id, u.name) for u in experts]


class PanelScoreForm(FlaskForm):
    trl = SelectField(
        _l("技术成熟度（TRL）"),
        choices=[SelectChoice("", _l("请选择"))]
        + [SelectChoice(str(k), f"TRL {k} · {v}") for k, v in TRL_LABELS.items()],
        validators=[DataRequired(_l("请选择技术成熟度。"))],
        coerce=_int_or_none,
    )
    trl_evidence = TextAreaField(
        _l("成熟度依据（试验、样机、检测报告等）"),
        validators=[
            DataRequired(_l("请写明判定成熟度的依据。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 3},
    )
    novelty_score = _score(_l("创新度评分"))
    novelty_comment = _comment(_l("创新度说明"))
    advancement_score = _score(_l("先进度评分"))
    advancement_comment = _comment(_l("先进度说明"))
    ip_score = _score(_l("知识产权强度评分"))
    ip_comment = _comment(_l("知识产权说明"))
    market_score = _score(_l("市场前景评分"))
    market_comment = _comment(_l("市场前景说明"))
    team_score = _score(_l("团队能力评分"))
    team_comment = _comment(_l("团队说明"))
    comment = _comment(_l("总体意见"))

    def to_data(self) -> dict:
        names = ["trl", "trl_evidence", "comment"]
        for name, _label in CRITERIA:
            names += [f"{name}_score", f"{name}_comment"]
        return {n: getattr(self, n).data for n in names}


class PanelOpinionForm(FlaskForm):
    conclusion = SelectField(
        _l("评价结论"),
        choices=[SelectChoice("", _l("请选择"))]
        + [SelectChoice(k, v) for k, v in CONCLUSIONS.items()],
        validators=[DataRequired(_l("请选择评价结论。"))],
    )
    conclusion_text = TextAreaField(
        _l("专家组意见"),
        validators=[
            DataRequired(_l("请填写专家组意见。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 5},
    )


class PanelDissentForm(FlaskForm):
    dissent = TextAreaField(
        _l("不同意见"),
        validators=[
            DataRequired(_l("请填写不同意见。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 3},
    )
