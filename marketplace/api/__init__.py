"""The JSON API (/api/v1, bearer tokens) and the account page's token management."""

from flask import Blueprint

#: /api/v1: authenticated by bearer tokens only, so exempt from CSRF.
bp = Blueprint("api", __name__)
#: /account/tokens: ordinary cookie-session pages with CSRF, where people manage tokens.
tokens_bp = Blueprint("api_tokens", __name__)

from . import auth, problems  # noqa: E402

problems.init_blueprint(bp)
auth.init_blueprint(bp)

from . import (  # noqa: E402,F401
    openapi,
    routes_achievements,
    routes_challenges,
    routes_deals,
    routes_needs,
    routes_orgs,
    routes_search,
    routes_tokens,
)
