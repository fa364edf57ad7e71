"""Schemas of deals: a deal with its history, and an action on it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..deals import pipeline
from ..deals.models import DealStage
from .schemas import Code, Int, OrgRefSchema, Text, UtcDateTime, page_of

#: Deal actions a person can take through the API: the table's, minus the clock's own
#: and those with their own form on the page (the price needs its notice details).
DEAL_API_ACTIONS = sorted(
    {t.action for t in pipeline.TRANSITIONS}
    - pipeline.SYSTEM_ACTIONS
    - pipeline.FORM_ACTIONS
)


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


DealPage = page_of(DealSchema, "DealPage")
