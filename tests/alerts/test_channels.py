"""E-mail through a real local SMTP server (aiosmtpd) and the Atom feed, parsed with lxml."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from lxml import etree

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.deliver import deliver
from alerts.feed import ATOM, atom_feed
from indexer.changes import ChangeSetRow
from indexer.store import Store
from tests.alerts.builder import make_team
from tests.alerts.conftest import FakeClock
from tests.alerts.test_delivery import match


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 try again later"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as s:  # aiosmtpd checks its server by connecting to the port it was given
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_email_alert_over_smtp(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                               smtp: tuple[Inbox, int], clock: FakeClock) -> None:
    inbox, port = smtp
    mail_settings = replace(settings, smtp_port=port, smtp_from="alerts@exportwatch.example")
    data = subs.parse_input({"name": "UAV endurance", "spec": {"kind": "code", "jurisdiction": "us",
                                                                "codes": ["9A012.a.2"]},
                             "channels": [{"kind": "email", "address": "compliance@example.com"}]})
    subs.create(store, make_team(store), data, mail_settings)
    assert match(store, change_set, mail_settings, clock()) == 1
    inbox.refuse = True  # the server says "try later": a failed attempt, retried
    assert deliver(store, mail_settings, now=clock).failed == 1
    inbox.refuse = False
    clock.advance(hours=1)
    assert deliver(store, mail_settings, now=clock).delivered == 1
    [msg] = inbox.messages
    msg_id = store.db.execute("SELECT message_id FROM outbox").fetchone()[0]
    assert msg["Message-ID"] == f"<{msg_id}@exportwatch>"
    assert msg["To"] == "compliance@example.com" and msg["From"] == "alerts@exportwatch.example"
    assert msg["Subject"].startswith("[ExportWatch] UAV endurance: 9A012.a.2 amended")
    body = msg.get_content()
    assert "parameter: time: >= 1 hour -> >= 3 hours" in body
    assert "[-1 hour-]" in body and "{+3 hours+}" in body
    assert "us:9A012.a.2 (us-ecfr-ccl, 2026-06-25 -> 2026-09-01)" in body
    assert "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?part=774" in body


def test_atom_feed_is_valid_and_complete(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                         clock: FakeClock) -> None:
    data = subs.parse_input({"name": "3A001 everywhere", "spec": {"kind": "code", "jurisdiction": "eu",
                                                                   "codes": ["3A001"], "include_equivalents": True},
                             "channels": [{"kind": "feed"}]})
    sub = subs.create(store, make_team(store), data, settings)
    assert match(store, change_set, settings, clock()) == 1
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0  # a feed is read, not sent
    xml = atom_feed(store, subs.by_feed_token(store, sub.feed_token), settings.base_url)
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.findtext(required, namespaces=ns), required
    self_link = root.find("a:link[@rel='self']", ns)
    assert self_link is not None and self_link.get("href", "").endswith(f"/api/feeds/{sub.feed_token}.atom")
    [entry] = root.findall("a:entry", ns)
    for required in ("a:id", "a:title", "a:updated", "a:summary", "a:content"):
        assert entry.findtext(required, namespaces=ns), required
    assert entry.findtext("a:id", namespaces=ns).startswith("urn:exportwatch:alert:")
    assert entry.findtext("a:title", namespaces=ns).startswith("us-ecfr-ccl: 3A001.b amended")
    assert entry.find("a:link[@rel='alternate']", ns).get("href") == "https://exportwatch.example/entries/us:3A001.b"
    assert "equivalents: eu:3A001.b, wa:3.A.1.b" in entry.findtext("a:content", namespaces=ns)
    with pytest.raises(Exception, match="no such feed"):
        subs.by_feed_token(store, "not-a-token")
