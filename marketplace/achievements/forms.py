"""Forms of the achievements feature: field syntax only; the rules live in services."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.domain import (
    COOPERATION_LABELS,
    FIELD_LABELS,
    IP_FORM_LABELS,
    PATENT_STATUS_LABELS,
    PRICING_LABELS,
    TRL_LABELS,
)
from ..core.forms import (
    MultiCheckboxField,
    PlainText,
    YuanField,
    keyword_list,
    strip_filter,
)
from ..listings.indicators import indicators_text, parse_indicators

_INVENTOR_RE = re.compile(r"^(?P<name>.+?)[\s,，:：]+(?P<share>\d{1,3})\s*[%％]?$")
MAX_INVENTORS = 30


def _options(labels: dict, blank=None) -> list[SelectChoice]:
    """SelectChoice options from a code → label table (WTForms 3.3 deprecates tuples)."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(str(code), label) for code, label in labels.items()]


def _please(labels: dict) -> list[SelectChoice]:
    return _options(labels, _l("请选择"))


class AchievementForm(FlaskForm):
    title = StringField(
        _l("成果名称"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=200), PlainText()],
    )
    summary = TextAreaField(
        _l("成果简介（公开）"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=3000), PlainText()],
        description=_l("所有访客可见，请勿写入需保密的技术细节。"),
    )
    detail = TextAreaField(
        _l("技术详情（保密）"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=20000), PlainText()],
        description=_l(
            "仅本机构、技术经纪人、运营方及经您同意签署保密协议的用户可见。"
        ),
    )
    field = SelectField(_l("技术领域"), validators=[DataRequired()])
    keywords = StringField(
        _l("关键词"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=500), PlainText()],
        description=_l("用逗号分隔，最多 12 个。"),
    )
    trl = SelectField(_l("技术成熟度（TRL）"), validators=[DataRequired()])
    ip_form = SelectField(_l("知识产权形式"), validators=[DataRequired()])
    patent_number = StringField(
        _l("专利号 / 申请号"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=40), PlainText()],
        description=_l("专利类成果必填，例如 CN202110123456.7 或 ZL202110123456.7。"),
    )
    patent_status = SelectField(_l("专利状态"), validators=[Optional()])
    patent_filing_date = DateField(_l("申请日"), validators=[Optional()])
    inventors = TextAreaField(
        _l("发明人及权益份额"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=3000), PlainText()],
        description=_l(
            "每行一人，格式“姓名 份额%”，例如“张三 60%”；份额合计须为 100%。"
        ),
    )
    cooperation_modes = MultiCheckboxField(
        _l("合作方式"), validators=[DataRequired(_l("请至少选择一种合作方式。"))]
    )
    pricing_mode = SelectField(_l("定价方式"), validators=[DataRequired()])
    price = YuanField(_l("价格（元）"), filters=[strip_filter])
    indicators = TextAreaField(
        _l("技术指标"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=6000), PlainText()],
        description=_l(
            "每行一项，如“膜层附着力 ≥ 5B（百格法）”或“名称 | 数值 | 单位 | 测试方法”；"
            "单位与测试方法可省略。"
        ),
    )
    application_scenarios = TextAreaField(
        _l("应用场景"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=5000), PlainText()],
    )
    valid_until = DateField(
        _l("有效期至"), validators=[Optional()], description=_l("留空表示长期有效。")
    )
    external_ref = StringField(
        _l("内部编号"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=64), PlainText()],
        description=_l("本机构的案卷号等，同一机构内不可重复。"),
    )
    save = SubmitField(_l("保存草稿"))
    save_submit = SubmitField(_l("保存并提交审核"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = _please(FIELD_LABELS)
        self.trl.choices = _please(
            {n: f"TRL {n} · {label}" for n, label in TRL_LABELS.items()}
        )
        self.ip_form.choices = _please(IP_FORM_LABELS)
        self.patent_status.choices = _please(PATENT_STATUS_LABELS)
        self.cooperation_modes.choices = _options(COOPERATION_LABELS)
        self.pricing_mode.choices = _please(PRICING_LABELS)
        self.inventor_rows: list[tuple[str, int]] = []
        self.indicator_rows: list[dict[str, str]] = []

    def validate_inventors(self, field):
        rows = []
        for n, line in enumerate((field.data or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            m = _INVENTOR_RE.match(line)
            if not m or len(m["name"].strip()) > 60:
                raise ValidationError(
                    _l("第 %(n)s 行格式不对，应为“姓名 份额%%”，例如“张三 60%%”。", n=n)
                )
            rows.append((m["name"].strip(), int(m["share"])))
        if not rows:
            raise ValidationError(_l("请至少填写一位发明人。"))
        if len(rows) > MAX_INVENTORS:
            raise ValidationError(_l("发明人最多 %(n)s 位。", n=MAX_INVENTORS))
        self.inventor_rows = rows

    def validate_indicators(self, field):
        parsed = parse_indicators(field.data or "", "value", require_value=True)
        if parsed.errors:
            # One message per bad line, all shown under the field.
            field.errors.extend(parsed.errors)
            return
        self.indicator_rows = parsed.rows

    def to_data(self) -> dict:
        """The plain values create_achievement / update_achievement take."""
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "detail": self.detail.data or "",
            "field": self.field.data,
            "keywords": keyword_list(self.keywords.data),
            "trl": int(self.trl.data),
            "ip_form": self.ip_form.data,
            "patent_number": self.patent_number.data or None,
            "patent_status": self.patent_status.data or None,
            "patent_filing_date": self.patent_filing_date.data,
            "inventors": self.inventor_rows,
            "cooperation_modes": list(self.cooperation_modes.data or []),
            "pricing_mode": self.pricing_mode.data,
            "price_fen": self.price.fen,
            "indicators": self.indicator_rows,
            "application_scenarios": self.application_scenarios.data or "",
            "valid_until": self.valid_until.data,
            "external_ref": self.external_ref.data or None,
        }

    @staticmethod
    def text_from(achievement) -> dict:
        """Form data for editing, with inventors and indicators as the textareas show them."""
        inventors = "\n".join(
            f"{i.name} {i.share_percent}%" for i in achievement.inventors
        )
        indicators = indicators_text(achievement.indicators, "value")
        plain = (
            "title",
            "summary",
            "detail",
            "field",
            "ip_form",
            "patent_number",
            "patent_status",
            "patent_filing_date",
            "cooperation_modes",
            "pricing_mode",
            "application_scenarios",
            "valid_until",
            "external_ref",
        )
        return {name: getattr(achievement, name) for name in plain} | {
            "keywords": ", ".join(achievement.keywords or []),
            "trl": str(achievement.trl or ""),
            "inventors": inventors,
            "indicators": indicators,
            "price": achievement.price_fen,
        }


class NdaRequestForm(FlaskForm):
    accept_terms = BooleanField(
        _l("我已阅读并接受保密协议（NDA）条款"),
        validators=[DataRequired(_l("请先勾选接受保密协议条款。"))],
    )
    message = TextAreaField(
        _l("申请说明"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=1000), PlainText()],
        description=_l("简要说明贵单位的用途，便于成果方判断。"),
    )


class NdaDecisionForm(FlaskForm):
    decision = SelectField(
        _l("处理"),
        choices=[
            SelectChoice("accept", _l("同意")),
            SelectChoice("decline", _l("拒绝")),
        ],
        validators=[DataRequired()],
    )


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Length(max=32)])
    reason = TextAreaField(
        _l("原因"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=2000), PlainText()],
    )
    from_queue = HiddenField()


class UploadForm(FlaskForm):
    file = FileField(_l("附件"), validators=[FileRequired(_l("请选择要上传的文件。"))])
    confidential = BooleanField(_l("保密附件（仅可查看技术详情的用户可下载）"))
