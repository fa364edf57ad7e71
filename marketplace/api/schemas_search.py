"""Schemas of search and matches."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..accounts.models import OrgType
from ..core.domain import TRL_BANDS, CooperationMode, Field, PricingMode
from .schemas import Code, PageQuery, UtcDateTime


class SearchQuery(PageQuery):
    kind = fields.String(
        load_default="achievement", validate=validate.OneOf(["achievement", "need"])
    )
    q = fields.String(load_default="", validate=validate.Length(max=200))
    field = Code(Field)
    trl_band = fields.String(validate=validate.OneOf(list(TRL_BANDS)))
    cooperation_mode = Code(CooperationMode)
    pricing_mode = Code(PricingMode)
    org_type = Code(OrgType)
    sort = fields.String(
        load_default="relevance",
        validate=validate.OneOf(["relevance", "newest", "price_asc", "price_desc"]),
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class SearchHitSchema(Schema):
    kind = fields.String(required=True)
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    score = fields.Float(required=True)
    highlights = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "HTML snippets per field, matched terms in <mark>."},
    )


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    total = fields.Integer(required=True)
    fallback_any = fields.Boolean(required=True)
    did_you_mean = fields.String(allow_none=True, required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ListingRefSchema(Schema):
    kind = fields.String(required=True)
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class MatchSchema(Schema):
    score = fields.Float(required=True)
    reasons = fields.Dict(required=True)
    listing = fields.Nested(ListingRefSchema, required=True)
    computed_at = UtcDateTime(required=True)


class MatchListSchema(Schema):
    items = fields.List(fields.Nested(MatchSchema), required=True)
