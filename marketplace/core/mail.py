"""The mail transport: one finished message out through SMTP, or to the log (console).

Nothing here is called from a request: code that wants to mail someone queues it with
`core.mail_outbox.queue_mail`, and `core.mail_sender` hands each queued row to
`deliver` after the transaction committed.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("marketplace.mail")


def build_message(
    to: list[str], subject: str, text: str, html: str, message_id: str
) -> EmailMessage:
    """The MIME message (text with an HTML alternative) from an outbox row's fields."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = ", ".join(to)
    # Kept from the queued row, so a message sent again after a crash can be
    # recognised as the same one by the receiving side.
    msg["Message-ID"] = message_id
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def deliver(msg: EmailMessage) -> None:
    """Send `msg` now; raises OSError or smtplib.SMTPException when it did not go out."""
    cfg = current_app.config
    if cfg["MAIL_BACKEND"] == "console":
        log.info(
            "mail (console backend)",
            extra={
                "to": msg["To"],
                "subject": msg["Subject"],
                "body": msg.get_body(("plain",)).get_content(),
            },
        )
        return
    smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
