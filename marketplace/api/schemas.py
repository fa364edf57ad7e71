"""Marshmallow schemas of the API: they validate requests, shape responses and, through
apispec, are the OpenAPI document's components (one definition for all three)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from wtforms.validators import ValidationError as FormValidationError

from ..accounts.models import OrgType
from ..core.domain import (
    TRL_BANDS,
    CooperationMode,
    Field,
    IpForm,
    PatentStatus,
    PricingMode,
)
from ..core.forms import PlainText

#: Ids beyond a signed 32-bit integer cannot exist; they get a 404, not a DB error.
MAX_ID = 2**31 - 1
#: Money in fen: up to 10 billion yuan, well inside a 64-bit column.
MAX_FEN = 10**12
YUAN_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"


def _codes(enum) -> list[str]:
    return [m.value for m in enum]


def plain_text(value: str) -> None:
    """The pages' PlainText rule (no markup, no control characters) for API strings."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None
    try:
        PlainText()(None, SimpleNamespace(data=value))
    except FormValidationError as exc:
        raise ValidationError(str(exc)) from None


def Text(max_len: int, required: bool = False, min_len: int = 0, **kw) -> fields.String:  # noqa: N802
    """A plain-text string field with length bounds."""
    return fields.String(
        required=required,
        validate=[
            validate.Length(min=min_len or (1 if required else 0), max=max_len),
            plain_text,
        ],
        **kw,
    )


def Code(enum, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(_codes(enum)), **kw)


