"""OpenAPI links: the calls a client makes next with values from a response, declared on
each operation and emitted by openapi.py (schemathesis follows them in stateful runs)."""

from __future__ import annotations

import dataclasses

from marshmallow import Schema


@dataclasses.dataclass
class Link:
    """One link; `operation_id` is the target view's name (its OpenAPI operationId).

    `parameters` maps the target's parameter names to runtime expressions, and `body`
    the target's request body fields, e.g. {"achievement_id": "$response.body#/id"}.
    """

    operation_id: str
    description: str
    parameters: dict[str, str] = dataclasses.field(default_factory=dict)
    body: dict[str, str] | None = None

    def to_openapi(self) -> dict:
        doc: dict = {"operationId": self.operation_id, "description": self.description}
        if self.parameters:
            doc["parameters"] = dict(self.parameters)
        if self.body is not None:
            doc["requestBody"] = dict(self.body)
        return doc


def at(pointer: str) -> str:
    """The runtime expression of a value in the response body (a JSON pointer)."""
    return f"$response.body#/{pointer}" if pointer else "$response.body"


def _prefix(item: str) -> str:
    return f"{item}/" if item else ""


def achievement_links(item: str = "") -> dict[str, Link]:
    """What a client does with the achievement at `item` ("" for the body itself)."""
    ref = {"achievement_id": at(_prefix(item) + "id")}
    return {
        "GetAchievement": Link("get_achievement", "Read this achievement.", ref),
        "UpdateAchievement": Link(
            "update_achievement", "Change this achievement (draft or returned).", ref
        ),
        "SubmitAchievement": Link(
            "submit_achievement", "Send this achievement to review.", ref
        ),
        "AchievementMatches": Link(
            "achievement_matches", "The needs matching this achievement.", ref
        ),
    } | organization_link(_prefix(item) + "organization/id")


def need_links(item: str = "") -> dict[str, Link]:
    """What a client does with the need at `item` ("" for the body itself)."""
    ref = {"need_id": at(_prefix(item) + "id")}
    return {
        "GetNeed": Link("get_need", "Read this need.", ref),
        "UpdateNeed": Link("update_need", "Change this need (draft or returned).", ref),
        "SubmitNeed": Link("submit_need", "Send this need to the brokers.", ref),
        "NeedMatches": Link(
            "need_matches", "The achievements matching this need.", ref
        ),
    } | organization_link(_prefix(item) + "organization/id")


def organization_link(pointer: str, name: str = "GetOrganization") -> dict[str, Link]:
    return {
        name: Link(
            "get_organization", "Read this organisation.", {"org_id": at(pointer)}
        )
    }


def deal_links(item: str = "") -> dict[str, Link]:
    """Read the deal at `item`, take its first available action, and open the listings
    and organisations it refers to."""
    p = _prefix(item)
    return (
        {
            "GetDeal": Link("get_deal", "Read this deal.", {"deal_id": at(p + "id")}),
            "TakeDealAction": Link(
                "deal_action",
                "Take the first of `available_actions` at the version just read.",
                {"deal_id": at(p + "id")},
                body={
                    "action": at(p + "available_actions/0"),
                    "expected_version": at(p + "version"),
                },
            ),
            "GetDealAchievement": Link(
                "get_achievement",
                "The achievement the deal is about.",
                {"achievement_id": at(p + "achievement_id")},
            ),
            "GetDealNeed": Link(
                "get_need",
                "The need the deal answers.",
                {"need_id": at(p + "need_id")},
            ),
        }
        | organization_link(p + "supplier/id", "GetSupplier")
        | organization_link(p + "firm/id", "GetFirm")
    )


def match_link(operation_id: str, parameter: str) -> dict[str, Link]:
    """From a match list to the first matching listing."""
    return {
        "GetFirstMatch": Link(
            operation_id,
            "Read the best-matching listing.",
            {parameter: at("items/0/listing/id")},
        )
    }


def next_page(operation_id: str, query: type[Schema]) -> dict[str, Link]:
    """The next page: `next_cursor` with the same filters and sort as this request."""
    parameters = {"query.cursor": at("next_cursor")}
    for name in query().fields:
        if name != "cursor":
            parameters[f"query.{name}"] = f"$request.query.{name}"
    return {"NextPage": Link(operation_id, "The next page, same filters.", parameters)}
