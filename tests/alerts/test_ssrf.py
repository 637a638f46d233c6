"""Webhook URLs that reach inside the network are refused, in every spelling of the address
(RELIABILITY.md test 12), unless EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE allows them."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.ssrf import UnsafeUrlError, check_target
from alerts.webhook import post

REFUSED = [
    "https://127.0.0.1/hook",                 # loopback
    "https://127.8.9.10/hook",                # all of 127/8
    "https://localhost/hook",                 # a name that resolves to loopback
    "https://[::1]/hook",                     # IPv6 loopback
    "https://0.0.0.0/hook",                   # unspecified
    "https://[::]/hook",                      # IPv6 unspecified
    "https://10.1.2.3/hook",                  # RFC 1918
    "https://172.16.5.4/hook",
    "https://192.168.0.1/hook",
    "https://100.64.0.1/hook",                # shared address space (carrier NAT)
    "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
    "https://[fe80::1]/hook",                 # IPv6 link-local
    "https://[fc00::1]/hook",                 # IPv6 unique local
    "https://224.0.0.1/hook",                 # multicast
    "https://[ff02::1]/hook",                 # IPv6 multicast
    "https://240.0.0.1/hook",                 # reserved
    "https://255.255.255.255/hook",           # broadcast
    "https://[::ffff:127.0.0.1]/hook",        # IPv4-mapped IPv6 loopback
    "https://[::ffff:10.0.0.1]/hook",         # IPv4-mapped private
    "https://[::ffff:169.254.169.254]/hook",  # IPv4-mapped link-local
    "https://2130706433/hook",                # decimal 127.0.0.1
    "https://0x7f000001/hook",                # hex
    "https://0177.0.0.1/hook",                # octal
    "https://017700000001/hook",              # octal, one number
    "https://127.1/hook",                     # short form
    "https://0x7f.1/hook",                    # mixed
    "https://3232235521/hook",                # decimal 192.168.0.1
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrlError, match="refused"):
        check_target(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/",
                                 "https:///nohost", "https://example.com:99999/", "gopher://127.0.0.1/"])
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        check_target(url, allow_private=False)


def test_plain_http_needs_the_private_setting() -> None:
    with pytest.raises(UnsafeUrlError, match="https"):
        check_target("http://93.184.216.34/hook", allow_private=False)


def test_a_public_address_is_allowed_and_pinned() -> None:
    target = check_target("https://93.184.216.34:8443/in?x=1", allow_private=False)
    assert (target.address, target.port, target.path, target.host) == ("93.184.216.34", 8443, "/in?x=1",
                                                                       "93.184.216.34")


def test_the_setting_allows_a_local_receiver() -> None:
    target = check_target("http://127.0.0.1:8080/hook", allow_private=True)
    assert target.address == "127.0.0.1"
    assert check_target("http://2130706433/hook", allow_private=True).address == "127.0.0.1"


def test_delivery_checks_again_and_does_not_connect() -> None:
    # The check runs at every attempt: a subscription stored while the setting was on is refused
    # once it is off, before any connection.
    result = post("https://127.0.0.1:9/hook", "whsec_" + "A" * 44, "msg_1", b"{}", allow_private=False,
                  timeout_s=1, now=dt.datetime.now(dt.UTC))
    assert result.refused and not result.ok and "refused" in (result.error or "")
