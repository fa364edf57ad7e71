"""Forms of the expert pages: syntax only; the rules live in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..accounts.forms import email_field, text
from ..core.domain import FIELD_LABELS
from ..core.forms import MultiCheckboxField


def _fields_field():
    return MultiCheckboxField(
        _l("专业领域"),
        choices=[SelectChoice(str(k), v) for k, v in FIELD_LABELS.items()],
    )


class ProfileForm(FlaskForm):
    expertise = _fields_field()
    title = text(_l("职称"), 60, required=False)
    affiliation = text(_l("工作单位"), 120, required=False)


class InviteExpertForm(ProfileForm):
    name = text(_l("姓名"), 60, message=_l("请填写姓名。"))
    email = email_field()
    ties = MultiCheckboxField(_l("申报的关联机构"), coerce=int, choices=[])

    def set_organizations(self, orgs) -> None:
        self.ties.choices = [SelectChoice(o.id, o.name) for o in orgs]


class PanelForm(FlaskForm):
    name = text(_l("专家组名称"), 120, message=_l("请填写专家组名称。"))
    chair = SelectField(_l("组长"), coerce=int, choices=[])
    members = MultiCheckboxField(_l("成员"), coerce=int, choices=[])

    def set_experts(self, experts) -> None:
        choices = [SelectChoice(u.id, u.name) for u in experts]
        self.chair.choices = choices
        self.members.choices = list(choices)
