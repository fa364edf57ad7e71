"""`flask users …`: create accounts from the command line (first operator, demo, support)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..core.errors import ServiceError
from ..extensions import db
from . import services
from .forms import PASSWORD_MAX, PASSWORD_MIN
from .models import Organization, Role

users = AppGroup("users", help="Manage user accounts.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def _password_problem(password: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"the password needs at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"the password may have at most {PASSWORD_MAX} characters"
    if password.isdigit():
        return "the password cannot be all digits"
    return None


@users.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Account role.",
)
@click.option("--email", required=True, help="Login e-mail address.")
@click.option(
    "--org", "org_name", default=None, help="Name of an existing organisation."
)
@click.option(
    "--name", default=None, help="Display name (defaults to the e-mail's local part)."
)
@click.option(
    "--password", default=None, help="Password; prompted for (hidden) when omitted."
)
def create_user_command(role, email, org_name, name, password):
    """Create a user; suppliers and firms join an existing organisation (--org)."""

    role = Role(role)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        _fail(f"'{email}' is not a valid e-mail address")
    org = None
    if org_name:
        org = db.session.scalar(
            sa.select(Organization).where(Organization.name == org_name)
        )
        if org is None:
            _fail(f"no organisation named '{org_name}'")
    if role in (Role.SUPPLIER, Role.FIRM):
        if org is None:
            _fail(f"--org is required for the {role.value} role")
        if services.ROLE_FOR_ORG_TYPE[org.type] != role:
            _fail(f"role {role.value} does not fit organisation type {org.type.value}")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if problem := _password_problem(password):
        _fail(problem)
    try:
        user = services.create_user(
            email=email,
            name=(name or email.split("@")[0])[:60],
            role=role,
            organization=org,
            password=password,
        )
    except ServiceError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
