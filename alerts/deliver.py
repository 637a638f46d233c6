"""Delivery: send what the outbox holds, at least once, in order per channel.

As Alertmanager does: a message is marked delivered only after the receiver accepted it, so a
crash between sending and recording sends it again (once, with the same id: the receiver's dedup
key) and never loses it. Per channel, messages go out oldest first and a failure stops the
channel until its retry time: a receiver down for hours gets everything later, in order.
Retries back off exponentially with jitter (EXPORTWATCH_ALERT_BACKOFF_BASE/MAX); a Retry-After
header is honoured (up to 24 h); a message failing after EXPORTWATCH_ALERT_DEAD_AFTER_HOURS is
dead-lettered; a 410 disables the endpoint and dead-letters what it still had queued.

The clock is injectable (`now`) so tests can move through hours of downtime without sleeping.
Checkpoints armed by EXPORTWATCH_FAULT_KILL_AT ("alerts-claimed", "alerts-sent") let crash tests
SIGKILL the process at the worst moments.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from alerts.config import AlertSettings
from alerts.email_channel import send_email
from alerts.outbox import build_digests, message_alerts
from alerts.subscriptions import ChannelRow, channel_row, now_iso
from alerts.webhook import SendResult, post
from indexer.store import Store

Clock = Callable[[], dt.datetime]
_KILL_AT = "EXPORTWATCH_FAULT_KILL_AT"
LEASE_S = 300.0  # a claimed message is another deliverer's again after this (a crashed one's)


def _checkpoint(name: str) -> None:
    if os.environ.get(_KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class DeliveryReport:
    digests: int = 0
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    channels_waiting: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"digests": self.digests, "attempted": self.attempted, "delivered": self.delivered,
                "failed": self.failed, "dead": self.dead, "channels_waiting": self.channels_waiting,
                "errors": self.errors}


def backoff_s(failures: int, settings: AlertSettings, rng: Callable[[], float] = random.random) -> float:
    """Exponential, capped, with "equal jitter": half fixed, half random, so retries of many
    channels that failed together spread out instead of returning at once."""
    delay = min(settings.backoff_max_s, settings.backoff_base_s * 2.0 ** max(0, failures - 1))
    return float(delay / 2 + rng() * delay / 2)


def payload_body(message_id: str, period: str | None, alerts: list[dict[str, Any]]) -> bytes:
    """The webhook body: deterministic bytes (the same on every retry)."""
    body = {"type": "exportwatch.alerts", "message_id": message_id, "period": period, "alerts": alerts}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _send(channel: ChannelRow, row: Any, alerts: list[dict[str, Any]], settings: AlertSettings,
          now: dt.datetime) -> SendResult:
    if channel.kind == "webhook":
        return post(channel.target, channel.secret or "", row["message_id"],
                    payload_body(row["message_id"], row["period"], alerts),
                    allow_private=settings.allow_private, timeout_s=settings.timeout_s, now=now)
    if channel.kind == "email":
        return send_email(settings, channel.target, row["message_id"], alerts, row["period"])
    return SendResult(False, error=f"channel kind {channel.kind} is not sent", refused=True)


def deliver(store: Store, settings: AlertSettings | None = None, *, now: Clock = utcnow,
            rng: Callable[[], float] = random.random, max_messages: int | None = None,
            workers: int | None = None) -> DeliveryReport:
    """One delivery pass over every channel with messages due. Channels are independent (order
    is kept within each), so up to `workers` (EXPORTWATCH_ALERT_DELIVERY_WORKERS) are served at
    once, each thread on its own store connection; with a message limit, one at a time."""
    settings = settings or AlertSettings.from_env()
    report = DeliveryReport(digests=build_digests(store, now()))
    channel_ids = [r[0] for r in store.db.execute(
        "SELECT channel_id FROM outbox WHERE status IN ('pending', 'retrying') GROUP BY channel_id ORDER BY min(id)")]
    workers = settings.delivery_workers if workers is None else workers
    if workers <= 1 or max_messages is not None or len(channel_ids) <= 1:
        _deliver_channels(store, channel_ids, settings, now, rng, report, max_messages)
        return report
    shares = [channel_ids[i::workers] for i in range(workers)]

    def work(ids: list[int]) -> DeliveryReport:
        part = DeliveryReport()
        with Store(store.path) as own:  # a SQLite connection belongs to the thread that opened it
            _deliver_channels(own, ids, settings, now, rng, part, None)
        return part

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="deliver") as pool:
        for part in pool.map(work, [ids for ids in shares if ids]):
            for name in ("attempted", "delivered", "failed", "dead", "channels_waiting"):
                setattr(report, name, getattr(report, name) + getattr(part, name))
            report.errors += part.errors
    return report


def _deliver_channels(store: Store, channel_ids: list[int], settings: AlertSettings, now: Clock,
                      rng: Callable[[], float], report: DeliveryReport, max_messages: int | None) -> None:
    for channel_id in channel_ids:
        if max_messages is not None and report.attempted >= max_messages:
            break
        row = store.db.execute("SELECT * FROM alert_channels WHERE id=?", (channel_id,)).fetchone()
        channel = channel_row(row)
        if channel.disabled_at is not None:
            report.dead += _dead_letter_channel(store, channel, now())
            continue
        if channel.next_attempt_at is not None and channel.next_attempt_at > now_iso(now()):
            report.channels_waiting += 1
            continue
        _deliver_channel(store, channel, settings, now, rng, report, max_messages)


def _deliver_channel(store: Store, channel: ChannelRow, settings: AlertSettings, now: Clock,
                     rng: Callable[[], float], report: DeliveryReport, max_messages: int | None) -> None:
    while max_messages is None or report.attempted < max_messages:
        at = now()
        stamp = now_iso(at)
        row = store.db.execute(
            "SELECT * FROM outbox WHERE channel_id=? AND status IN ('pending', 'retrying') ORDER BY id LIMIT 1",
            (channel.id,)).fetchone()
        if row is None:
            return
        if row["lease_until"] is not None and row["lease_until"] > stamp:
            return  # another deliverer holds the head of this channel: keep the order
        with store.transaction() as db:
            claimed = db.execute(
                "UPDATE outbox SET lease_until=?, attempts=attempts+1, last_attempt_at=? WHERE id=? AND"
                " status IN ('pending', 'retrying') AND (lease_until IS NULL OR lease_until <= ?)",
                (now_iso(at + dt.timedelta(seconds=LEASE_S)), stamp, row["id"], stamp)).rowcount
        if claimed != 1:
            return
        _checkpoint("alerts-claimed")
        alerts = message_alerts(store, row["id"])
        started = time.monotonic()
        result = _send(channel, row, alerts, settings, at)
        seconds = round(time.monotonic() - started, 3)
        _checkpoint("alerts-sent")  # sent, not yet recorded: a crash here means one resend
        report.attempted += 1
        done = now()
        if result.ok:
            _record_success(store, channel, row["id"], done, result, seconds)
            report.delivered += 1
            continue
        report.failed += 1
        report.errors.append(f"{row['message_id']} via {channel.describe()}: {result.error}")
        dead = _record_failure(store, channel, row, done, result, seconds, settings, rng)
        report.dead += dead
        if result.gone:
            return
        return  # the head failed: the rest of this channel waits for its retry, in order


def _record_success(store: Store, channel: ChannelRow, outbox_id: int, at: dt.datetime, result: SendResult,
                    seconds: float) -> None:
    stamp = now_iso(at)
    with store.transaction() as db:
        db.execute("UPDATE outbox SET status='delivered', delivered_at=?, lease_until=NULL, last_error=NULL"
                   " WHERE id=?", (stamp, outbox_id))
        db.execute("UPDATE alert_channels SET failures=0, next_attempt_at=NULL WHERE id=?", (channel.id,))
        db.execute("INSERT INTO delivery_attempts(outbox_id, attempted_at, outcome, http_status, error, seconds)"
                   " VALUES (?, ?, 'delivered', ?, NULL, ?)", (outbox_id, stamp, result.status, seconds))


def _record_failure(store: Store, channel: ChannelRow, row: Any, at: dt.datetime, result: SendResult,
                    seconds: float, settings: AlertSettings, rng: Callable[[], float]) -> int:
    stamp = now_iso(at)
    age = (at - dt.datetime.fromisoformat(row["created_at"])).total_seconds()
    outcome = "gone" if result.gone else "refused" if result.refused else "failed"
    dead = result.gone or age >= settings.dead_after_s
    failures = channel.failures + 1
    wait = backoff_s(failures, settings, rng)
    if result.retry_after_s is not None:
        wait = max(wait, result.retry_after_s)
    n_dead = 0
    with store.transaction() as db:
        db.execute("INSERT INTO delivery_attempts(outbox_id, attempted_at, outcome, http_status, error, seconds)"
                   " VALUES (?, ?, ?, ?, ?, ?)", (row["id"], stamp, outcome, result.status, result.error, seconds))
        error = result.error if not dead or result.gone else (
            f"dead-lettered after {age / 3600:.1f} h undelivered: {result.error}")
        db.execute("UPDATE outbox SET status=?, lease_until=NULL, last_error=? WHERE id=?",
                   ("dead" if dead else "retrying", error, row["id"]))
        n_dead += int(dead)
        if result.gone:
            db.execute("UPDATE alert_channels SET disabled_at=?, disabled_reason=? WHERE id=?",
                       (stamp, result.error, channel.id))
        else:
            db.execute("UPDATE alert_channels SET failures=?, next_attempt_at=? WHERE id=?",
                       (failures, now_iso(at + dt.timedelta(seconds=wait)), channel.id))
    if result.gone:
        n_dead += _dead_letter_channel(store, channel, at)
    return n_dead


def _dead_letter_channel(store: Store, channel: ChannelRow, at: dt.datetime) -> int:
    """A disabled endpoint's queued messages: dead, with the reason."""
    reason = store.db.execute("SELECT disabled_reason FROM alert_channels WHERE id=?", (channel.id,)).fetchone()[0]
    with store.transaction() as db:
        return db.execute("UPDATE outbox SET status='dead', lease_until=NULL, last_error=? WHERE channel_id=? AND"
                          " status IN ('pending', 'retrying')",
                          (f"endpoint disabled: {reason or 'disabled'}", channel.id)).rowcount
