"""Registers the project's `flask` commands (stable names used by checks and docs)."""

from __future__ import annotations

from flask import Flask

from .accounts.commands import users
from .api.commands import tokens_group
from .bulk.commands import listings_group  # with bulk's `import` added
from .clock import jobs_group
from .core.mail_commands import mail_group
from .demo.commands import demo_group, seed_demo_command
from .payments.commands import payments_group
from .search.commands import search_group


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_group)
    app.cli.add_command(listings_group)
    app.cli.add_command(search_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(payments_group)
    app.cli.add_command(tokens_group)
    app.cli.add_command(mail_group)
