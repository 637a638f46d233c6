"""Subscriptions and their channels in the store. Every function that reads or changes a team's
subscription takes the team id: another team's subscription is "not found", never "forbidden"."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from alerts.config import AlertSettings
from alerts.model import Spec, SubscriptionIn, WebhookChannel, new_webhook_secret
from alerts.ssrf import check_target
from exportwatch.errors import ExportWatchError, NotFoundError, StoreError
from indexer.store import Store

_SPEC: TypeAdapter[Any] = TypeAdapter(Spec)


class SubscriptionError(ExportWatchError):
    """A subscription that cannot be created as given (the message names the field)."""

    exit_code = 2


def now_iso(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ChannelRow:
    id: int
    subscription_id: int
    kind: str
    target: str
    secret: str | None
    created_at: str
    failures: int
    next_attempt_at: str | None
    disabled_at: str | None
    disabled_reason: str | None

    def describe(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind


@dataclass(frozen=True)
class Subscription:
    id: int
    team_id: int
    name: str
    kind: str
    spec: Any  # one of alerts.model's *Spec models
    frequency: str
    significance: str
    feed_token: str
    created_at: str
    deleted_at: str | None
    channels: tuple[ChannelRow, ...]

    @property
    def active(self) -> bool:
        return self.deleted_at is None


def parse_input(data: dict[str, Any]) -> SubscriptionIn:
    """Validate raw input (CLI options, JSON); SubscriptionError with every problem, by field."""
    try:
        return SubscriptionIn.model_validate(data)
    except ValidationError as exc:
        raise SubscriptionError(validation_message(exc)) from exc


def validation_message(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if not str(p).endswith("Spec") and not str(p).endswith("Channel"))
        msg = str(err["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {msg}" if where else msg)
    return "invalid subscription: " + "; ".join(problems)


def create(store: Store, team_id: int, data: SubscriptionIn, settings: AlertSettings,
           now: dt.datetime | None = None) -> Subscription:
    """Store a validated subscription. Webhook URLs are checked now (SSRF rules) so that a bad one
    is refused at once, and again at every delivery."""
    for channel in data.channels:
        if isinstance(channel, WebhookChannel):
            try:
                check_target(channel.url, allow_private=settings.allow_private)
            except ExportWatchError as exc:
                raise SubscriptionError(f"invalid subscription: channels: {exc}") from exc
    if store.db.execute("SELECT 1 FROM teams WHERE id=?", (team_id,)).fetchone() is None:
        raise NotFoundError(f"no team {team_id}")
    created = now_iso(now)
    try:
        with store.transaction() as db:
            cur = db.execute(
                "INSERT INTO subscriptions(team_id, name, kind, spec, frequency, significance, feed_token, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (team_id, data.name, data.spec.kind, data.spec.model_dump_json(), data.frequency, data.significance,
                 secrets.token_urlsafe(32), created))
            sub_id = int(cur.lastrowid or 0)
            for channel in data.channels:
                target = {"email": getattr(channel, "address", ""), "webhook": getattr(channel, "url", "")}.get(
                    channel.kind, "")
                secret = (channel.secret or new_webhook_secret()) if isinstance(channel, WebhookChannel) else None
                db.execute("INSERT INTO alert_channels(subscription_id, kind, target, secret, created_at)"
                           " VALUES (?, ?, ?, ?, ?)", (sub_id, channel.kind, target, secret, created))
    except sqlite3.Error as exc:
        raise StoreError(f"store {store.path}: cannot store subscription {data.name!r}: {exc}") from exc
    return get(store, sub_id, team_id=team_id)


def _channels(store: Store, sub_ids: list[int]) -> dict[int, list[ChannelRow]]:
    out: dict[int, list[ChannelRow]] = {}
    if not sub_ids:
        return out
    marks = ",".join("?" * len(sub_ids))
    for r in store.db.execute(f"SELECT * FROM alert_channels WHERE subscription_id IN ({marks}) ORDER BY id",
                              sub_ids):
        out.setdefault(r["subscription_id"], []).append(channel_row(r))
    return out


def channel_row(r: sqlite3.Row) -> ChannelRow:
    return ChannelRow(id=r["id"], subscription_id=r["subscription_id"], kind=r["kind"], target=r["target"],
                      secret=r["secret"], created_at=r["created_at"], failures=r["failures"],
                      next_attempt_at=r["next_attempt_at"], disabled_at=r["disabled_at"],
                      disabled_reason=r["disabled_reason"])


def _rows(store: Store, rows: list[sqlite3.Row]) -> list[Subscription]:
    channels = _channels(store, [r["id"] for r in rows])
    return [Subscription(id=r["id"], team_id=r["team_id"], name=r["name"], kind=r["kind"],
                         spec=_SPEC.validate_json(r["spec"]), frequency=r["frequency"],
                         significance=r["significance"], feed_token=r["feed_token"], created_at=r["created_at"],
                         deleted_at=r["deleted_at"], channels=tuple(channels.get(r["id"], [])))
            for r in rows]


def get(store: Store, sub_id: int, *, team_id: int | None = None) -> Subscription:
    sql, args = "SELECT * FROM subscriptions WHERE id=?", [sub_id]
    if team_id is not None:
        sql, args = sql + " AND team_id=?", [sub_id, team_id]
    found = _rows(store, store.db.execute(sql, args).fetchall())
    if not found:
        raise NotFoundError(f"no subscription {sub_id}" + (" in this team" if team_id is not None else ""))
    return found[0]


def list_subscriptions(store: Store, *, team_id: int | None = None, include_deleted: bool = False,
                       limit: int = 1_000_000, offset: int = 0) -> list[Subscription]:
    where = []
    args: list[Any] = []
    if team_id is not None:
        where.append("team_id=?")
        args.append(team_id)
    if not include_deleted:
        where.append("deleted_at IS NULL")
    sql = "SELECT * FROM subscriptions" + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.db.execute(sql + " ORDER BY id LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
    return _rows(store, rows)


def count_subscriptions(store: Store, *, team_id: int | None = None) -> int:
    sql = "SELECT count(*) FROM subscriptions WHERE deleted_at IS NULL"
    if team_id is None:
        return int(store.db.execute(sql).fetchone()[0])
    return int(store.db.execute(sql + " AND team_id=?", (team_id,)).fetchone()[0])


def by_feed_token(store: Store, token: str) -> Subscription:
    rows = store.db.execute("SELECT * FROM subscriptions WHERE feed_token=? AND deleted_at IS NULL",
                            (token,)).fetchall()
    found = _rows(store, rows)
    if not found or not any(c.kind == "feed" for c in found[0].channels):
        raise NotFoundError("no such feed")
    return found[0]


def delete(store: Store, sub_id: int, *, team_id: int | None = None, now: dt.datetime | None = None) -> Subscription:
    """Stop a subscription: no new alerts; messages already queued are still delivered. The row
    stays (alerts refer to it)."""
    sub = get(store, sub_id, team_id=team_id)
    if sub.deleted_at is None:
        with store.transaction() as db:
            db.execute("UPDATE subscriptions SET deleted_at=? WHERE id=?", (now_iso(now), sub_id))
    return get(store, sub_id, team_id=team_id)


def spec_json(sub: Subscription) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sub.spec.model_dump_json())
    return data


def subscription_json(sub: Subscription, *, show_secrets: bool = False, base_url: str = "") -> dict[str, Any]:
    """The stable JSON shape of a subscription (docs/cli.md, `exportwatch subscriptions --json`)."""
    channels = []
    for c in sub.channels:
        item: dict[str, Any] = {"id": c.id, "kind": c.kind, "target": c.target, "disabled_at": c.disabled_at,
                                "disabled_reason": c.disabled_reason, "failures": c.failures,
                                "next_attempt_at": c.next_attempt_at}
        if c.kind == "webhook":
            item["secret"] = c.secret if show_secrets else "whsec_…"
        if c.kind == "feed":
            item["url"] = f"{base_url}/api/feeds/{sub.feed_token}.atom"
        channels.append(item)
    return {"id": sub.id, "team_id": sub.team_id, "name": sub.name, "kind": sub.kind, "spec": spec_json(sub),
            "frequency": sub.frequency, "significance": sub.significance, "created_at": sub.created_at,
            "deleted_at": sub.deleted_at, "channels": channels}
