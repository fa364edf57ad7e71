"""Schemas of the token's own account (/me)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import OrgRefSchema, UtcDateTime


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
