"""Outgoing e-mail through SMTP, or to the log in the default (console) configuration."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

log = logging.getLogger("marketplace.mail")


def send_mail(to: str | list[str], subject: str, template: str, **context) -> bool:
    """Render templates/email/<template>.txt and .html and send them.

    Returns False (and logs) when delivery failed: a mail problem never fails a request.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    cfg = current_app.config
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = ", ".join(recipients)
    msg["Message-ID"] = make_msgid(domain="ouhai-market.example")
    msg.set_content(render_template(f"email/{template}.txt", **context))
    msg.add_alternative(
        render_template(f"email/{template}.html", **context), subtype="html"
    )

    if cfg["MAIL_BACKEND"] == "console":
        log.info(
            "mail (console backend)",
            extra={
                "to": recipients,
                "subject": subject,
                "body": msg.get_body(("plain",)).get_content(),
            },
        )
        return True
    try:
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(msg)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception(
            "mail delivery failed", extra={"to": recipients, "subject": subject}
        )
        return False
