"""The Atom feed of a subscription (RFC 4287): its newest alerts, public to whoever holds the
feed token (feed readers cannot send API keys)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lxml import etree

from alerts.content import render_text
from alerts.outbox import subscription_alerts
from alerts.subscriptions import Subscription
from indexer.store import Store

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _rfc3339(value: str) -> str:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom_feed(store: Store, sub: Subscription, base_url: str) -> bytes:
    alerts = subscription_alerts(store, sub.id, FEED_ENTRIES)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _el(feed, "id", f"tag:exportwatch,2026:subscription:{sub.id}:{sub.created_at[:10]}")
    _el(feed, "title", f"ExportWatch: {sub.name}")
    _el(feed, "updated", _rfc3339(alerts[0][0] if alerts else sub.created_at))
    author = _el(feed, "author")
    _el(author, "name", "ExportWatch")
    _el(feed, "link", rel="self", type="application/atom+xml", href=f"{base_url}/api/feeds/{sub.feed_token}.atom")
    _el(feed, "generator", "ExportWatch")
    for matched_at, payload in alerts:
        _entry(feed, matched_at, payload)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _entry(feed: etree._Element, matched_at: str, payload: dict[str, Any]) -> None:
    change = payload["change"]
    entry = _el(feed, "entry")
    _el(entry, "id", f"urn:exportwatch:alert:{payload['alert_id']}")
    _el(entry, "title", f"{change['source']['id']}: {change['summary']}"[:300])
    _el(entry, "updated", _rfc3339(matched_at))
    _el(entry, "published", _rfc3339(matched_at))
    _el(entry, "link", rel="alternate", type="text/html", href=change["links"]["entry"])
    for url in change["links"]["source_documents"]:
        _el(entry, "link", rel="related", href=url)
    _el(entry, "category", term=change["kind"], label=f"{change['kind']} ({change['significance']})")
    _el(entry, "summary", change["summary"])
    _el(entry, "content", render_text([payload]), type="text")
