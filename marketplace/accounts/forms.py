"""Forms for registering, signing in, passwords, the profile and the organisation."""

from __future__ import annotations

import re

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from ..core.forms import PlainText, strip_filter
from . import credit_code
from .models import ORG_TYPE_LABELS

#: Passwords longer than this are refused: hashing megabytes would be a cheap DoS.
PASSWORD_MAX = 128
PASSWORD_MIN = 10


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _credit_code(value):
    return credit_code.normalize(value) if isinstance(value, str) else value


class StrongPassword:
    """At least 10 characters and not only digits (a phone number is not a password)."""

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < PASSWORD_MIN:
            raise ValidationError(_l("密码至少需要 %(n)s 个字符。", n=PASSWORD_MIN))
        if value.isdigit():
            raise ValidationError(_l("密码不能全部是数字。"))


class CreditCode:
    """The 18-character unified social credit code, including its check character."""

    def __call__(self, form, field):
        code = field.data or ""
        if len(code) != 18:
            raise ValidationError(_l("统一社会信用代码应为 18 位。"))
        if any(c not in credit_code.CHARSET for c in code):
            raise ValidationError(
                _l("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。")
            )
        if not credit_code.is_valid(code):
            raise ValidationError(_l("统一社会信用代码校验位不正确，请核对。"))


#: A trailing extension as people write it: "转 123", "分机123", "ext. 123", "x123", "-123".
_EXTENSION_RE = re.compile(r"^(.+?)\s*(?:转|分机|ext\.?|x|#|-)\s*(\d{1,6})$", re.I)
_NUMBER_CHARS_RE = re.compile(
    r"[0-9+()\s.\-]+|[0-9+()\s.\-]+(?:转|分机|ext\.?|x|#)\s*\d{1,6}", re.I
)


def is_phone_number(value: str) -> bool:
    """A mainland China number: a mobile (1[3-9] + 9 digits), a landline with its area
    code and an optional extension, or either with +86 / 0086; spaces and dashes allowed.

    libphonenumber knows the number plan (which prefixes and lengths exist), so "abc",
    "123" or a landline without its area code are refused.
    """
    text = (value or "").strip()
    candidates = [text]
    ext = _EXTENSION_RE.match(text)
    if ext:
        candidates.append(ext.group(1))
    for candidate in candidates:
        # The parser skips leading words ("电话 138…"): only a number is a number.
        if not _NUMBER_CHARS_RE.fullmatch(candidate):
            continue
        try:
            number = phonenumbers.parse(candidate, "CN")
        except phonenumbers.NumberParseException:
            continue
        # The plan also allows some 7-digit numbers (0577-1234): a mainland number
        # with its area code has at least 10 digits.
        if (
            number.country_code == 86
            and phonenumbers.is_valid_number(number)
            and len(phonenumbers.national_significant_number(number)) >= 10
        ):
            return True
    return False


class PhoneNumber:
    """The one phone validator of every form where a phone number is entered."""

    def __call__(self, form, field):
        if field.data and not is_phone_number(field.data):
            raise ValidationError(
                _l(
                    "请填写有效的电话号码：手机号（如 138 1234 5678）"
                    "或带区号的固定电话（如 0577-88888888）。"
                )
            )


def phone_field(label=None, required=True):
    first = DataRequired(_l("请填写联系电话。")) if required else Optional()
    return TelField(
        label or _l("联系电话"),
        filters=[strip_filter],
        validators=[first, Length(max=40), PhoneNumber()],
        description=_l("手机号或带区号的固定电话，如 0577-88888888。"),
        render_kw={"autocomplete": "tel"},
    )


def email_field(label=None):
    return EmailField(
        label or _l("电子邮箱"),
        filters=[_lower],
        validators=[
            DataRequired(_l("请填写电子邮箱。")),
            Length(max=254),
            Email(_l("请输入有效的电子邮箱地址。")),
        ],
    )


def new_password_fields():
    password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(_l("请填写密码。")),
            Length(max=PASSWORD_MAX),
            StrongPassword(),
        ],
        description=_l("至少 10 个字符，不能全部是数字。"),
    )
    confirm = PasswordField(
        _l("确认密码"),
        validators=[
            DataRequired(_l("请再次输入密码。")),
            EqualTo("password", _l("两次输入的密码不一致。")),
        ],
    )
    return password, confirm


def text(label, max_len, required=True, message=None):
    first = DataRequired(message or _l("此项必填。")) if required else Optional()
    return StringField(
        label,
        filters=[strip_filter],
        validators=[first, Length(max=max_len), PlainText()],
    )


class OrganizationFieldsMixin:
    """The organisation particulars shared by registration and editing."""

    org_name = text(_l("机构名称"), 120)
    credit_code = StringField(
        _l("统一社会信用代码"),
        filters=[_credit_code],
        validators=[DataRequired(_l("请填写统一社会信用代码。")), CreditCode()],
        description=_l("18 位，见营业执照或事业单位法人证书。"),
    )
    address = text(_l("地址"), 200)
    contact_name = text(_l("联系人"), 60)
    contact_phone = phone_field()
    state_funded = BooleanField(
        _l("财政资金支持的高校或科研院所（定价须遵守成果转化法第十八条）")
    )


class RegisterForm(OrganizationFieldsMixin, FlaskForm):
    org_type = SelectField(
        _l("机构类型"),
        choices=[SelectChoice(str(k), v) for k, v in ORG_TYPE_LABELS.items()],
        validators=[DataRequired(_l("请选择机构类型。"))],
    )
    name = text(_l("您的姓名"), 60)
    email = email_field()
    password, confirm = new_password_fields()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("密码"),
        validators=[DataRequired(_l("请填写密码。")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("记住我"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"),
        validators=[DataRequired(_l("请填写当前密码。")), Length(max=PASSWORD_MAX)],
    )
    password, confirm = new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ProfileForm(FlaskForm):
    name = text(_l("姓名"), 60)
    locale = SelectField(
        _l("界面语言"),
        choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")],
    )
    email_notifications = BooleanField(_l("通过电子邮件接收通知"))


class OrganizationForm(OrganizationFieldsMixin, FlaskForm):
    contact_email = StringField(
        _l("联系邮箱"),
        filters=[_lower],
        validators=[
            Optional(),
            Length(max=254),
            Email(_l("请输入有效的电子邮箱地址。")),
        ],
    )


class InviteForm(FlaskForm):
    name = text(_l("同事姓名"), 60)
    email = email_field(_l("同事的电子邮箱"))
