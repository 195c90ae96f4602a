"""Optional email. With MAIL_SERVER unset nothing is sent and links are handed over by hand."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email. Returns True when the server accepted it; False when mail is
    not configured or sending failed (logged, never raised: the caller shows the link instead)."""
    config = current_app.config
    if not configured():
        return False
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "no-reply@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        port = int(config.get("MAIL_PORT") or 587)
        smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], port, timeout=10) as smtp:
            if smtp_class is smtplib.SMTP and config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("could not email %s: %s", to, error)
        return False
    return True


def send_set_password_link(name: str, email: str, url: str) -> bool:
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    subject = _("Set your password for School Peer Review")
    body = _(
        "Hello %(name)s,\n\n"
        "An account has been set up for you on School Peer Review. Use this link to choose "
        "your password. It works once and expires in %(hours)d hours.\n\n%(url)s\n\n"
        "If you were not expecting this email, you can ignore it.\n",
        name=name, hours=hours, url=url,
    )
    return send(email, subject, body)
