"""Webhooks over HTTPS verify the receiver's certificate against the URL's host name, while the
connection goes to the address that was checked (the host is resolved once, then pinned)."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.model import new_webhook_secret
from alerts.receiver import WebhookReceiver
from alerts.webhook import post

SECRET = new_webhook_secret()


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)
    return key, crt


@pytest.fixture
def https_receiver(cert: tuple[Path, Path]) -> Iterator[WebhookReceiver]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert[1], cert[0])
    with WebhookReceiver(SECRET, tls=ctx) as r:
        yield r


def send(url: str, context: ssl.SSLContext | None = None) -> tuple[bool, str]:
    result = post(url, SECRET, "msg_tls", b'{"x":1}', allow_private=True, timeout_s=5, now=dt.datetime.now(dt.UTC),
                  ssl_context=context)
    return result.ok, result.error or ""


def trusting(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(cert[1]))
    assert ctx.check_hostname and ctx.verify_mode == ssl.CERT_REQUIRED
    return ctx


def test_an_untrusted_certificate_is_refused(https_receiver: WebhookReceiver) -> None:
    ok, error = send(f"https://localhost:{https_receiver.port}/hook")
    assert not ok and "CERTIFICATE_VERIFY_FAILED" in error
    assert https_receiver.state.attempts == []


def test_a_trusted_certificate_for_the_url_host_is_accepted(https_receiver: WebhookReceiver,
                                                            cert: tuple[Path, Path]) -> None:
    ok, error = send(f"https://localhost:{https_receiver.port}/hook", trusting(cert))
    assert ok, error
    assert https_receiver.state.ids == ["msg_tls"]


def test_the_certificate_must_name_the_url_host(https_receiver: WebhookReceiver, cert: tuple[Path, Path]) -> None:
    # Same server, same trusted certificate, but the URL names 127.0.0.1, which it does not cover.
    ok, error = send(f"https://127.0.0.1:{https_receiver.port}/hook", trusting(cert))
    assert not ok and ("match" in error or "CERTIFICATE_VERIFY_FAILED" in error)
