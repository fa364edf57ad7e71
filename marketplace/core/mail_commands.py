"""`flask mail send [--loop]` and `flask mail status`: the mail outbox from a shell."""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..extensions import db
from .mail_outbox import MailOutbox
from .mail_sender import send_pending


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail: send the outbox."""


@mail_group.command("send")
@click.option("--loop", is_flag=True, help="Keep running: a separate mail worker.")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=5.0)
@with_appcontext
def send_command(loop: bool, interval: float) -> None:
    """Send the due messages of the mail outbox (and those a crash left behind)."""
    while True:
        result = send_pending()
        if not loop or result.sent or result.retried or result.failed:
            click.echo(
                f"sent {result.sent}, to retry {result.retried}, failed {result.failed}"
            )
        if not loop:
            return
        time.sleep(interval)


@mail_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many messages wait, and how many failed for good."""
    unsent = sa.select(sa.func.count()).where(MailOutbox.sent_at.is_(None))
    failed = db.session.scalar(unsent.where(MailOutbox.failed_at.is_not(None)))
    pending = db.session.scalar(unsent.where(MailOutbox.failed_at.is_(None)))
    click.echo(f"pending {pending}, failed {failed}")