class Int(fields.Integer):
    """A JSON integer in a body: 5, or 5.0 (JSON Schema's `integer` counts it too, and
    some JSON encoders write it so); never 5.5, "5" or true."""

    def __init__(self, **kw) -> None:
        super().__init__(strict=True, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


def Fen(**kw) -> fields.Integer:  # noqa: N802
    return Int(validate=validate.Range(min=0, max=MAX_FEN), **kw)


class UtcDateTime(fields.DateTime):
    """The database's naive UTC times as RFC 3339 with their offset (…Z)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        text = super()._serialize(value, attr, obj, **kwargs)
        return text.replace("+00:00", "Z") if text else text


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Dict(), metadata={"description": "Field errors (422)."})


class OrgRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class OrganizationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    type = Code(OrgType, required=True)
    verified = fields.Boolean(required=True)


class InventorSchema(Schema):
    name = Text(60, required=True)
    share_percent = Int(required=True, validate=validate.Range(min=1, max=100))


class IndicatorSchema(Schema):
    name = Text(200, required=True)
    value = Text(200, required=True)
    unit = Text(200, load_default="")
    test_method = Text(200, load_default="")


class ListingBase(Schema):
    """What achievements and needs share on the way out."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    field = fields.String(allow_none=True)
    keywords = fields.List(fields.String(), required=True)
    cooperation_modes = fields.List(fields.String(), required=True)
    valid_until = fields.Date(allow_none=True)
    external_ref = fields.String(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    updated_at = UtcDateTime(required=True)
    organization = fields.Nested(OrgRefSchema, allow_none=True)


class AchievementSchema(ListingBase):
    summary = fields.String(required=True)
    detail = fields.String(
        allow_none=True,
        metadata={
            "description": "Confidential detail; null unless the user may see it."
        },
    )
    trl = fields.Integer(allow_none=True)
    ip_form = fields.String(allow_none=True)
    patent_number = fields.String(allow_none=True)
    patent_status = fields.String(allow_none=True)
    patent_filing_date = fields.Date(allow_none=True)
    pricing_mode = fields.String(allow_none=True)
    price_fen = fields.Integer(allow_none=True)
    currency = fields.String(required=True)
    indicators = fields.List(fields.Dict(), required=True)
    application_scenarios = fields.String(required=True)
    inventors = fields.List(fields.Nested(InventorSchema), required=True)


class AchievementInSchema(Schema):
    """A new achievement (POST) or the fields to change (PATCH)."""

    title = Text(200, required=True)
    summary = Text(3000, required=True)
    detail = Text(20000, load_default="")
    field = Code(Field, required=True)
    keywords = fields.List(
        Text(40, min_len=1), validate=validate.Length(max=12), load_default=list
    )
    trl = Int(required=True, validate=validate.Range(min=1, max=9))
    ip_form = Code(IpForm, required=True)
    patent_number = Text(40, allow_none=True, load_default=None)
    patent_status = Code(PatentStatus, allow_none=True, load_default=None)
    patent_filing_date = fields.Date(allow_none=True, load_default=None)
    inventors = fields.List(
        fields.Nested(InventorSchema),
        required=True,
        validate=validate.Length(min=1, max=30),
    )
    cooperation_modes = fields.List(
        Code(CooperationMode), required=True, validate=validate.Length(min=1, max=10)
    )
    pricing_mode = Code(PricingMode, required=True)
    price_fen = Fen(allow_none=True, load_default=None)
    indicators = fields.List(
        fields.Nested(IndicatorSchema),
        validate=validate.Length(max=30),
        load_default=list,
    )
    application_scenarios = Text(5000, load_default="")
    valid_until = fields.Date(allow_none=True, load_default=None)
    external_ref = Text(64, allow_none=True, load_default=None)


class TranslationSchema(Schema):
    version = fields.Integer(required=True)
    technical_problem = fields.String(required=True)
    indicators = fields.List(fields.Dict(), required=True)
    existing_conditions = fields.String(required=True)
    approved = fields.Boolean(required=True)


class NeedSchema(ListingBase):
    description = fields.String(
        allow_none=True,
        metadata={
            "description": "The firm's own words; null unless the user may see them."
        },
    )
    budget_min_fen = fields.Integer(allow_none=True)
    budget_max_fen = fields.Integer(allow_none=True)
    currency = fields.String(required=True)
    deadline = fields.Date(allow_none=True)
    trl_min = fields.Integer(allow_none=True)
    confidential = fields.Boolean(required=True)
    translation = fields.Nested(TranslationSchema, allow_none=True)


class NeedInSchema(Schema):
    title = Text(200, required=True)
    description = Text(10_000, required=True)
    budget_min_fen = Fen(allow_none=True, load_default=None)
    budget_max_fen = Fen(allow_none=True, load_default=None)
    deadline = fields.Date(allow_none=True, load_default=None)
    cooperation_modes = fields.List(
        Code(CooperationMode), validate=validate.Length(max=10), load_default=list
    )
    trl_min = Int(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=9),
    )
    confidential = fields.Boolean(load_default=False)
    valid_until = fields.Date(allow_none=True, load_default=None)
    external_ref = Text(64, allow_none=True, load_default=None)


class PageQuery(Schema):
    """Cursor pagination parameters every list takes."""

    class Meta:
        unknown = EXCLUDE

    cursor = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "Opaque; from next_cursor."},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AchievementQuery(PageQuery):
    field = Code(Field)
    trl_min = fields.Integer(validate=validate.Range(min=1, max=9))
    trl_max = fields.Integer(validate=validate.Range(min=1, max=9))
    mode = Code(CooperationMode)
    price_min = fields.String(
        validate=validate.Regexp(YUAN_PATTERN), metadata={"description": "Yuan."}
    )
    price_max = fields.String(
        validate=validate.Regexp(YUAN_PATTERN), metadata={"description": "Yuan."}
    )
    org_type = fields.String(
        validate=validate.OneOf([t.value for t in OrgType if t != OrgType.FIRM])
    )
    sort = fields.String(
        load_default="newest",
        validate=validate.OneOf(["newest", "price_asc", "price_desc"]),
    )


class NeedQuery(PageQuery):
    field = Code(Field)
    mode = Code(CooperationMode)
    trl = fields.String(validate=validate.OneOf(list(TRL_BANDS)))
    budget_min = fields.String(validate=validate.Regexp(YUAN_PATTERN))
    budget_max = fields.String(validate=validate.Regexp(YUAN_PATTERN))
    sort = fields.String(
        load_default="newest", validate=validate.OneOf(["newest", "budget"])
    )


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page of items with the cursor of the next page (null on the last)."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
        name=name,
    )


AchievementPage = page_of(AchievementSchema, "AchievementPage")
NeedPage = page_of(NeedSchema, "NeedPage")
OrganizationPage = page_of(OrganizationSchema, "OrganizationPage")
