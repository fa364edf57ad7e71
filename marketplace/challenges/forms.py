"""Forms of the call pages: syntax only; the rules live in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.models import ORG_TYPE_LABELS
from ..core.forms import MultiCheckboxField, PlainText, YuanField, strip_filter

TEXT_MAX = 5000
_strip = [strip_filter]


def _text(label, required=False, message=None, max_len=TEXT_MAX, description=""):
    first = DataRequired(message) if required else Optional()
    return TextAreaField(
        label,
        filters=_strip,
        description=description,
        validators=[first, Length(max=max_len), PlainText()],
    )


class CallForm(FlaskForm):
    title = StringField(
        _l("榜单名称"),
        filters=_strip,
        validators=[DataRequired(_l("请填写榜单名称。")), Length(max=200), PlainText()],
    )
    problem = _text(_l("技术难题"), True, _l("请填写技术难题。"))
    indicators = _text(
        _l("目标指标"),
        description=_l("每行一项：指标 | 目标值 | 单位 | 测试方法"),
    )
    eligible_org_types = MultiCheckboxField(
        _l("可揭榜的机构类型"),
        choices=[SelectChoice(k.value, v) for k, v in ORG_TYPE_LABELS.items()],
    )
    region = StringField(
        _l("地域要求"),
        filters=_strip,
        validators=[Optional(), Length(max=60), PlainText()],
    )
    trl_min = IntegerField(
        _l("最低技术就绪度（TRL）"),
        validators=[
            Optional(),
            NumberRange(min=1, max=9, message=_l("技术就绪度须在 1 到 9 之间。")),
        ],
    )
    deadline = DateTimeLocalField(
        _l("截止时间（北京时间）"),
        format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
        validators=[DataRequired(_l("请填写截止时间。"))],
    )
    awards = _text(
        _l("奖项"),
        True,
        _l("请至少填写一个奖项。"),
        description=_l("每行一项：奖项 | 金额（元），例如：一等奖 | 200000"),
    )
    criteria = _text(
        _l("评审标准及权重"),
        True,
        _l("请至少填写一项评审标准。"),
        description=_l("每行一项：评审标准 | 权重，权重合计 100"),
    )
    panel = SelectField(_l("专家组"), coerce=int, choices=[])

    def set_panels(self, panels) -> None:
        self.panel.choices = [SelectChoice(p.id, p.name) for p in panels]


class QuestionForm(FlaskForm):
    body = _text(_l("问题"), True, _l("请填写问题。"), max_len=1000)


class AnswerForm(FlaskForm):
    answer = _text(_l("答复"), True, _l("请填写答复。"))


class ProposalForm(FlaskForm):
    approach = _text(_l("技术方案"), True, _l("请填写技术方案。"))
    promised_indicators = _text(_l("承诺达到的指标"))
    team = _text(_l("团队"))
    budget = YuanField(_l("预算（元）"))
    schedule = _text(_l("进度安排"))
    achievements = MultiCheckboxField(
        _l("关联本机构已发布的成果"), coerce=int, choices=[]
    )
    file = FileField(
        _l("附件"),
        description=_l("可选；PDF、图片、Office 文档，保密，仅方案的查看者可下载"),
    )
    nda = BooleanField(
        _l("我已阅读并接受保密协议，方案仅向发榜企业、经纪人和专家组披露"),
        validators=[DataRequired(_l("提交方案须接受保密协议。"))],
    )

    def set_achievements(self, achievements) -> None:
        self.achievements.choices = [SelectChoice(a.id, a.title) for a in achievements]


class TieBreakForm(FlaskForm):
    first = SelectField(_l("排名靠前的方案"), coerce=int, choices=[])
    reason = _text(_l("决定理由"), True, _l("请说明决定的理由。"), max_len=1000)

    def set_tied(self, proposals) -> None:
        self.first.choices = [
            SelectChoice(p.id, p.organization.name) for p in proposals
        ]


class NoWinnerForm(FlaskForm):
    reason = _text(_l("未揭榜原因"), True, _l("请说明未揭榜的原因。"))


def score_form(criteria: list[dict], formdata=None):
    """A form with one 0–100 field per criterion (c0, c1, …) and a comment."""

    class ScoreForm(FlaskForm):
        comment = _text(_l("评审意见"))

    for i, c in enumerate(criteria):
        setattr(
            ScoreForm,
            f"c{i}",
            IntegerField(
                f"{c['name']}（{c['weight']}%）",
                validators=[
                    DataRequired(_l("请为每项评审标准打分。")),
                    NumberRange(min=0, max=100, message=_l("分数须在 0 到 100 之间。")),
                ],
            ),
        )
    return ScoreForm()


def award_form(proposals, awards: list[dict]):
    """One select per proposal: not a winner, or one of the prize grades."""

    class AwardForm(FlaskForm):
        pass

    choices = [SelectChoice("", _l("不中榜"))] + [
        SelectChoice(str(i), a["grade"]) for i, a in enumerate(awards)
    ]
    for p in proposals:
        setattr(
            AwardForm,
            f"p{p.id}",
            SelectField(p.organization.name, choices=choices, validators=[Optional()]),
        )
    return AwardForm()


class OpinionForm(FlaskForm):
    opinion = _text(_l("专家组意见"), True, _l("请填写专家组意见。"))


class DissentForm(FlaskForm):
    dissent = _text(_l("不同意见"), True, _l("请填写不同意见。"))
