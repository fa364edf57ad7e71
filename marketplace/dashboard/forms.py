"""Dashboard forms: the period (GET) and the operator's targets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..core.forms import YuanField
from .targets import CLUSTER_FIRMS_KEY, TARGET_SPECS

#: A period longer than this is refused (the queries stay bounded).
MAX_PERIOD_DAYS = 366 * 10


class PeriodForm(FlaskForm):
    """Read from the query string; no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    start = DateField(_l("开始日期"), validators=[Optional()])
    end = DateField(_l("结束日期"), validators=[Optional()])

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("结束日期不能早于开始日期。"))
            if (field.data - self.start.data).days > MAX_PERIOD_DAYS:
                raise ValidationError(_l("统计区间不能超过十年。"))


class _TargetsBase(FlaskForm):
    def values(self) -> dict[str, int | None]:
        out = {}
        for spec in TARGET_SPECS:
            f = self[spec.key]
            out[spec.key] = f.fen if spec.unit == "fen" else f.data
        out[CLUSTER_FIRMS_KEY] = self[CLUSTER_FIRMS_KEY].data
        return out


def targets_form_class() -> type[FlaskForm]:
    """A form with one field per target (money in yuan) plus the cluster's firm count."""
    attrs = {}
    for spec in TARGET_SPECS:
        if spec.unit == "fen":
            attrs[spec.key] = YuanField(spec.label, validators=[Optional()])
        else:
            hi = 100 if spec.unit == "percent" else 10**9
            attrs[spec.key] = IntegerField(
                spec.label, validators=[Optional(), NumberRange(min=0, max=hi)]
            )
    attrs[CLUSTER_FIRMS_KEY] = IntegerField(
        _l("产业企业总数（覆盖率的分母）"),
        validators=[Optional(), NumberRange(min=1, max=10**6)],
    )
    return type("TargetsForm", (_TargetsBase,), attrs)
