"""How notifications leave the platform: SMTP email, an SMS gateway interface, and logging stand-ins."""

from __future__ import annotations

import importlib
import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Protocol

from flask import current_app

from ..models import Notification, utcnow

SMTP_TIMEOUT_SECONDS = 30
DEFAULT_SMS_GATEWAY = "dispute_hub.mediation.senders:LoggingSmsGateway"


class EmailSender(Protocol):
    def send(self, address: str, name: str | None, subject: str, body: str) -> None:
        """Deliver one email or raise."""


class SmsGateway(Protocol):
    """What a pluggable SMS gateway implements: constructed with the app config, ``send`` raises on failure."""

    def send(self, phone: str, text: str) -> None:
        """Deliver one text message or raise."""


class SmtpEmailSender:
    """Plain-text UTF-8 email through an SMTP server, with optional STARTTLS and login."""

    def __init__(self, host: str, port: int, *, user: str = "", password: str | None = None,
                 sender: str = "", starttls: bool = True, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.sender, self.starttls, self.timeout = sender, starttls, timeout

    def message(self, address: str, name: str | None, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = Address(display_name=name or "", addr_spec=address)
        msg["Subject"] = subject
        # base64 keeps Chinese text intact through relays that lack 8BITMIME
        msg.set_content(body, charset="utf-8", cte="base64")
        return msg

    def send(self, address: str, name: str | None, subject: str, body: str) -> None:
        msg = self.message(address, name, subject, body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg)


class LoggingEmailSender:
    """Used when no SMTP host is configured (embedded mode): the email goes to the app log."""

    def send(self, address: str, name: str | None, subject: str, body: str) -> None:
        current_app.logger.info("email (not sent: no SMTP host) to %s <%s>: %s", name or "", address, subject)


class LoggingSmsGateway:
    """The default SMS gateway: writes the message to the app log and succeeds."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = config

    def send(self, phone: str, text: str) -> None:
        current_app.logger.info("SMS to %s: %s", phone, text)


def email_sender(config: Mapping[str, Any]) -> EmailSender:
    """The SMTP sender when DISPUTE_HUB_SMTP_HOST is set, else the logging sender."""
    if not config.get("SMTP_HOST"):
        return LoggingEmailSender()
    return SmtpEmailSender(str(config["SMTP_HOST"]), int(config.get("SMTP_PORT") or 25),
                           user=str(config.get("SMTP_USER") or ""), password=config.get("SMTP_PASSWORD"),
                           sender=str(config.get("SMTP_FROM") or ""), starttls=bool(config.get("SMTP_STARTTLS")))


def sms_gateway(config: Mapping[str, Any]) -> SmsGateway:
    """The gateway named by DISPUTE_HUB_SMS_GATEWAY ("package.module:Class" or "package.module.Class")."""
    path = str(config.get("SMS_GATEWAY") or DEFAULT_SMS_GATEWAY)
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    if not module_name or not attr:
        raise ValueError(f"DISPUTE_HUB_SMS_GATEWAY must name a class, e.g. {DEFAULT_SMS_GATEWAY}; got {path!r}")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory(config)


def deliver(notification: Notification) -> bool:
    """Send one notification now and record the outcome on it (flushes nothing, never commits).

    :return: True when it was sent (or had been already), False when this attempt failed; the error is kept
        in ``last_error`` and the status is ``failed`` until a later attempt succeeds
    """
    if notification.status == "sent":
        return True
    notification.attempts = (notification.attempts or 0) + 1
    config = current_app.config
    try:
        if notification.channel == "email":
            email_sender(config).send(notification.address, notification.recipient_name, notification.subject,
                                      notification.body)
        elif notification.channel == "sms":
            sms_gateway(config).send(notification.address, notification.body)
        else:
            raise ValueError(f"unknown channel {notification.channel!r}")
    except Exception as exc:  # any gateway's failure is recorded and retried, never lost
        notification.status = "failed"
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        current_app.logger.warning("notification %s (%s to %s) failed, attempt %s: %s", notification.id,
                                   notification.channel, notification.address, notification.attempts,
                                   notification.last_error)
        return False
    notification.status = "sent"
    notification.sent_at = utcnow()
    notification.last_error = None
    return True
