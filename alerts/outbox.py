"""The durable outbox: alerts (one per subscription and change) and the messages that carry them
(one per channel: an alert of an immediate subscription, or a digest period's alerts).

Idempotent by construction. An alert's key is sha256(subscription id, change set id, seq) and
unique, and its messages are written in the same transaction, so matching a change set again (a
second ingest run, a restart, `reprocess --force`) adds nothing. A message's id is derived from
its channel and content and never changes: it is the `webhook-id` and e-mail Message-ID of every
attempt, the receiver's dedup key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alerts.matching import Match
from alerts.subscriptions import now_iso
from exportwatch.errors import StoreError
from indexer.store import Store

STATUSES = ("pending", "retrying", "delivered", "dead")
SENDING_CHANNELS = ("email", "webhook")  # feeds are read, not sent


def alert_key(subscription_id: int, change_set_id: int, seq: int) -> str:
    return hashlib.sha256(f"alert\n{subscription_id}\n{change_set_id}\n{seq}".encode()).hexdigest()


def message_id(channel_id: int, content_key: str) -> str:
    """`msg_` + 32 hex digits: stable, unique per channel and content, no secret in it."""
    return "msg_" + hashlib.sha256(f"message\n{channel_id}\n{content_key}".encode()).hexdigest()[:32]


def record_matches(store: Store, matches: Sequence[Match], payloads: Sequence[dict[str, Any]],
                   now: dt.datetime | None = None) -> int:
    """Store alerts (and, for immediate subscriptions, their messages) in one transaction; returns
    how many alerts were new. `payloads[i]` is the content of `matches[i]`'s change."""
    created = now_iso(now)
    new = 0
    try:
        with store.transaction() as db:
            for match, change_content in zip(matches, payloads, strict=True):
                sub, change = match.subscription, match.change
                key = alert_key(sub.id, change.change_set.id, change.seq)
                payload = {"alert_id": key, "reason": match.reason,
                           "subscription": {"id": sub.id, "name": sub.name, "frequency": sub.frequency},
                           "change": change_content}
                cur = db.execute(
                    "INSERT OR IGNORE INTO alerts(key, subscription_id, change_set_id, seq, entry_id, reason,"
                    " matched_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, sub.id, change.change_set.id, change.seq, change.entry_id, match.reason, created,
                     json.dumps(payload, ensure_ascii=False, sort_keys=True)))
                if cur.rowcount != 1:
                    continue
                new += 1
                alert_id = int(cur.lastrowid or 0)
                if sub.frequency != "immediate":
                    continue  # batched by build_digests when its period closes
                for channel in sub.channels:
                    if channel.kind in SENDING_CHANNELS and channel.disabled_at is None:
                        _enqueue(db, channel.id, message_id(channel.id, key), None, [alert_id], created)
    except sqlite3.Error as exc:
        raise StoreError(f"store {store.path}: cannot record alerts: {exc}") from exc
    return new


def _enqueue(db: sqlite3.Connection, channel_id: int, msg_id: str, period: str | None, alert_ids: list[int],
             created: str) -> None:
    cur = db.execute("INSERT OR IGNORE INTO outbox(message_id, channel_id, period, status, created_at)"
                     " VALUES (?, ?, ?, 'pending', ?)", (msg_id, channel_id, period, created))
    if cur.rowcount != 1:
        return
    outbox_id = int(cur.lastrowid or 0)
    db.executemany("INSERT OR IGNORE INTO outbox_alerts(outbox_id, alert_id, channel_id) VALUES (?, ?, ?)",
                   [(outbox_id, a, channel_id) for a in alert_ids])


def period_of(frequency: str, at: dt.datetime) -> tuple[str, dt.datetime]:
    """The digest period holding `at` (UTC) and when it ends: a day, or an ISO week from Monday."""
    at = at.astimezone(dt.UTC)
    day = dt.datetime(at.year, at.month, at.day, tzinfo=dt.UTC)
    if frequency == "daily":
        return day.date().isoformat(), day + dt.timedelta(days=1)
    start = day - dt.timedelta(days=at.weekday())
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}", start + dt.timedelta(days=7)


def build_digests(store: Store, now: dt.datetime | None = None) -> int:
    """Batch the alerts of daily/weekly subscriptions into one message per channel and closed
    period; returns the number of messages created. Safe to run at any time and any number of
    times: an alert joins one message per channel, and only periods that have ended are batched
    (after downtime, every ended period is batched, each into its own message)."""
    now = now or dt.datetime.now(dt.UTC)
    created = now_iso(now)
    rows = store.db.execute(
        "SELECT a.id AS alert_id, a.matched_at, s.frequency, c.id AS channel_id FROM alerts a"
        " JOIN subscriptions s ON s.id = a.subscription_id"
        " JOIN alert_channels c ON c.subscription_id = s.id"
        " WHERE s.frequency IN ('daily', 'weekly') AND c.kind IN ('email', 'webhook') AND c.disabled_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM outbox_alerts oa WHERE oa.channel_id = c.id AND oa.alert_id = a.id)"
        " ORDER BY c.id, a.id").fetchall()
    batches: dict[tuple[int, str], list[int]] = {}
    for r in rows:
        period, end = period_of(r["frequency"], dt.datetime.fromisoformat(r["matched_at"]))
        if end <= now:
            batches.setdefault((r["channel_id"], period), []).append(r["alert_id"])
    if not batches:
        return 0
    with store.transaction() as db:
        for (channel_id, period), alert_ids in batches.items():
            # Keyed by the first alert too: alerts matched late into a period already sent make a
            # second message, never vanish into a delivered one.
            _enqueue(db, channel_id, message_id(channel_id, f"digest\n{period}\n{alert_ids[0]}"), period,
                     alert_ids, created)
    return len(batches)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    message_id: str
    channel_id: int
    channel_kind: str
    channel_target: str
    subscription_id: int
    subscription_name: str
    team_id: int
    period: str | None
    status: str
    created_at: str
    attempts: int
    last_attempt_at: str | None
    last_error: str | None
    delivered_at: str | None
    alerts: int
    summary: str


