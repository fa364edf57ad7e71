"""The rules an achievement's data must follow: patent numbers and pricing by law."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ..core.domain import PATENT_TERM_YEARS, IpForm, PatentStatus, PricingMode
from ..core.timeutil import today_shanghai

#: Pricing modes a state-funded institution may use (促进科技成果转化法 §18).
STATE_FUNDED_PRICING = frozenset(
    {PricingMode.AGREEMENT, PricingMode.LISTING, PricingMode.AUCTION}
)
#: Application / patent numbers: CN or ZL, 12 digits (from 2003) or 8 (before), check digit.
_PATENT_RE = re.compile(
    r"^(?:CN|ZL)?(?P<digits>\d{12}|\d{8})(?:\.?(?P<check>[0-9X]))?$"
)
#: The type digit of a 12-digit number (1/8 invention, 2/9 utility model, 3 design).
_PATENT_TYPE_DIGITS = {
    IpForm.INVENTION_PATENT: "18",
    IpForm.UTILITY_MODEL: "29",
    IpForm.DESIGN_PATENT: "3",
}


def patent_check_digit(digits: str) -> str:
    """CNIPA check digit: weights 2–9 repeating over the digits, sum mod 11, 10 → X."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9]
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    r = total % 11
    return "X" if r == 10 else str(r)


def normalise_patent_number(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "").upper()


def patent_errors(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    ip_form = data.get("ip_form")
    number, status, filed = (
        data.get("patent_number"),
        data.get("patent_status"),
        data.get("patent_filing_date"),
    )
    if ip_form not in PATENT_TERM_YEARS:
        for name, value in (
            ("patent_number", number),
            ("patent_status", status),
            ("patent_filing_date", filed),
        ):
            if value:
                errors.append((name, _("只有专利类成果才填写专利信息，请清空此项。")))
        return errors
    if not number:
        errors.append(("patent_number", _("专利类成果请填写专利号或申请号。")))
    else:
        m = _PATENT_RE.match(normalise_patent_number(number))
        if not m:
            errors.append(
                ("patent_number", _("专利号格式不正确，例如 CN202110123456.7。"))
            )
        else:
            digits = m["digits"]
            if m["check"] and m["check"] != patent_check_digit(digits):
                errors.append(("patent_number", _("专利号校验位不正确，请核对。")))
            if len(digits) == 12 and digits[4] not in _PATENT_TYPE_DIGITS[ip_form]:
                errors.append(
                    ("patent_number", _("专利号的类型位与所选知识产权形式不一致。"))
                )
            if len(digits) == 12 and filed and digits[:4] != str(filed.year):
                errors.append(("patent_filing_date", _("申请日的年份与专利号不一致。")))
    if status not in {s.value for s in PatentStatus}:
        errors.append(("patent_status", _("请选择专利状态。")))
    if not filed:
        errors.append(("patent_filing_date", _("请填写申请日。")))
    elif filed > today_shanghai():
        errors.append(("patent_filing_date", _("申请日不能晚于今天。")))
    return errors
