"""E-mail delivery over SMTP (stdlib smtplib). The Message-ID is the outbox message id, the same on
every retry, so a mail client or a receiving system can drop a duplicate."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from alerts.config import AlertSettings
from alerts.content import render_text
from alerts.webhook import SendResult


def build_message(settings: AlertSettings, to: str, msg_id: str, alerts: list[dict[str, Any]],
                  period: str | None) -> EmailMessage:
    msg = EmailMessage()
    first = alerts[0]
    name = first["subscription"]["name"]
    if period is not None:
        subject = f"[ExportWatch] {name}: {len(alerts)} change(s) in {period}"
    elif len(alerts) == 1:
        subject = f"[ExportWatch] {name}: {first['change']['summary']}"[:200]
    else:
        subject = f"[ExportWatch] {name}: {len(alerts)} change(s)"
    msg["Subject"] = subject.replace("\n", " ")
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg["Message-ID"] = f"<{msg_id}@exportwatch>"
    msg["X-ExportWatch-Message-Id"] = msg_id
    msg.set_content(render_text(alerts))
    return msg


def send_email(settings: AlertSettings, to: str, msg_id: str, alerts: list[dict[str, Any]],
               period: str | None) -> SendResult:
    """One SMTP attempt; never raises for network or SMTP trouble."""
    msg = build_message(settings, to, msg_id, alerts, period)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_s) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            refused = smtp.send_message(msg)
    except smtplib.SMTPResponseException as exc:
        return SendResult(False, status=exc.smtp_code, error=f"SMTP {settings.smtp_host}:{settings.smtp_port} "
                          f"answered {exc.smtp_code} {exc.smtp_error!r}")
    except (smtplib.SMTPException, OSError) as exc:
        return SendResult(False, error=f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(exc).__name__}: {exc}")
    if refused:
        return SendResult(False, error=f"SMTP refused recipient(s): {refused}")
    return SendResult(True, status=250)
