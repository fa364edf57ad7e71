"""`flask tokens create`: the operator issues a personal access token from the shell."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..accounts.models import User
from ..core.errors import ServiceError
from ..extensions import db
from . import tokens

tokens_group = AppGroup("tokens", help="Manage personal access tokens of the JSON API.")


@tokens_group.command("create")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--name", required=True, help="What the token is for.")
@click.option(
    "--scopes", default="read", show_default=True, help="Comma-separated: read, write."
)
@click.option(
    "--days",
    type=click.IntRange(1, tokens.MAX_DAYS),
    default=None,
    help="Days until it expires (default: never).",
)
def create_token_command(email, name, scopes, days):
    """Create a token and print it (it is shown only this once)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"Error: no user with e-mail '{email}'", err=True)
        raise SystemExit(1)
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    try:
        _token, secret = tokens.create_token(user, name, wanted, days)
    except ServiceError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(secret)
