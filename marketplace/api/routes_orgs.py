"""/api/v1/organizations (public fields of verified organisations) and /api/v1/me."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Organization, Verification
from ..extensions import db
from .auth import request_token
from .links import next_page, organization_link
from .operations import operation
from .pagination import Key, keyset_page
from .problems import ApiProblem
from .schemas import OrganizationPage, OrganizationSchema, PageQuery
from .schemas_account import MeSchema
from .serializers import org_ref, organization_out

TAG = "organizations"
KEYS = [Key(Organization.id, False, lambda o: o.id)]


def _visible(org: Organization, user) -> bool:
    """Verified organisations are public; others only to their members and the staff."""
    return org.is_verified or user.is_staff or user.belongs_to(org.id)


@operation(
    "/organizations",
    tag=TAG,
    summary="List verified organisations",
    query=PageQuery,
    response=OrganizationPage,
    links=organization_link("items/0/id") | next_page("list_organizations", PageQuery),
)
def list_organizations(user, query):
    """Public fields only, by id."""
    select = (
        sa.select(Organization)
        .where(Organization.verification == Verification.VERIFIED)
        .order_by(Organization.id)
    )
    page = keyset_page(select, KEYS, query.get("cursor"), query["limit"])
    page["items"] = [organization_out(o) for o in page["items"]]
    return page


@operation(
    "/organizations/<int:org_id>",
    tag=TAG,
    summary="Read an organisation",
    response=OrganizationSchema,
)
def get_organization(user, org_id):
    """Public fields only; an unverified organisation is not found except by its own
    members and the staff."""
    org = db.session.get(Organization, org_id)
    if org is None or not _visible(org, user):
        raise ApiProblem(404)
    return organization_out(org)


@operation(
    "/me",
    tag="account",
    summary="The token's user and the token",
    response=MeSchema,
    links=organization_link("organization/id"),
)
def me(user):
    """Who the token acts for, and its scopes and expiry."""
    token = request_token()
    return {
        "id": user.id,
        "name": user.name,
        "role": str(user.role),
        "organization": org_ref(user.organization),
        "token": {
            "name": token.name,
            "scopes": list(token.scopes),
            "expires_at": token.expires_at,
        },
    }
