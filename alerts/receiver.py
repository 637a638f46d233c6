"""A local webhook receiver that does what a careful subscriber does: verify the Standard Webhooks
signature, refuse stale or future timestamps, and record every delivery (duplicates included, so
tests can count them). Used by the tests, `make demo` and the benchmark; not by the service.

It can be told to fail (`status` for the next requests, with an optional Retry-After) to play a
receiver that is down.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from alerts.webhook import verify


@dataclass
class Received:
    webhook_id: str
    timestamp: int
    body: dict[str, Any]
    at: float


@dataclass
class ReceiverState:
    secret: str
    clock: Callable[[], float] = time.time
    tolerance_s: float = 300.0
    received: list[Received] = field(default_factory=list)  # accepted (2xx) deliveries, duplicates included
    attempts: list[str] = field(default_factory=list)  # webhook-id of every correctly signed request
    rejected: list[str] = field(default_factory=list)  # webhook-id of requests failing verification
    status: int = 200  # answer to give to valid requests (503: "down")
    retry_after: str | None = None
    location: str | None = None  # sent with a 3xx status
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ids(self) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.received]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not verify(state.secret, headers, body, now=state.clock(), tolerance_s=state.tolerance_s):
            with state.lock:
                state.rejected.append(headers.get("webhook-id", ""))
            self._answer(401)
            return
        with state.lock:
            status, retry_after = state.status, state.retry_after
            state.attempts.append(headers["webhook-id"])
            if 200 <= status < 300:
                state.received.append(Received(headers["webhook-id"], int(headers["webhook-timestamp"]),
                                               json.loads(body), time.monotonic()))
        self._answer(status, retry_after, state.location)

    def _answer(self, status: int, retry_after: str | None = None, location: str | None = None) -> None:
        self.send_response(status)
        if retry_after:
            self.send_header("Retry-After", retry_after)
        if location and 300 <= status < 400:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ReceiverState


class WebhookReceiver:
    """`with WebhookReceiver(secret) as r: ... r.url ... r.state.received`."""

    def __init__(self, secret: str, *, clock: Callable[[], float] = time.time, port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.state = ReceiverState(secret=secret, clock=clock)
        self.scheme = "http"
        if tls is not None:  # an HTTPS receiver, with the certificate of `tls`
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def state(self) -> ReceiverState:
        return self.server.state

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
