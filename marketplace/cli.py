"""Registers the project's `flask` commands (stable names used by checks and docs)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .accounts.commands import users
    from .bulk.commands import listings_group  # with bulk's `import` added
    from .demo.commands import demo_group, seed_demo_command
    from .search.commands import search_group

    app.cli.add_command(users)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_group)
    app.cli.add_command(listings_group)
    app.cli.add_command(search_group)

    from .clock import jobs_group

    app.cli.add_command(jobs_group)

    from .payments.commands import payments_group

    app.cli.add_command(payments_group)

    from .api.commands import tokens_group

    app.cli.add_command(tokens_group)

    from .core.mail_commands import mail_group

    app.cli.add_command(mail_group)
