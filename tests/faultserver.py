"""A local HTTP(S) server that misbehaves on purpose, for the crawler's transport tests.

Modelled on Scrapy's own test mock server (scrapy/scrapy `tests/mockserver/http_resources.py`):
each path is one fault, served on 127.0.0.1 with the standard library only, so the tests drive
the real downloader (Twisted, Scrapy's middlewares, TLS) and never a mock.

Per test: which robots.txt behaviour to serve (`robots=`), plain HTTP or HTTPS with a throwaway
certificate (`tls=`), files to serve at given paths (`files`), and paths made to behave like a
fault route (`alias`). Every request is recorded (path and arrival time) so that a test can assert
that retries happened, and how far apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

RobotsMode = Literal["allow", "deny", "missing", "error", "hang"]

OK_XML = (b'<?xml version="1.0" encoding="utf-8"?>\n'
          b"<Regulation><Identification><ShortTitle>Fault test</ShortTitle></Identification>"
          b"</Regulation>\n")
OK_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML_ERROR = (b"<!doctype html><html><head><title>Service unavailable</title></head><body>"
              b"<h1>Sorry</h1><p>The document you requested is temporarily unavailable.</p>"
              b"</body></html>\n")
ROBOTS_ALLOW = b"User-agent: *\nAllow: /\n"
ROBOTS_DENY = b"User-agent: *\nDisallow: /robots-deny\n"
# How long a hanging handler waits at most; the server releases them all when it stops.
HANG_LIMIT_S = 30.0


@dataclass(frozen=True)
class Hit:
    path: str
    at: float  # time.monotonic() on arrival


@dataclass(frozen=True)
class TlsFiles:
    ca_pem: Path  # the throwaway CA that signed the server certificate
    cert_pem: Path
    key_pem: Path


@functools.cache
def gzip_bomb(decompressed: int = 64 * 1024 * 1024) -> bytes:
    """A gzip stream of `decompressed` zero bytes: about 1/1000 of that on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = bytes(1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(decompressed // len(chunk))]
    parts.append(packer.flush())
    return b"".join(parts)


def make_tls_files(directory: Path, names: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsFiles:
    """A throwaway CA and a server certificate for `names` (IP addresses or DNS names) signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ExportWatch fault-test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    files.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return files


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        nth = self.server.record(path)
        target = self.server.alias.get(path, path)
        route = _ROUTES.get(target)
        if route is not None:
            route(self, nth)
        elif target in self.server.files:
            body, media_type = self.server.files[target]
            self._send(HTTPStatus.OK, body, media_type)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    # --- helpers -------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, media_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _stall(self) -> None:
        """Send nothing more until the test ends (bounded), then drop the connection."""
        self.wfile.flush()
        self.server.released.wait(HANG_LIMIT_S)
        self.close_connection = True

    # --- routes --------------------------------------------------------------------------------
    def ok_xml(self, nth: int) -> None:
        self._send(HTTPStatus.OK, OK_XML, "application/xml")

    def ok_pdf(self, nth: int) -> None:
        self._send(HTTPStatus.OK, OK_PDF, "application/pdf")

    def hang(self, nth: int) -> None:
        self._stall()

    def slow_body(self, nth: int) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(OK_XML) * 10))
        self.end_headers()
        self.wfile.write(OK_XML[:20])
        self._stall()

    def flaky(self, nth: int) -> None:
        if nth <= 2:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"temporary failure\n", "text/plain")
        else:
            self.ok_xml(nth)

    def throttle(self, nth: int) -> None:
        if nth == 1:
            self._send(HTTPStatus.TOO_MANY_REQUESTS, b"slow down\n", "text/plain",
                       {"Retry-After": str(self.server.retry_after_s)})
        else:
            self.ok_xml(nth)

    def truncated(self, nth: int) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(OK_XML) * 50))
        self.end_headers()
        self.wfile.write(OK_XML)
        self.close_connection = True

    def drop(self, nth: int) -> None:
        self.close_connection = True  # the connection closes with no status line sent

    def big(self, nth: int) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(self.server.big_bytes))
        self.end_headers()
        self._write_filler(self.server.big_bytes, chunked=False)

    def big_chunked(self, nth: int) -> None:
        # No Content-Length: the client can only stop once it has received too much.
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._write_filler(self.server.big_bytes, chunked=True)

    def _write_filler(self, size: int, *, chunked: bool) -> None:
        block = OK_XML + b" " * (16384 - len(OK_XML))
        sent = 0
        while sent < size:
            piece = block[: min(len(block), size - sent)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def gzip_bomb(self, nth: int) -> None:
        self._send(HTTPStatus.OK, gzip_bomb(self.server.bomb_bytes), "application/xml",
                   {"Content-Encoding": "gzip"})

    def html_instead(self, nth: int) -> None:
        self._send(HTTPStatus.OK, HTML_ERROR, "text/html; charset=utf-8")

    def robots_deny(self, nth: int) -> None:
        # A perfectly good document: only robots.txt (mode "deny") keeps the crawler away.
        self.ok_xml(nth)

    def robots_txt(self, nth: int) -> None:
        mode = self.server.robots
        if mode == "allow":
            self._send(HTTPStatus.OK, ROBOTS_ALLOW, "text/plain")
        elif mode == "deny":
            self._send(HTTPStatus.OK, ROBOTS_DENY, "text/plain")
        elif mode == "missing":
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        elif mode == "error":
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, HTML_ERROR, "text/html")
        else:
            self._stall()


_ROUTES: dict[str, Callable[[_Handler, int], None]] = {
    "/ok.xml": _Handler.ok_xml,
    "/ok.pdf": _Handler.ok_pdf,
    "/hang": _Handler.hang,
    "/slow-body": _Handler.slow_body,
    "/flaky": _Handler.flaky,
    "/throttle": _Handler.throttle,
    "/truncated": _Handler.truncated,
    "/drop": _Handler.drop,
    "/big": _Handler.big,
    "/big-chunked": _Handler.big_chunked,
    "/gzip-bomb": _Handler.gzip_bomb,
    "/html-instead": _Handler.html_instead,
    "/robots-deny": _Handler.robots_deny,
    "/robots.txt": _Handler.robots_txt,
}
FAULT_PATHS = tuple(_ROUTES)


class FaultServer(ThreadingHTTPServer):
    """`with FaultServer(robots="error") as server:` serves on `server.url` until the block ends."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, *, robots: RobotsMode = "allow", tls: TlsFiles | None = None,
                 big_bytes: int = 1024 * 1024, bomb_bytes: int = 64 * 1024 * 1024,
                 retry_after_s: int = 1) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.robots: RobotsMode = robots
        self.tls = tls
        self.big_bytes = big_bytes
        self.bomb_bytes = bomb_bytes
        self.retry_after_s = retry_after_s
        self.files: dict[str, tuple[bytes, str]] = {}
        self.alias: dict[str, str] = {}
        self.released = threading.Event()
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._tls_context: ssl.SSLContext | None = None
        if tls is not None:
            self._tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls_context.load_cert_chain(tls.cert_pem, tls.key_pem)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.server_address[1]}"

    # --- request log ---------------------------------------------------------------------------
    def record(self, path: str) -> int:
        """Log a request; return how many requests this path has had, this one included."""
        with self._lock:
            self._hits.append(Hit(path, time.monotonic()))
            return sum(1 for h in self._hits if h.path == path)

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self._hits if path is None or h.path == path]

    def count(self, path: str) -> int:
        return len(self.hits(path))

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the request's own thread, so that a client that rejects
        # the certificate (the point of the TLS test) cannot stall the accepting thread.
        if self._tls_context is None:
            super().finish_request(request, client_address)
            return
        try:
            tls_socket = self._tls_context.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: the client refused our certificate
            return
        try:
            super().finish_request(tls_socket, client_address)
        finally:
            tls_socket.close()

    # --- lifecycle -----------------------------------------------------------------------------
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The crawler hanging up on an oversized body or a stall is the expected outcome here.
        pass

    def __enter__(self) -> FaultServer:
        # A short poll interval: shutdown() waits up to one interval, at the end of every test.
        threading.Thread(target=self.serve_forever, args=(0.05,), name="faultserver",
                         daemon=True).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.released.set()  # let stalled handlers finish
        self.shutdown()
        self.server_close()
