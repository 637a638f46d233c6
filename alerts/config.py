"""Alert and scheduler settings, read from environment variables (docs/configuration.md).

Kept beside the alerts code and merged into `exportwatch.settings.SETTINGS` (so the docs test
checks them) rather than added as fields of `Settings`: delivery reads them when it runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from exportwatch.errors import ConfigError

ALERT_SETTINGS: dict[str, tuple[str, str]] = {
    "EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE": (
        "false", "'true' lets webhooks go to loopback, private, link-local and other non-public "
        "addresses, and over plain http:// (a local test receiver); 'false' refuses them (SSRF)."),
    "EXPORTWATCH_WEBHOOK_TIMEOUT": ("10", "Seconds a webhook receiver (or SMTP server) has to answer."),
    "EXPORTWATCH_ALERT_DEAD_AFTER_HOURS": (
        "72", "A message still undelivered this many hours after it was queued is dead-lettered "
        "(status 'dead') at its next failed attempt."),
    "EXPORTWATCH_ALERT_BACKOFF_BASE": ("30", "Seconds before the first retry; doubles per failure, with jitter."),
    "EXPORTWATCH_ALERT_BACKOFF_MAX": ("3600", "Longest wait between retries, in seconds (Retry-After may ask longer, "
                                      "up to 24 h)."),
    "EXPORTWATCH_ALERT_DELIVERY_WORKERS": ("4", "Channels served at once by a delivery pass (order is kept within "
                                           "each channel)."),
    "EXPORTWATCH_ALERT_BASE_URL": ("http://127.0.0.1:8000", "Public URL of `exportwatch serve`, for the links in "
                                   "alerts (entry pages, Atom feeds)."),
    "EXPORTWATCH_SMTP_HOST": ("127.0.0.1", "SMTP server for e-mail alerts."),
    "EXPORTWATCH_SMTP_PORT": ("25", "SMTP port."),
    "EXPORTWATCH_SMTP_FROM": ("exportwatch@localhost", "Sender address of e-mail alerts."),
    "EXPORTWATCH_SMTP_USER": ("", "SMTP login (empty: none)."),
    "EXPORTWATCH_SMTP_PASSWORD": ("", "SMTP password."),
    "EXPORTWATCH_SMTP_STARTTLS": ("false", "'true' upgrades the SMTP connection with STARTTLS (certificate verified)."),
    "EXPORTWATCH_SCHEDULER_MISFIRE_GRACE": (
        "3600", "Seconds a scheduled run may start late (after downtime) and still run, once (coalesced)."),
}


@dataclass(frozen=True)
class AlertSettings:
    allow_private: bool = False
    timeout_s: float = 10.0
    dead_after_s: float = 72 * 3600.0
    backoff_base_s: float = 30.0
    backoff_max_s: float = 3600.0
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "exportwatch@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    misfire_grace_s: int = 3600
    delivery_workers: int = 4

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AlertSettings:
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str:
            value = env.get(name)
            return ALERT_SETTINGS[name][0] if value is None or value == "" else value

        def flag(name: str) -> bool:
            value = get(name).lower()
            if value not in ("true", "false"):
                raise ConfigError(f"{name}={value!r}: use 'true' or 'false'")
            return value == "true"

        def number(name: str, minimum: float) -> float:
            try:
                value = float(get(name))
            except ValueError as exc:
                raise ConfigError(f"{name}={get(name)!r}: expected a number") from exc
            if value < minimum:
                raise ConfigError(f"{name}={value}: must be at least {minimum}")
            return value

        base_url = get("EXPORTWATCH_ALERT_BASE_URL").rstrip("/")
        if not re.fullmatch(r"https?://\S+", base_url):
            raise ConfigError(f"EXPORTWATCH_ALERT_BASE_URL={base_url!r}: expected http(s)://host[:port][/path]")
        return cls(
            allow_private=flag("EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE"),
            timeout_s=number("EXPORTWATCH_WEBHOOK_TIMEOUT", 0.1),
            dead_after_s=number("EXPORTWATCH_ALERT_DEAD_AFTER_HOURS", 0) * 3600.0,
            backoff_base_s=number("EXPORTWATCH_ALERT_BACKOFF_BASE", 0),
            backoff_max_s=number("EXPORTWATCH_ALERT_BACKOFF_MAX", 0),
            base_url=base_url,
            smtp_host=get("EXPORTWATCH_SMTP_HOST"),
            smtp_port=int(number("EXPORTWATCH_SMTP_PORT", 1)),
            smtp_from=get("EXPORTWATCH_SMTP_FROM"),
            smtp_user=env.get("EXPORTWATCH_SMTP_USER", ""),
            smtp_password=env.get("EXPORTWATCH_SMTP_PASSWORD", ""),
            smtp_starttls=flag("EXPORTWATCH_SMTP_STARTTLS"),
            misfire_grace_s=int(number("EXPORTWATCH_SCHEDULER_MISFIRE_GRACE", 1)),
            delivery_workers=int(number("EXPORTWATCH_ALERT_DELIVERY_WORKERS", 1)),
        )
