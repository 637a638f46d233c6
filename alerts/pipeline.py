"""From a stored change set to alerts in the outbox: match every active subscription, build each
alert's content, record alerts and messages in one transaction (idempotent)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from alerts.config import AlertSettings
from alerts.content import EquivalentIndex, change_content
from alerts.matching import match_changes
from alerts.outbox import record_matches
from alerts.search_match import BackendFactory
from alerts.subscriptions import Subscription, list_subscriptions
from indexer.changes import ChangeRow, ChangeSetRow, chain
from indexer.store import Store


@dataclass(frozen=True)
class MatchOutcome:
    change_set_id: int
    changes: int
    matches: int
    new_alerts: int


def change_sets_of(store: Store, source_id: str, version_id: int) -> list[ChangeSetRow]:
    """The newest change sets of the links touching a version (the link before it, and the link
    after it when it was stored out of order)."""
    return [cs for a, b, cs in chain(store, source_id) if cs is not None and version_id in (a.id, b.id)]


def changes_of(store: Store, cs: ChangeSetRow) -> list[ChangeRow]:
    return [ChangeRow(change_set=cs, seq=r["seq"], entry_id=r["entry_id"], old_entry_id=r["old_entry_id"],
                      kind=r["kind"], significance=r["significance"], language=r["language"], summary=r["summary"],
                      detail=json.loads(r["detail"]))
            for r in store.db.execute("SELECT * FROM changes WHERE change_set_id=? ORDER BY seq", (cs.id,))]


def match_change_set(store: Store, cs: ChangeSetRow, *, factory: BackendFactory | None,
                     settings: AlertSettings, source_names: dict[str, str],
                     subscriptions: Sequence[Subscription] | None = None,
                     equivalents: EquivalentIndex | None = None, now: dt.datetime | None = None) -> MatchOutcome:
    subs = list_subscriptions(store) if subscriptions is None else list(subscriptions)
    changes = changes_of(store, cs)
    if not subs or not changes:
        return MatchOutcome(cs.id, len(changes), 0, 0)
    matches = match_changes(changes, subs, backend_factory=factory, store=store)
    if not matches:
        return MatchOutcome(cs.id, len(changes), 0, 0)
    equivalents = equivalents or EquivalentIndex.build(store)
    contents: dict[int, dict[str, object]] = {}
    for m in matches:
        if m.change.seq not in contents:
            contents[m.change.seq] = change_content(store, m.change, equivalents=equivalents,
                                                    base_url=settings.base_url, source_names=source_names)
    new = record_matches(store, matches, [contents[m.change.seq] for m in matches], now=now)
    return MatchOutcome(cs.id, len(changes), len(matches), new)


def match_version(store: Store, source_id: str, version_id: int, *, factory: BackendFactory | None,
                  settings: AlertSettings, source_names: dict[str, str],
                  now: dt.datetime | None = None) -> list[MatchOutcome]:
    subs = list_subscriptions(store)
    if not subs:
        return []
    return [match_change_set(store, cs, factory=factory, settings=settings, source_names=source_names,
                             subscriptions=subs, now=now)
            for cs in change_sets_of(store, source_id, version_id)]
