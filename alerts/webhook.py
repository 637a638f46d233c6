"""Webhook delivery, signed per Standard Webhooks (https://www.standardwebhooks.com/).

Headers: `webhook-id` (the message id, the same on every retry: the receiver's dedup key),
`webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
(`v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed by the base64-decoded part
of the `whsec_` secret). The body is the same bytes on every retry.

The target is checked against the SSRF rules on every attempt and the connection goes to the
address that was checked (alerts.ssrf); TLS certificates are verified against the URL's host
name; redirects are never followed (a 3xx is a failed attempt); `410 Gone` disables the endpoint.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import http.client
import socket
import ssl
from dataclasses import dataclass

from alerts.model import secret_bytes
from alerts.ssrf import Target, UnsafeUrlError, check_target

MAX_RESPONSE = 64 * 1024
RETRY_AFTER_CAP_S = 24 * 3600.0


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    gone: bool = False  # the endpoint asked to be removed (410): disable it
    refused: bool = False  # not attempted: the target is not allowed (SSRF) or malformed


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver does: recompute the signature, compare in constant time, refuse stale or
    future timestamps (replays). Used by the tests' receiver and documented for subscribers."""
    try:
        msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(now - ts) > tolerance_s:
        return False
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    for candidate in headers.get("webhook-signature", "").split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


def _connect(target: Target, timeout: float) -> socket.socket:
    """A TCP connection to one of the addresses that were checked: never a second DNS lookup."""
    error: OSError | None = None
    for address in target.addresses or (target.address,):
        try:
            return socket.create_connection((address, target.port), timeout)
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = _connect(self._target, self.timeout or 10.0)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._target = target
        self._ctx = context

    def connect(self) -> None:
        sock = _connect(self._target, self.timeout or 10.0)
        # server_hostname: SNI and the certificate check are for the URL's host, not the address.
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max(0.0, (when - now).total_seconds()), RETRY_AFTER_CAP_S)


def post(url: str, secret: str, msg_id: str, body: bytes, *, allow_private: bool, timeout_s: float,
         now: dt.datetime, ssl_context: ssl.SSLContext | None = None) -> SendResult:
    """One delivery attempt. Never raises for network or HTTP trouble: the result says."""
    try:
        target = check_target(url, allow_private=allow_private)
    except UnsafeUrlError as exc:
        return SendResult(False, error=str(exc), refused=True)
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "ExportWatch-Webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPS(target, timeout_s, ssl_context or ssl.create_default_context())
    else:
        conn = _PinnedHTTP(target, timeout_s)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read(MAX_RESPONSE)
        status = resp.status
        retry_after = parse_retry_after(resp.getheader("retry-after"), now)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return SendResult(False, error=f"{url}: {type(exc).__name__}: {exc}")
    finally:
        conn.close()
    if 200 <= status < 300:
        return SendResult(True, status=status)
    if status == 410:
        return SendResult(False, status=status, error=f"{url} answered 410 Gone: endpoint disabled", gone=True)
    what = "redirect not followed" if 300 <= status < 400 else "HTTP error"
    return SendResult(False, status=status, error=f"{url} answered {status} ({what})", retry_after_s=retry_after)
