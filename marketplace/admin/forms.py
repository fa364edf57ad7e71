"""Forms of the operator's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import email_field, text
from ..accounts.models import ROLE_LABELS, VERIFICATION_LABELS, Role
from ..core.domain import FIELD_LABELS
from ..core.forms import MultiCheckboxField, PlainText, strip_filter


class VerifyForm(FlaskForm):
    decision = RadioField(
        _l("审核结论"),
        choices=[
            SelectChoice("verify", _l("通过认证")),
            SelectChoice("reject", _l("不通过")),
        ],
        validators=[DataRequired(_l("请选择审核结论。"))],
    )
    reason = TextAreaField(
        _l("原因（不通过时必填）"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=1000), PlainText()],
    )


class StaffForm(FlaskForm):
    role = SelectField(
        _l("角色"),
        choices=[
            SelectChoice(r.value, ROLE_LABELS[r]) for r in (Role.BROKER, Role.OPERATOR)
        ],
        validators=[DataRequired()],
    )
    name = text(_l("姓名"), 60)
    email = email_field()
    broker_fields = MultiCheckboxField(
        _l("负责的技术领域（技术经纪人）"),
        choices=[SelectChoice(str(k), v) for k, v in FIELD_LABELS.items()],
    )


class AuditFilterForm(Form):
    """GET filters (no CSRF: the page changes nothing)."""

    action = StringField(
        _l("操作类型前缀"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=64)],
        description=_l("例如 organization. 或 user.disable"),
    )
    actor = StringField(
        _l("操作人邮箱"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=254)],
    )
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])


class OrgFilterForm(Form):
    state = SelectField(
        _l("认证状态"),
        choices=[SelectChoice("", _l("全部"))]
        + [SelectChoice(str(k), v) for k, v in VERIFICATION_LABELS.items()],
        validators=[Optional()],
    )
