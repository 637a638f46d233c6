"""Webhook targets: refuse URLs that reach inside our network (SSRF), and pin the address checked.

A subscriber chooses the webhook URL, so without this check ExportWatch could be made to POST to
its own admin ports, a cloud metadata service (169.254.169.254) or a database on the private
network. Every address the host name resolves to must be public (`ipaddress.is_global`, which
excludes loopback, RFC 1918 private, shared 100.64/10, link-local, multicast, reserved,
unspecified 0.0.0.0 and ::, documentation and benchmark ranges); IPv4-mapped IPv6 addresses
(::ffff:127.0.0.1) are judged by their IPv4 address. Numeric hosts in the legacy forms
`inet_aton` accepts (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are read as the address the
resolver would make of them, so they cannot slip through as "names".

The check runs on every delivery (DNS may change between two deliveries: rebinding), and the
connection goes to the address that was checked, never to a second lookup. Redirects are not
followed at all. EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE=true lifts the address check (and admits
plain http) for local receivers in tests and demos.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from exportwatch.errors import ExportWatchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrlError(ExportWatchError):
    """A webhook URL is malformed or points at an address we refuse to connect to."""

    exit_code = 2


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: connect to `address`, send `Host: host` and verify TLS for `host`."""

    url: str
    scheme: str
    host: str
    port: int
    address: str  # the first checked address
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...] = ()  # every checked address, tried in order (IPv6 first, then IPv4 ...)


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise UnsafeUrlError(f"webhook URL {url!r} is malformed: {exc}") from exc
    return parts


def check_url_syntax(url: str, *, allow_http: bool = True) -> SplitResult:
    """Shape only (no DNS): http(s), a host, no credentials, no fragment. ValueError on failure
    (so that pydantic reports it against the field)."""
    try:
        parts = _split(url)
    except UnsafeUrlError as exc:
        raise ValueError(str(exc)) from exc
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed:
        raise ValueError(f"webhook URL {url!r}: the scheme must be {' or '.join(allowed)}")
    if not parts.hostname:
        raise ValueError(f"webhook URL {url!r} has no host")
    if parts.username or parts.password:
        raise ValueError(f"webhook URL {url!r}: credentials in the URL are not allowed; sign with the secret")
    if parts.fragment:
        raise ValueError(f"webhook URL {url!r}: no #fragment")
    return parts


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in every form a resolver accepts, or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton reads the legacy forms: 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def refused_reason(address: IPAddress) -> str | None:
    """Why we refuse to connect to `address`, or None if it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        mapped = refused_reason(address.ipv4_mapped)
        return f"IPv4-mapped {mapped}" if mapped else None
    checks = (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("private", address.is_private), ("reserved", address.is_reserved))
    for name, hit in checks:
        if hit:
            return f"{name} address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrlError(f"cannot resolve webhook host {host!r}: {exc}") from exc
    out: list[IPAddress] = []
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if addr not in out:
            out.append(addr)
    if not out:
        raise UnsafeUrlError(f"webhook host {host!r} resolves to no address")
    return out


def check_target(url: str, *, allow_private: bool) -> Target:
    """Validate `url` and resolve it; UnsafeUrlError unless every address is allowed. Returns
    the target pinned to the checked addresses."""
    try:
        parts = check_url_syntax(url, allow_http=allow_private)
    except ValueError as exc:
        raise UnsafeUrlError(str(exc)) from exc
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not allow_private:
        for address in addresses:
            if (reason := refused_reason(address)) is not None:
                raise UnsafeUrlError(f"webhook URL {url!r} resolves to a {reason}: refused "
                                     "(EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE=true allows it, for local receivers)")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=str(addresses[0]), path=path,
                  addresses=tuple(str(a) for a in addresses))
