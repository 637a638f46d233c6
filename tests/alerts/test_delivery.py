"""Delivery through the outbox to a real local webhook receiver (an HTTP server that verifies
Standard Webhooks signatures): idempotent matching, once per subscriber, retries with backoff in
order and with the same ids, Retry-After, dead-letter, 410, no redirects (RELIABILITY.md 10-11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.deliver import backoff_s, deliver
from alerts.model import new_webhook_secret
from alerts.outbox import build_digests, outbox_rows
from alerts.pipeline import match_change_set
from alerts.receiver import WebhookReceiver
from alerts.search_match import embedded_scratch
from alerts.webhook import sign, verify
from indexer.changes import ChangeSetRow
from indexer.store import Store
from tests.alerts.builder import make_team
from tests.alerts.conftest import FakeClock

SECRET = new_webhook_secret()


@pytest.fixture
def receiver(clock: FakeClock) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET, clock=clock.timestamp) as r:
        yield r


def subscribe(store: Store, settings: AlertSettings, url: str, spec: dict[str, object], *, name: str = "s",
              frequency: str = "immediate", team: int | None = None, significance: str = "substantive",
              now: dt.datetime | None = None) -> subs.Subscription:
    team_id = team or make_team(store, f"team-{name}")
    data = subs.parse_input({"name": name, "spec": spec, "frequency": frequency, "significance": significance,
                             "channels": [{"kind": "webhook", "url": url, "secret": SECRET}]})
    return subs.create(store, team_id, data, settings, now=now)


def match(store: Store, cs: ChangeSetRow, settings: AlertSettings, now: dt.datetime | None = None) -> int:
    return match_change_set(store, cs, factory=embedded_scratch, settings=settings, source_names={},
                            now=now).new_alerts


US_9A012 = {"kind": "code", "jurisdiction": "us", "codes": ["9A012"]}


def test_same_change_matched_twice_or_after_restart_is_delivered_once(
        store: Store, change_set: ChangeSetRow, settings: AlertSettings, receiver: WebhookReceiver,
        clock: FakeClock) -> None:
    subscribe(store, settings, receiver.url, US_9A012, name="a")
    subscribe(store, settings, receiver.url, US_9A012, name="b")
    # 9A012.a.2 amended, 9A012.a.5 added, 9A012.a.4 removed: 3 changes x 2 subscribers.
    assert match(store, change_set, settings, clock()) == 6
    assert match(store, change_set, settings, clock()) == 0  # a second ingest run: nothing new
    report = deliver(store, settings, now=clock)
    assert report.delivered == 6 and report.failed == 0
    # A restart: a new connection to the same store, matching and delivering again.
    path = store.path
    store.close()
    again = Store(path)
    try:
        assert match(again, change_set, settings, clock()) == 0
        assert deliver(again, settings, now=clock).attempted == 0
    finally:
        again.close()
    ids = receiver.state.ids
    assert len(ids) == 6 and len(set(ids)) == 6
    entries = sorted((r.body["alerts"][0]["subscription"]["name"], r.body["alerts"][0]["change"]["entry_id"])
                     for r in receiver.state.received)
    assert entries == sorted((s, e) for s in "ab" for e in ("us:9A012.a.2", "us:9A012.a.4", "us:9A012.a.5"))


def test_alert_content_says_what_where_redline_parameters_equivalents_links(
        store: Store, change_set: ChangeSetRow, settings: AlertSettings, receiver: WebhookReceiver,
        clock: FakeClock) -> None:
    subscribe(store, settings, receiver.url, {"kind": "code", "jurisdiction": "wa", "codes": ["3.A.1.b"],
                                              "include_equivalents": True})
    assert match(store, change_set, settings, clock()) == 1
    deliver(store, settings, now=clock)
    [got] = receiver.state.received
    alert = got.body["alerts"][0]
    change = alert["change"]
    assert alert["reason"] == "code wa:3.A.1.b everywhere (same regime control 3A001.b in us)"
    assert change["entry_id"] == "us:3A001.b" and change["kind"] == "amended"
    assert change["source"]["id"] == "us-ecfr-ccl"
    assert (change["from_version"]["date"], change["to_version"]["date"]) == ("2026-06-25", "2026-09-01")
    assert "[-312-]" in change["redline"] and "{+100+}" in change["redline"]
    assert change["parameters"] == ["time: < 312 ps -> < 100 ps"]
    assert {e["entry_id"] for e in change["equivalents"]} == {"eu:3A001.b", "wa:3.A.1.b"}
    assert change["links"]["source_documents"] == [
        "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?part=774"]
    assert change["links"]["entry"] == "https://exportwatch.example/entries/us:3A001.b"
    assert change["citation"].startswith("Commerce Control List (test), 3A001.b, version of 2026-09-01.")
    assert got.webhook_id == alert_message_id(store)


def alert_message_id(store: Store) -> str:
    return str(store.db.execute("SELECT message_id FROM outbox").fetchone()[0])


def test_receiver_down_for_hours_gets_everything_later_in_order_with_the_same_ids(
        store: Store, change_set: ChangeSetRow, settings: AlertSettings, receiver: WebhookReceiver,
        clock: FakeClock) -> None:
    subscribe(store, settings, receiver.url, {"kind": "source", "sources": ["us-ecfr-ccl"]},
              significance="all")
    assert match(store, change_set, settings, clock()) == 5
    queued = [r.message_id for r in reversed(outbox_rows(store))]
    receiver.state.status = 503
    waits = []
    for _ in range(6 * 12):  # every 5 minutes for 6 hours
        deliver(store, settings, now=clock, rng=lambda: 0.5)
        channel = store.db.execute("SELECT failures, next_attempt_at FROM alert_channels").fetchone()
        waits.append(channel["failures"])
        clock.advance(minutes=5)
    # Only the head message was tried (order is kept), with exponential backoff: with the jitter
    # at its middle, waits of 45 s, 90 s, 3, 6, 12, 24 min, then 45 min (3/4 of the one-hour cap);
    # on a 5-minute tick that is 13 attempts in 6 hours, not 72.
    attempts = receiver.state.attempts
    assert set(attempts) == {queued[0]}
    assert len(attempts) == 13
    assert waits == sorted(waits)
    receiver.state.status = 200
    clock.advance(hours=1)
    report = deliver(store, settings, now=clock)
    assert report.delivered == 5
    assert receiver.state.ids == queued  # all of them, in the order they were queued, same ids
    assert all(r.status == "delivered" for r in outbox_rows(store))


def test_backoff_is_exponential_capped_and_jittered() -> None:
    s = AlertSettings(backoff_base_s=30, backoff_max_s=3600)
    assert [backoff_s(n, s, rng=lambda: 1.0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_s(20, s, rng=lambda: 1.0) == 3600
    assert backoff_s(3, s, rng=lambda: 0.0) == 60  # half fixed, half random
    assert len({backoff_s(5, s) for _ in range(20)}) > 1


def test_retry_after_is_honoured(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                 receiver: WebhookReceiver, clock: FakeClock) -> None:
    subscribe(store, settings, receiver.url, US_9A012)
    match(store, change_set, settings, clock())
    receiver.state.status, receiver.state.retry_after = 429, "7200"
    assert deliver(store, settings, now=clock).failed == 1
    receiver.state.status, receiver.state.retry_after = 200, None
    clock.advance(minutes=119)
    assert deliver(store, settings, now=clock).attempted == 0  # still inside Retry-After
    clock.advance(minutes=2)
    assert deliver(store, settings, now=clock).delivered == 3


def test_dead_letter_after_the_configured_age(store: Store, change_set: ChangeSetRow, receiver: WebhookReceiver,
                                              clock: FakeClock) -> None:
    settings = AlertSettings(allow_private=True, dead_after_s=2 * 3600, backoff_base_s=60, backoff_max_s=600)
    subscribe(store, settings, receiver.url, US_9A012)
    match(store, change_set, settings, clock())
    receiver.state.status = 500
    for _ in range(40):
        deliver(store, settings, now=clock)
        clock.advance(minutes=10)
    rows = outbox_rows(store)
    assert {r.status for r in rows} == {"dead"}
    assert all("dead-lettered after" in (r.last_error or "") for r in rows)


def test_gone_disables_the_endpoint(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                    receiver: WebhookReceiver, clock: FakeClock) -> None:
    sub = subscribe(store, settings, receiver.url, US_9A012)
    match(store, change_set, settings, clock())
    receiver.state.status = 410
    report = deliver(store, settings, now=clock)
    assert report.attempted == 1 and report.dead == 3
    channel = subs.get(store, sub.id).channels[0]
    assert channel.disabled_at is not None and "410" in (channel.disabled_reason or "")
    receiver.state.status = 200
    clock.advance(days=1)
    assert deliver(store, settings, now=clock).attempted == 0


def test_redirects_are_not_followed(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                    clock: FakeClock) -> None:
    with WebhookReceiver(SECRET, clock=clock.timestamp) as target, \
            WebhookReceiver(SECRET, clock=clock.timestamp) as redirector:
        redirector.state.status, redirector.state.location = 307, target.url
        subscribe(store, settings, redirector.url, US_9A012)
        match(store, change_set, settings, clock())
        report = deliver(store, settings, now=clock)
        assert report.failed == 1 and "307" in report.errors[0] and "redirect not followed" in report.errors[0]
        assert target.state.attempts == []


def test_receiver_rejects_stale_timestamps_and_bad_signatures(
        store: Store, change_set: ChangeSetRow, settings: AlertSettings, receiver: WebhookReceiver,
        clock: FakeClock) -> None:
    subscribe(store, settings, receiver.url, US_9A012)
    match(store, change_set, settings, clock())
    stale = FakeClock(clock() - dt.timedelta(minutes=10))  # our clock 10 minutes behind the receiver's
    report = deliver(store, settings, now=stale)
    assert report.failed == 1 and receiver.state.received == [] and len(receiver.state.rejected) == 1
    # The signature scheme itself: id.timestamp.body, v1,<base64>; any change breaks it.
    body, ts = b'{"a":1}', int(clock.timestamp())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(ts),
               "webhook-signature": sign(SECRET, "msg_1", ts, body)}
    assert verify(SECRET, headers, body, now=ts)
    assert not verify(SECRET, headers, b'{"a":2}', now=ts)
    assert not verify(SECRET, {**headers, "webhook-id": "msg_2"}, body, now=ts)
    assert not verify(new_webhook_secret(), headers, body, now=ts)
    assert not verify(SECRET, headers, body, now=ts + 301)  # a replay after five minutes


def test_editorial_changes_alert_only_when_asked(store: Store, change_set: ChangeSetRow, settings: AlertSettings,
                                                 receiver: WebhookReceiver, clock: FakeClock) -> None:
    spec = {"kind": "code", "jurisdiction": "us", "codes": ["5A002"]}
    subscribe(store, settings, receiver.url, spec, name="default")
    subscribe(store, settings, receiver.url, spec, name="everything", significance="all")
    assert match(store, change_set, settings, clock()) == 1
    deliver(store, settings, now=clock)
    [got] = receiver.state.received
    assert got.body["alerts"][0]["subscription"]["name"] == "everything"
    assert got.body["alerts"][0]["change"]["significance"] == "editorial"


def test_daily_digest_batches_a_period_into_one_message(store: Store, change_set: ChangeSetRow,
                                                        settings: AlertSettings, receiver: WebhookReceiver,
                                                        clock: FakeClock) -> None:
    clock.now = dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC)
    subscribe(store, settings, receiver.url, {"kind": "source", "jurisdictions": ["us"]}, frequency="daily",
              now=clock())
    assert match(store, change_set, settings, clock()) == 4
    assert deliver(store, settings, now=clock).attempted == 0  # the day is not over
    clock.now = dt.datetime(2026, 9, 3, 0, 5, tzinfo=dt.UTC)
    assert deliver(store, settings, now=clock).delivered == 1
    assert build_digests(store, clock()) == 0  # batched once
    [got] = receiver.state.received
    assert got.body["period"] == "2026-09-02"
    assert [a["change"]["entry_id"] for a in got.body["alerts"]] == [
        "us:3A001.b", "us:9A012.a.2", "us:9A012.a.5", "us:9A012.a.4"]
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
