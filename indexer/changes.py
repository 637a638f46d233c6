"""Change sets in the store: write one per version pair, read the changes of consecutive pairs.

A source's change history is the chain of its versions ordered by version date; each link (the
version before -> the version after) has at most one change set per engine version, and readers
use the newest. A version stored out of order (an older consolidation fetched late) breaks a link
in two; the processor computes the two new links and the old set stays, unread, as history.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from exportwatch.errors import StoreError
from indexer.store import EntryRow, Store, VersionRow
from nlp.changes.model import CHANGE_KINDS, Change, EntryText
from nlp.model import Note


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def entry_text(row: EntryRow) -> EntryText:
    """A stored entry as the change engine sees it."""
    notes = tuple(Note(n.get("kind", "other"), n.get("label", ""), n.get("text", ""))  # type: ignore[arg-type]
                  for n in row.notes)
    return EntryText(entry_id=row.entry_id, code=row.code, heading=row.heading, text=row.text, notes=notes,
                     parent_id=row.parent_id, kind=row.kind, status=row.status, language=row.language,
                     position=row.position)


def version_entries(store: Store, version_id: int) -> list[EntryText]:
    return [entry_text(r) for r in store.entries(version_id)]


@dataclass(frozen=True)
class ChangeSetRow:
    id: int
    source_id: str
    from_version: VersionRow
    to_version: VersionRow
    engine: str
    detected_at: str
    counts: dict[str, int]
    warnings: list[str]


@dataclass(frozen=True)
class ChangeRow:
    change_set: ChangeSetRow
    seq: int
    entry_id: str
    old_entry_id: str | None
    kind: str
    significance: str
    language: str
    summary: str
    detail: dict[str, Any]

    @property
    def id(self) -> str:
        """Stable id of this change: change set and position in it."""
        return f"{self.change_set.id}.{self.seq}"


@dataclass(frozen=True)
class PairCounts:
    """Change counts of one link of a source's version chain (for reports and the demo)."""

    source_id: str
    from_date: dt.date
    to_date: dt.date
    counts: dict[str, int]  # per kind, every kind present (0 when none)
    editorial: int  # of which letter-case or punctuation only
    total: int
    detected: bool  # False: no change set yet for this pair (processor not run)
    warnings: list[str] = field(default_factory=list)


def has_change_set(store: Store, from_version_id: int, to_version_id: int, engine: str) -> bool:
    row = store.db.execute("SELECT 1 FROM change_sets WHERE from_version_id=? AND to_version_id=? AND engine=?",
                           (from_version_id, to_version_id, engine)).fetchone()
    return row is not None


def record_change_set(store: Store, *, source_id: str, from_version: VersionRow, to_version: VersionRow,
                      engine: str, changes: Sequence[Change], warnings: Sequence[str]) -> int | None:
    """Store a change set and its changes atomically; None if this pair and engine already has
    one (the processor is idempotent: a second run adds nothing)."""
    counts = Counter(c.kind for c in changes)
    try:
        with store.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO change_sets(source_id, from_version_id, to_version_id, engine, detected_at,"
                " counts, warnings) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source_id, from_version.id, to_version.id, engine, _now(), json.dumps(dict(counts)),
                 json.dumps(list(warnings), ensure_ascii=False)))
            if cur.rowcount != 1:
                return None
            set_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO changes(change_set_id, seq, entry_id, old_entry_id, kind, significance, language,"
                " summary, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(set_id, seq, c.entry_id, c.old_entry_id, c.kind, c.significance, c.language, c.summary,
                  json.dumps(c.detail_json(), ensure_ascii=False)) for seq, c in enumerate(changes, 1)])
            return set_id
    except sqlite3.Error as exc:
        raise StoreError(f"store {store.path}: cannot record changes {source_id} "
                         f"{from_version.version_date} -> {to_version.version_date}: {exc}") from exc


def _set_row(row: sqlite3.Row, versions: dict[int, VersionRow]) -> ChangeSetRow:
    return ChangeSetRow(id=row["id"], source_id=row["source_id"], from_version=versions[row["from_version_id"]],
                        to_version=versions[row["to_version_id"]], engine=row["engine"],
                        detected_at=row["detected_at"], counts=json.loads(row["counts"]),
                        warnings=json.loads(row["warnings"]))


