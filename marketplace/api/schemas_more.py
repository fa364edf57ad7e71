"""Schemas of search, matches, deals and the token's own account."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..accounts.models import OrgType
from ..core.domain import TRL_BANDS, CooperationMode, Field, PricingMode
from ..deals import pipeline
from ..deals.models import DealStage
from .schemas import Code, Int, OrgRefSchema, PageQuery, Text, UtcDateTime, page_of

#: Deal actions a person can take through the API: the table's, minus the clock's own
#: and those with their own form on the page (the price needs its notice details).
DEAL_API_ACTIONS = sorted(
    {t.action for t in pipeline.TRANSITIONS}
    - pipeline.SYSTEM_ACTIONS
    - pipeline.FORM_ACTIONS
)


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


class DealEventSchema(Schema):
    at = UtcDateTime(required=True)
    action = fields.String(required=True)
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(required=True)
    reason = fields.String(required=True)


class DealSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    stage = Code(DealStage, required=True)
    version = fields.Integer(
        required=True,
        metadata={
            "description": "Send it back as expected_version when taking an action."
        },
    )
    origin = fields.String(required=True)
    achievement_id = fields.Integer(allow_none=True)
    need_id = fields.Integer(allow_none=True)
    supplier = fields.Nested(OrgRefSchema, required=True)
    firm = fields.Nested(OrgRefSchema, required=True)
    pricing_mode = fields.String(required=True)
    agreed_price_fen = fields.Integer(allow_none=True)
    currency = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    stage_entered_at = UtcDateTime(required=True)
    available_actions = fields.List(fields.String(), required=True)
    events = fields.List(fields.Nested(DealEventSchema), required=True)


class DealActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(DEAL_API_ACTIONS))
    reason = Text(2000, load_default="")
    expected_version = Int(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The deal's version you last read (optimistic lock)."},
    )


class TokenInfoSchema(Schema):
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    expires_at = UtcDateTime(allow_none=True, required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    organization = fields.Nested(OrgRefSchema, allow_none=True, required=True)
    token = fields.Nested(TokenInfoSchema, required=True)


DealPage = page_of(DealSchema, "DealPage")
