"""Forms for needs: the firm's own words, the broker's translation, lifecycle actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.domain import (
    COOPERATION_LABELS,
    FIELD_LABELS,
    TRL_BAND_LABELS,
    TRL_LABELS,
    choices,
)
from ..core.forms import MultiCheckboxField, PlainText, YuanField, strip_filter

TITLE_MAX = 200
TEXT_MAX = 10_000
REASON_MAX = 2_000


def _trl_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("不限"))] + [
        SelectChoice(str(level), f"TRL {level} · {label}")
        for level, label in TRL_LABELS.items()
    ]


class NeedForm(FlaskForm):
    """What a firm writes: its problem in plain business language."""

    title = StringField(
        _l("需求标题"),
        validators=[
            DataRequired(_l("请填写需求标题。")),
            Length(max=TITLE_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
    )
    description = TextAreaField(
        _l("需求描述（用您自己的话）"),
        validators=[
            DataRequired(_l("请用您自己的话描述遇到的问题。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        description=_l(
            "例如：镜架电镀层用几个月就脱落，退货多。技术经纪人会帮您整理成技术需求。"
        ),
        render_kw={"rows": 8},
    )
    budget_min = YuanField(_l("预算下限（元）"))
    budget_max = YuanField(_l("预算上限（元）"))
    deadline = DateField(_l("期望解决日期"), validators=[Optional()])
    cooperation_modes = MultiCheckboxField(
        _l("意向合作方式"), choices=choices(COOPERATION_LABELS)
    )
    trl_min = SelectField(
        _l("所需成熟度（TRL）"),
        choices=_trl_choices(),
        validators=[Optional()],
        description=_l("解决方案需要成熟到什么程度？例如 7 表示可直接上生产线试用。"),
    )
    confidential = BooleanField(_l("保密：对公众隐藏企业名称，仅登录用户可见此需求"))
    valid_until = DateField(_l("有效期至"), validators=[Optional()])
    external_ref = StringField(
        _l("内部编号"),
        validators=[Optional(), Length(max=64), PlainText()],
        filters=[strip_filter],
    )

    def to_data(self) -> dict:
        """The plain values the services take."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "budget_min_fen": self.budget_min.fen,
            "budget_max_fen": self.budget_max.fen,
            "deadline": self.deadline.data,
            "cooperation_modes": list(self.cooperation_modes.data or []),
            "trl_min": int(self.trl_min.data) if self.trl_min.data else None,
            "confidential": bool(self.confidential.data),
            "valid_until": self.valid_until.data,
            "external_ref": self.external_ref.data or None,
        }


class TranslationForm(FlaskForm):
    """The broker's technical translation of a need."""

    technical_problem = TextAreaField(
        _l("拟解决的技术难题"),
        validators=[
            DataRequired(_l("请填写拟解决的技术难题。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        render_kw={"rows": 5},
    )
    indicators = TextAreaField(
        _l("量化目标指标"),
        validators=[
            DataRequired(_l("请至少填写一项目标指标。")),
            Length(max=TEXT_MAX),
            PlainText(),
        ],
        filters=[strip_filter],
        description=_l(
            "每行一项，如“膜层附着力 ≥ 5B（百格法）”，"
            "或“名称 | 目标值 | 单位 | 测试方法”，如“膜层附着力 | ≥5B | 级 | GB/T 9286”"
        ),
        render_kw={"rows": 5},
    )
    existing_conditions = TextAreaField(
        _l("现有基础条件"),
        validators=[Length(max=TEXT_MAX), PlainText()],
        filters=[strip_filter],
        description=_l("设备、材料、产量等"),
        render_kw={"rows": 4},
    )
    field = SelectField(
        _l("技术领域"),
        choices=choices(FIELD_LABELS),
        validators=[DataRequired(_l("请选择技术领域。"))],
    )
    keywords = StringField(
        _l("关键词"),
        validators=[Length(max=500), PlainText()],
        filters=[strip_filter],
        description=_l("用逗号或顿号分隔，例如：PVD、附着力、盐雾"),
    )


class ActionForm(FlaskForm):
    """One lifecycle button; `reason` when the action needs one."""

    action = HiddenField(validators=[DataRequired(), Length(max=32)])
    reason = TextAreaField(
        _l("原因 / 意见"),
        validators=[Length(max=REASON_MAX), PlainText()],
        filters=[strip_filter],
    )
    version = HiddenField(validators=[Length(max=40)])
    #: The translation the firm looked at when it approved or asked for changes.
    translation_id = HiddenField(validators=[Length(max=12)])


class UploadForm(FlaskForm):
    """The attachment on the detail page; the upload service checks the file itself."""

    file = FileField()


class FilterForm(FlaskForm):
    """The list page's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    field = SelectField(
        _l("技术领域"),
        choices=choices(FIELD_LABELS, _l("全部")),
        validators=[Optional()],
    )
    mode = SelectField(
        _l("合作方式"),
        choices=choices(COOPERATION_LABELS, _l("全部")),
        validators=[Optional()],
    )
    trl = SelectField(
        _l("所需成熟度"),
        choices=choices(TRL_BAND_LABELS, _l("全部")),
        validators=[Optional()],
    )
    budget_min = YuanField(_l("预算不低于（元）"))
    budget_max = YuanField(_l("预算不高于（元）"))
    sort = SelectField(
        _l("排序"),
        choices=[
            SelectChoice("newest", _l("最新发布")),
            SelectChoice("budget", _l("预算从高到低")),
        ],
        validators=[Optional()],
    )