def source_ids(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT DISTINCT source_id FROM versions ORDER BY source_id")]


def chain(store: Store, source_id: str) -> list[tuple[VersionRow, VersionRow, ChangeSetRow | None]]:
    """Each consecutive pair of the source's versions with its newest change set (or None)."""
    versions = store.versions(source_id)
    by_id = {v.id: v for v in versions}
    newest: dict[tuple[int, int], ChangeSetRow] = {}
    for row in store.db.execute("SELECT * FROM change_sets WHERE source_id=? ORDER BY id", (source_id,)):
        if row["from_version_id"] in by_id and row["to_version_id"] in by_id:
            newest[(row["from_version_id"], row["to_version_id"])] = _set_row(row, by_id)
    return [(a, b, newest.get((a.id, b.id))) for a, b in itertools.pairwise(versions)]


def change_counts(store: Store, source_id: str) -> list[PairCounts]:
    """Change counts per version pair of one source, oldest first: what `make demo` prints."""
    out = []
    for a, b, cs in chain(store, source_id):
        counts: dict[str, int] = dict.fromkeys(CHANGE_KINDS, 0)
        editorial = 0
        if cs is not None:
            counts.update(cs.counts)
            editorial = int(store.db.execute(
                "SELECT count(*) FROM changes WHERE change_set_id=? AND significance='editorial'",
                (cs.id,)).fetchone()[0])
        out.append(PairCounts(source_id, a.version_date, b.version_date, counts, editorial,
                              sum(counts.values()), cs is not None, cs.warnings if cs else []))
    return out


def list_changes(store: Store, *, sources: Iterable[str] = (), jurisdictions: Iterable[str] = (),
                 since: dt.date | None = None, kinds: Iterable[str] = (), entry_ids: Iterable[str] = (),
                 significance: str | None = None) -> list[ChangeRow]:
    """Changes of the newest change set of every consecutive version pair, filtered; ordered by
    source, then version date, then position in the set."""
    wanted_sources = set(sources) or set(source_ids(store))
    prefixes = tuple(f"{j}:" for j in jurisdictions)
    kinds_set, ids_set = set(kinds), set(entry_ids)
    out: list[ChangeRow] = []
    for sid in sorted(wanted_sources):
        for _a, b, cs in chain(store, sid):
            if cs is None or (since is not None and b.version_date < since):
                continue
            for row in store.db.execute("SELECT * FROM changes WHERE change_set_id=? ORDER BY seq", (cs.id,)):
                if prefixes and not row["entry_id"].startswith(prefixes):
                    continue
                if kinds_set and row["kind"] not in kinds_set:
                    continue
                if significance and row["significance"] != significance:
                    continue
                if ids_set and row["entry_id"] not in ids_set and row["old_entry_id"] not in ids_set:
                    continue
                out.append(_change_row(row, cs))
    return out


def _change_row(row: sqlite3.Row, cs: ChangeSetRow) -> ChangeRow:
    return ChangeRow(change_set=cs, seq=row["seq"], entry_id=row["entry_id"], old_entry_id=row["old_entry_id"],
                     kind=row["kind"], significance=row["significance"], language=row["language"],
                     summary=row["summary"], detail=json.loads(row["detail"]))


def entry_changes(store: Store, entry_id: str) -> list[ChangeRow]:
    """Every change (newest set of each consecutive pair) naming this entry, old or new id."""
    sids = [r[0] for r in store.db.execute(
        "SELECT DISTINCT cs.source_id FROM changes c JOIN change_sets cs ON cs.id = c.change_set_id"
        " WHERE c.entry_id=? OR c.old_entry_id=?", (entry_id, entry_id))]
    return list_changes(store, sources=sids, entry_ids=[entry_id]) if sids else []


def change_json(change: ChangeRow) -> dict[str, Any]:
    """The stable JSON shape of one change (docs/cli.md, `exportwatch changes --json`)."""
    cs = change.change_set
    return {
        "id": change.id, "source_id": cs.source_id, "kind": change.kind, "entry_id": change.entry_id,
        "old_entry_id": change.old_entry_id, "significance": change.significance,
        "language": change.language, "summary": change.summary,
        "from_version": {"id": cs.from_version.id, "version_date": cs.from_version.version_date.isoformat()},
        "to_version": {"id": cs.to_version.id, "version_date": cs.to_version.version_date.isoformat()},
        "detected_at": cs.detected_at, "engine": cs.engine, **change.detail,
    }


# When several changes of one set name the same entry (the engine reports at most one per entry
# today): whether it is in force beats a renumbering, which beats an edit (an edited move is
# already reported as "moved").
CHANGE_KIND_PRECEDENCE = ("added", "removed", "moved", "amended")  # each in CHANGE_KIND_VALUES


@dataclass(frozen=True)
class VersionChangeKinds:
    """The change kind of every entry of one version: `by_entry`, else `default`."""

    default: str
    by_entry: dict[str, str] = field(default_factory=dict)

    def of(self, entry_id: str) -> str:
        return self.by_entry.get(entry_id, self.default)


def version_change_kinds(store: Store, version: VersionRow) -> VersionChangeKinds:
    """What `version` did to each of its entries, from the newest change set of the link from the
    version before it (by version date, as `chain` orders them) to it: three queries per version,
    none per entry.

    Only changes with a new side count: a removal from the list names an entry the version does
    not hold (its id may now be another entry's, renumbered into it), while "removed" with a new
    side is an entry still listed but no longer in force. Definition changes concern a defined
    term, not an entry: the entries using the term did not change.
    """
    earlier = [v for v in store.versions(version.source_id)
               if (v.version_date, v.id) < (version.version_date, version.id)]
    if not earlier:
        return VersionChangeKinds("initial")
    row = store.db.execute("SELECT max(id) FROM change_sets WHERE from_version_id=? AND to_version_id=?",
                           (earlier[-1].id, version.id)).fetchone()
    if row[0] is None:
        return VersionChangeKinds("unknown")
    rank = {k: i for i, k in enumerate(CHANGE_KIND_PRECEDENCE)}
    by_entry: dict[str, str] = {}
    for entry_id, kind in store.db.execute(
            "SELECT entry_id, kind FROM changes WHERE change_set_id=? AND kind != 'definition'"
            " AND json_type(detail, '$.new') = 'object'", (row[0],)):
        if entry_id not in by_entry or rank[kind] < rank[by_entry[entry_id]]:
            by_entry[entry_id] = kind
    return VersionChangeKinds("unchanged", by_entry)
