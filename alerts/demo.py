"""Alerts in `make demo`: sample subscriptions, a local webhook receiver, and what they produced.

    demo = DemoAlerts(svc.store)
    demo.start()                 # receiver on 127.0.0.1, team "demo", the sample subscriptions
    ... replay the versions (the "alerts" processor queues alerts as change sets appear) ...
    rows = demo.finish()         # match change sets stored before the subscriptions, deliver, report
    demo.stop()

Each run replaces the previous run's demo subscriptions (their webhook pointed at that run's
receiver) and matches every stored change set for the new ones, so a second `make demo`, which
stores nothing new, still shows what the replayed versions produce.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.deliver import deliver
from alerts.model import new_webhook_secret
from alerts.pipeline import match_change_set
from alerts.receiver import WebhookReceiver
from alerts.search_match import BackendFactory, embedded_scratch
from exportwatch import accounts
from exportwatch.errors import NotFoundError
from indexer.changes import chain, source_ids
from indexer.store import Store

TEAM = "demo"


def sample_specs(webhook_url: str, secret: str) -> list[dict[str, Any]]:
    hook = {"kind": "webhook", "url": webhook_url, "secret": secret}
    return [
        {"name": "3A001 everywhere", "spec": {"kind": "code", "jurisdiction": "eu", "codes": ["3A001"],
                                              "include_equivalents": True}, "channels": [hook, {"kind": "feed"}]},
        {"name": "us 9A012 immediate webhook",
         "spec": {"kind": "code", "jurisdiction": "us", "codes": ["9A012"]},
         "channels": [hook]},
        {"name": "saved search: unmanned aerial vehicle",
         "spec": {"kind": "search", "query": "unmanned aerial vehicle"},
         "channels": [hook, {"kind": "feed"}]},
        {"name": "term: technology", "spec": {"kind": "term", "term": "technology"}, "channels": [{"kind": "feed"}]},
    ]


def demo_team(store: Store) -> int:
    try:
        return accounts.team(store, TEAM).id
    except NotFoundError:
        return accounts.create_team(store, TEAM).id


def create_sample_subscriptions(store: Store, team_id: int, webhook_url: str, secret: str,
                                settings: AlertSettings) -> list[subs.Subscription]:
    """Stop the team's previous sample subscriptions and create fresh ones."""
    for old in subs.list_subscriptions(store, team_id=team_id):
        subs.delete(store, old.id, team_id=team_id)
    return [subs.create(store, team_id, subs.parse_input(spec), settings) for spec in sample_specs(webhook_url, secret)]


def backfill(store: Store, subscriptions: list[subs.Subscription], settings: AlertSettings,
             factory: BackendFactory = embedded_scratch) -> int:
    """Match every stored change set for `subscriptions` (idempotent); returns new alerts."""
    new = 0
    for sid in source_ids(store):
        for _a, _b, cs in chain(store, sid):
            if cs is not None:
                new += match_change_set(store, cs, factory=factory, settings=settings, source_names={},
                                        subscriptions=subscriptions).new_alerts
    return new


def summary(store: Store, subscriptions: list[subs.Subscription], receiver: WebhookReceiver | None = None
            ) -> list[dict[str, Any]]:
    """Per sample subscription: alerts, messages delivered, what the receiver verified, an example."""
    rows = []
    received: dict[int, int] = {}
    if receiver is not None:
        for r in receiver.state.received:
            for alert in r.body.get("alerts", []):
                sid = int(alert["subscription"]["id"])
                received[sid] = received.get(sid, 0) + 1
    for sub in subscriptions:
        alerts = store.db.execute("SELECT count(*), min(json_extract(payload, '$.change.summary')) FROM alerts"
                                  " WHERE subscription_id=?", (sub.id,)).fetchone()
        by_source = {r[0]: r[1] for r in store.db.execute(
            "SELECT cs.source_id, count(*) FROM alerts a JOIN change_sets cs ON cs.id = a.change_set_id"
            " WHERE a.subscription_id=? GROUP BY cs.source_id ORDER BY cs.source_id", (sub.id,))}
        delivered = store.db.execute(
            "SELECT count(*) FROM outbox o JOIN alert_channels c ON c.id = o.channel_id"
            " WHERE c.subscription_id=? AND o.status='delivered'", (sub.id,)).fetchone()[0]
        rows.append({"subscription": sub.name, "kind": sub.kind, "alerts": alerts[0], "by_source": by_source,
                     "messages_delivered": delivered, "received_by_webhook": received.get(sub.id, 0),
                     "channels": [c.kind for c in sub.channels], "example": alerts[1] or ""})
    return rows


class DemoAlerts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.secret = new_webhook_secret()
        self.receiver = WebhookReceiver(self.secret)
        # The demo's receiver listens on loopback: allow it, for this demo only.
        self.settings = dataclasses.replace(AlertSettings.from_env(), allow_private=True)
        self.subscriptions: list[subs.Subscription] = []

    def start(self) -> list[subs.Subscription]:
        self.receiver.start()
        self.subscriptions = create_sample_subscriptions(self.store, demo_team(self.store), self.receiver.url,
                                                         self.secret, self.settings)
        return self.subscriptions

    def finish(self) -> list[dict[str, Any]]:
        backfill(self.store, self.subscriptions, self.settings)
        deliver(self.store, self.settings)
        return summary(self.store, self.subscriptions, self.receiver)

    def stop(self) -> None:
        self.receiver.stop()
