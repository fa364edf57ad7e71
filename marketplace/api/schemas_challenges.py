"""Schemas of the public calls (揭榜挂帅) and of the caller's own proposals."""

from __future__ import annotations

from marshmallow import Schema, fields

from ..challenges.models import Stage
from .schemas import Code, UtcDateTime, page_of


class IndicatorTargetSchema(Schema):
    name = fields.String(required=True)
    target = fields.String(required=True)
    unit = fields.String(required=True)


class AwardGradeSchema(Schema):
    grade = fields.String(required=True)
    amount_fen = fields.Integer(required=True)


class CriterionSchema(Schema):
    name = fields.String(required=True)
    weight = fields.Integer(required=True)


class WinnerOrgSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class WinnerSchema(Schema):
    organization = fields.Nested(WinnerOrgSchema, required=True)
    grade = fields.String(required=True)
    amount_fen = fields.Integer(required=True)


class ResultsSchema(Schema):
    decided_at = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Beijing time, ISO 8601 with +08:00."},
    )
    winners = fields.List(
        fields.Nested(WinnerSchema),
        required=True,
        metadata={"description": "The winners' organisations; never a losing one."},
    )
    no_winner_reason = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why no proposal won (no_winner only)."},
    )


class ChallengeSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    problem = fields.String(required=True)
    stage = Code(
        Stage,
        required=True,
        metadata={"description": "open 征集中, judging 评审中, awarded, no_winner."},
    )
    deadline = fields.String(
        required=True,
        metadata={"description": "Beijing time, ISO 8601 with +08:00."},
    )
    award_total_fen = fields.Integer(required=True)
    awards = fields.List(fields.Nested(AwardGradeSchema), required=True)
    indicators = fields.List(fields.Nested(IndicatorTargetSchema), required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    eligible_org_types = fields.List(fields.String(), required=True)
    region = fields.String(required=True)
    trl_min = fields.Integer(allow_none=True, required=True)
    results = fields.Nested(
        ResultsSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The published results; null until decided."},
    )


class OwnProposalSchema(Schema):
    id = fields.Integer(required=True)
    challenge_id = fields.Integer(required=True)
    challenge_title = fields.String(required=True)
    stage = Code(Stage, required=True)
    version = fields.Integer(required=True)
    submitted_at = UtcDateTime(required=True)
    approach = fields.String(required=True)
    budget_fen = fields.Integer(allow_none=True, required=True)
    award_grade = fields.String(allow_none=True, required=True)
    award_fen = fields.Integer(allow_none=True, required=True)
    deal_id = fields.Integer(allow_none=True, required=True)


ChallengePage = page_of(ChallengeSchema, "ChallengePage")
OwnProposalPage = page_of(OwnProposalSchema, "OwnProposalPage")