_OUTBOX_SELECT = (
    "SELECT o.*, c.kind AS channel_kind, c.target AS channel_target, s.id AS subscription_id,"
    " s.name AS subscription_name, s.team_id,"
    " (SELECT count(*) FROM outbox_alerts oa WHERE oa.outbox_id = o.id) AS n_alerts,"
    " (SELECT json_extract(a.payload, '$.change.summary') FROM outbox_alerts oa JOIN alerts a ON a.id = oa.alert_id"
    "   WHERE oa.outbox_id = o.id ORDER BY a.id LIMIT 1) AS first_summary"
    " FROM outbox o JOIN alert_channels c ON c.id = o.channel_id JOIN subscriptions s ON s.id = c.subscription_id")


def _outbox_row(r: sqlite3.Row) -> OutboxRow:
    return OutboxRow(id=r["id"], message_id=r["message_id"], channel_id=r["channel_id"],
                     channel_kind=r["channel_kind"], channel_target=r["channel_target"],
                     subscription_id=r["subscription_id"], subscription_name=r["subscription_name"],
                     team_id=r["team_id"], period=r["period"], status=r["status"], created_at=r["created_at"],
                     attempts=r["attempts"], last_attempt_at=r["last_attempt_at"], last_error=r["last_error"],
                     delivered_at=r["delivered_at"], alerts=r["n_alerts"], summary=r["first_summary"] or "")


def outbox_rows(store: Store, *, statuses: Sequence[str] = (), team_id: int | None = None,
                subscription_id: int | None = None, limit: int = 100, offset: int = 0) -> list[OutboxRow]:
    where, args = _outbox_where(statuses, team_id, subscription_id)
    rows = store.db.execute(f"{_OUTBOX_SELECT}{where} ORDER BY o.id DESC LIMIT ? OFFSET ?",
                            [*args, limit, offset]).fetchall()
    return [_outbox_row(r) for r in rows]


def count_outbox(store: Store, *, statuses: Sequence[str] = (), team_id: int | None = None,
                 subscription_id: int | None = None) -> int:
    where, args = _outbox_where(statuses, team_id, subscription_id)
    sql = ("SELECT count(*) FROM outbox o JOIN alert_channels c ON c.id = o.channel_id"
           f" JOIN subscriptions s ON s.id = c.subscription_id{where}")
    return int(store.db.execute(sql, args).fetchone()[0])


def _outbox_where(statuses: Sequence[str], team_id: int | None, subscription_id: int | None
                  ) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if statuses:
        where.append(f"o.status IN ({','.join('?' * len(statuses))})")
        args += list(statuses)
    if team_id is not None:
        where.append("s.team_id = ?")
        args.append(team_id)
    if subscription_id is not None:
        where.append("s.id = ?")
        args.append(subscription_id)
    return (" WHERE " + " AND ".join(where) if where else ""), args


def outbox_json(row: OutboxRow) -> dict[str, Any]:
    """The stable JSON shape of one message (docs/cli.md, `exportwatch alerts --json`)."""
    return {"id": row.id, "message_id": row.message_id, "status": row.status,
            "channel": {"id": row.channel_id, "kind": row.channel_kind, "target": row.channel_target},
            "subscription": {"id": row.subscription_id, "name": row.subscription_name},
            "period": row.period, "alerts": row.alerts, "summary": row.summary, "created_at": row.created_at,
            "attempts": row.attempts, "last_attempt_at": row.last_attempt_at, "last_error": row.last_error,
            "delivered_at": row.delivered_at}


def message_alerts(store: Store, outbox_id: int) -> list[dict[str, Any]]:
    """The alert payloads a message carries, in match order."""
    return [json.loads(r[0]) for r in store.db.execute(
        "SELECT a.payload FROM outbox_alerts oa JOIN alerts a ON a.id = oa.alert_id WHERE oa.outbox_id=?"
        " ORDER BY a.id", (outbox_id,))]


def subscription_alerts(store: Store, subscription_id: int, limit: int = 100) -> list[tuple[str, dict[str, Any]]]:
    """(matched_at, payload) of a subscription's newest alerts, newest first (the Atom feed)."""
    return [(r[0], json.loads(r[1])) for r in store.db.execute(
        "SELECT matched_at, payload FROM alerts WHERE subscription_id=? ORDER BY id DESC LIMIT ?",
        (subscription_id, limit))]


def channel_status(store: Store, channel_id: int) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for r in store.db.execute("SELECT status, count(*) FROM outbox WHERE channel_id=? GROUP BY status",
                              (channel_id,)):
        counts[r[0]] = r[1]
    return counts
