"""The upload form (choices are set per user by the route) and the confirm/cancel form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

KIND_LABELS = {"achievement": _l("科技成果"), "need": _l("技术需求")}


class UploadForm(FlaskForm):
    kind = SelectField(_l("导入类型"))
    target_status = SelectField(_l("导入后的状态"))
    organization_id = SelectField(
        _l("机构（填写空白的“机构名称”）"), coerce=int, default=0
    )
    file = FileField(
        _l("文件（CSV 或 XLSX）"), validators=[FileRequired(_l("请选择文件。"))]
    )


class ConfirmForm(FlaskForm):
    """CSRF only: confirm, cancel and the no-JavaScript “continue” button post it."""
