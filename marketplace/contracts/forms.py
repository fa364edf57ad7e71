"""Forms of the contract draft (one version's structured body), signing and registration."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..core.forms import PlainText, YuanField, strip_filter
from .rules import (
    CONTRACT_TYPES,
    DISPUTE_METHODS,
    LICENCE_SCOPES,
    MAX_INSTALMENTS,
    PAYMENT_MODES,
    RATE_TRENDS,
    ROYALTY_BASES,
    TEXT_MAX,
)


def _choices(labels: dict, blank=None) -> list[SelectChoice]:
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(k, v) for k, v in labels.items()]


def _line(label, required=False, max_len=200):
    checks = [DataRequired(_l("请填写此项。"))] if required else [Optional()]
    return StringField(
        label,
        validators=[*checks, Length(max=max_len), PlainText()],
        filters=[strip_filter],
    )


def _text(label, required=False, rows=3):
    checks = [DataRequired(_l("请填写此项。"))] if required else [Optional()]
    return TextAreaField(
        label,
        validators=[*checks, Length(max=TEXT_MAX), PlainText()],
        filters=[strip_filter],
        render_kw={"rows": rows},
    )


class InstalmentForm(Form):
    due = DateField(_l("付款日期"), validators=[Optional()])
    amount = YuanField(_l("金额（元）"))


PARTY_FIELDS = ("name", "credit_code", "address", "representative", "contact")


class ContractForm(FlaskForm):
    """One version of the terms; business rules are in rules.body_errors."""

    base_version = HiddenField()
    title = _line(_l("合同名称"), required=True)
    type = SelectField(
        _l("合同类型"),
        choices=_choices(CONTRACT_TYPES),
        validators=[DataRequired(_l("请选择合同类型。"))],
    )
    licence_scope = SelectField(
        _l("许可方式"),
        choices=_choices(LICENCE_SCOPES, _l("未约定（视为普通许可）")),
        validators=[Optional()],
        description=_l("仅技术许可合同适用；未约定的视为普通许可。"),
    )
    supplier_name = _line(_l("成果方（甲方/让与人/许可人）名称"), required=True)
    supplier_credit_code = _line(_l("统一社会信用代码"), max_len=18)
    supplier_address = _line(_l("住所地"))
    supplier_representative = _line(_l("法定代表人"), max_len=60)
    supplier_contact = _line(_l("联系人及电话"), max_len=100)
    firm_name = _line(_l("企业（乙方/受让人/被许可人）名称"), required=True)
    firm_credit_code = _line(_l("统一社会信用代码"), max_len=18)
    firm_address = _line(_l("住所地"))
    firm_representative = _line(_l("法定代表人"), max_len=60)
    firm_contact = _line(_l("联系人及电话"), max_len=100)
    subject = _text(_l("项目名称与标的技术内容"), required=True)
    scope = _text(_l("范围（实施地域、期限、领域、数量等）"), required=True)
    patent_involved = BooleanField(_l("涉及专利或专利申请"))
    patent_name = _line(_l("专利（申请）名称"))
    patent_owner = _line(_l("专利权人（申请人）"), max_len=120)
    patent_application_number = _line(_l("专利申请号"), max_len=40)
    patent_number = _line(_l("专利号"), max_len=40)
    patent_filing_date = DateField(_l("申请日"), validators=[Optional()])
    patent_term_until = DateField(_l("有效期至"), validators=[Optional()])
    performance_plan = _text(_l("履行计划、进度"), required=True)
    performance_place = _line(_l("履行地点"), required=True)
    performance_period = _line(_l("履行期限"), max_len=100)
    confidentiality = _text(_l("保密条款"), required=True)
    results_ownership = _text(_l("技术成果归属与收益分享（含后续改进）"), required=True)
    acceptance = _text(_l("验收标准与方法"), required=True)
    price = YuanField(
        _l("合同价款（元）"), validators=[InputRequired(_l("请填写合同价款。"))]
    )
    payment_mode = SelectField(
        _l("支付方式"),
        choices=_choices(PAYMENT_MODES),
        validators=[DataRequired(_l("请选择支付方式。"))],
    )
    instalments = FieldList(
        FormField(InstalmentForm), min_entries=6, max_entries=MAX_INSTALMENTS
    )
    royalty_base = SelectField(
        _l("提成基数"), choices=_choices(ROYALTY_BASES, "—"), validators=[Optional()]
    )
    royalty_rate = DecimalField(
        _l("提成比例（%）"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    royalty_trend = SelectField(
        _l("提成比例变化"), choices=_choices(RATE_TRENDS, "—"), validators=[Optional()]
    )
    entry_fee = YuanField(_l("入门费（元）"))
    broker_fee = YuanField(_l("技术中介（居间）报酬（元）"))
    dispute_method = SelectField(
        _l("争议解决方式"),
        choices=_choices(DISPUTE_METHODS),
        validators=[DataRequired(_l("请选择争议解决方式。"))],
    )
    dispute_body = _line(_l("仲裁委员会 / 管辖法院"), required=True, max_len=120)
    note = _line(_l("本次修改说明"), max_len=500)

    def to_body(self) -> dict:
        """The form as a version body (JSON-able; money in fen, dates ISO)."""
        body = {
            "title": self.title.data,
            "type": self.type.data,
            "licence_scope": self.licence_scope.data or None,
            "supplier": {
                k: getattr(self, f"supplier_{k}").data or "" for k in PARTY_FIELDS
            },
            "firm": {k: getattr(self, f"firm_{k}").data or "" for k in PARTY_FIELDS},
        }
        for key in (
            "subject",
            "scope",
            "performance_plan",
            "performance_place",
            "performance_period",
            "confidentiality",
            "results_ownership",
            "acceptance",
        ):
            body[key] = getattr(self, key).data or ""
        body["patent"] = None
        if self.patent_involved.data:
            body["patent"] = {
                "name": self.patent_name.data or "",
                "owner": self.patent_owner.data or "",
                "application_number": self.patent_application_number.data or "",
                "patent_number": self.patent_number.data or "",
                "filing_date": _iso(self.patent_filing_date.data),
                "term_until": _iso(self.patent_term_until.data),
            }
        body["price_fen"] = self.price.fen
        body["payment_mode"] = self.payment_mode.data
        body["instalments"] = (
            [
                {"due": _iso(row.form.due.data), "amount_fen": row.form.amount.fen}
                for row in self.instalments
                if row.form.due.data and row.form.amount.fen is not None
            ]
            if self.payment_mode.data == "instalments"
            else []
        )
        body["royalty"] = None
        if self.payment_mode.data in ("royalty", "entry_plus_royalty"):
            rate = self.royalty_rate.data
            body["royalty"] = {
                "base": self.royalty_base.data or "",
                "rate_pct": str(rate) if rate is not None else "",
                "trend": self.royalty_trend.data or "",
            }
        body["entry_fee_fen"] = (
            self.entry_fee.fen
            if self.payment_mode.data == "entry_plus_royalty"
            else None
        )
        body["broker_fee_fen"] = self.broker_fee.fen
        body["dispute"] = {
            "method": self.dispute_method.data,
            "body": self.dispute_body.data,
        }
        return body

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for row in self.instalments:
            has_due, has_amount = (
                bool(row.form.due.data),
                row.form.amount.fen is not None,
            )
            if has_due != has_amount:
                row.form.amount.errors = [
                    *row.form.amount.errors,
                    _l("每期需同时填写日期和金额。"),
                ]
                ok = False
        return ok


def form_data_from_body(body: dict) -> dict:
    """Initial form data from a version body (for editing and prefilled drafts)."""

    def d(text):
        return date.fromisoformat(text) if text else None

    data = {
        k: body.get(k)
        for k in (
            "title",
            "type",
            "licence_scope",
            "subject",
            "scope",
            "performance_plan",
            "performance_place",
            "performance_period",
            "confidentiality",
            "results_ownership",
            "acceptance",
        )
    }
    for side in ("supplier", "firm"):
        for k in PARTY_FIELDS:
            data[f"{side}_{k}"] = (body.get(side) or {}).get(k, "")
    patent = body.get("patent")
    data["patent_involved"] = bool(patent)
    if patent:
        data.update(
            patent_name=patent.get("name"),
            patent_owner=patent.get("owner"),
            patent_application_number=patent.get("application_number"),
            patent_number=patent.get("patent_number"),
            patent_filing_date=d(patent.get("filing_date")),
            patent_term_until=d(patent.get("term_until")),
        )
    data["price"] = body.get("price_fen")
    data["payment_mode"] = body.get("payment_mode")
    data["instalments"] = [
        {"due": d(r["due"]), "amount": r["amount_fen"]}
        for r in body.get("instalments") or []
    ]
    royalty = body.get("royalty") or {}
    data.update(
        royalty_base=royalty.get("base"),
        royalty_trend=royalty.get("trend"),
        royalty_rate=royalty.get("rate_pct") or None,
    )
    data["entry_fee"] = body.get("entry_fee_fen")
    data["broker_fee"] = body.get("broker_fee_fen")
    dispute = body.get("dispute") or {}
    data.update(dispute_method=dispute.get("method"), dispute_body=dispute.get("body"))
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value else None


class SignForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("签订日期自"), validators=[Optional()])
    date_to = DateField(_l("至"), validators=[Optional()])
    format = SelectField(
        _l("格式"), choices=[SelectChoice("xlsx", "XLSX"), SelectChoice("csv", "CSV")]
    )
