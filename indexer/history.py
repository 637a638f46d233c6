"""History and point in time: the validity intervals of an entry, and the store as of a date.

A version is in force from its version date until the next version's date. An entry's interval is
a run of consecutive versions in which its text does not change (formatting noise aside: the run
breaks where the change engine reported a change for the entry, or, for a version pair not yet
processed, where `nlp.changes.align.same_content` says the text differs). `valid_to` is exclusive:
the date of the version that replaced or dropped the text; None means still in force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exportwatch.errors import NotFoundError
from indexer.base import IndexDoc
from indexer.changes import ChangeRow, chain, entry_changes, entry_text
from indexer.embedded import EmbeddedBackend
from indexer.project import index_docs
from indexer.store import EntryRow, Store, VersionRow
from nlp.changes.align import same_content


@dataclass(frozen=True)
class Interval:
    source_id: str
    entry: EntryRow | None  # None: the entry is not in the list during this interval
    valid_from: dt.date
    valid_to: dt.date | None
    versions: list[VersionRow]
    change: ChangeRow | None  # the change that opened this interval, where one was recorded

    @property
    def present(self) -> bool:
        return self.entry is not None


def _entry(row: sqlite3.Row) -> EntryRow:
    return EntryRow(version_id=row["version_id"], entry_id=row["entry_id"], code=row["code"],
                    parent_id=row["parent_id"], path=json.loads(row["path"]), kind=row["kind"],
                    heading=row["heading"], text=row["text"], notes=json.loads(row["notes"]),
                    language=row["language"], status=row["status"], position=row["position"])


def sources_holding(store: Store, entry_id: str) -> list[str]:
    rows = store.db.execute("SELECT DISTINCT v.source_id FROM entries e JOIN versions v ON v.id = e.version_id"
                            " WHERE e.entry_id=? ORDER BY v.source_id", (entry_id,)).fetchall()
    return [r[0] for r in rows]


def timeline(store: Store, entry_id: str, source_id: str) -> list[Interval]:
    """The entry's intervals in one source, oldest first (absences included once it appeared)."""
    versions = store.versions(source_id)
    rows = {r["version_id"]: _entry(r) for r in store.db.execute(
        "SELECT e.* FROM entries e JOIN versions v ON v.id = e.version_id WHERE e.entry_id=? AND v.source_id=?",
        (entry_id, source_id))}
    changes = {c.change_set.to_version.id: c for c in entry_changes(store, entry_id)
               if c.change_set.source_id == source_id}
    processed = {b.id for _a, b, cs in chain(store, source_id) if cs is not None}
    out: list[Interval] = []
    for v in versions:
        row = rows.get(v.id)
        last = out[-1] if out else None
        if last is None and row is None:
            continue  # before the entry first appeared
        if last is not None and not _breaks(last.entry, row, v.id, changes, processed):
            last.versions.append(v)
            continue
        if last is not None:
            out[-1] = Interval(last.source_id, last.entry, last.valid_from, v.version_date, last.versions, last.change)
        out.append(Interval(source_id, row, v.version_date, None, [v], changes.get(v.id)))
    return out


def _breaks(before: EntryRow | None, now: EntryRow | None, version_id: int, changes: dict[int, ChangeRow],
            processed: set[int]) -> bool:
    if (before is None) != (now is None):
        return True
    if before is None or now is None:
        return False
    if version_id in processed:
        return version_id in changes
    return not same_content(entry_text(before), entry_text(now))


def entry_as_of(store: Store, entry_id: str, when: dt.date,
                source_id: str | None = None) -> tuple[EntryRow, VersionRow]:
    """The entry as it stood on `when`: in the version of its source in force on that date. Where
    two stored sources hold the id (the eCFR CCL and the replayed CCL history), the one whose
    version in force is the more recent wins, and a version superseded by another source's more
    recent version of the same list is not read (see `versions_as_of`)."""
    sids = [source_id] if source_id else sources_holding(store, entry_id)
    if not sids:
        raise NotFoundError(f"no entry {entry_id}")
    if source_id:
        current = store.current_version(source_id, as_of=when)
        in_force = {source_id: current} if current else {}
    else:
        in_force = {v.source_id: v for v in versions_as_of(store, when)}
    best: tuple[EntryRow, VersionRow] | None = None
    notes = []
    for sid in sids:
        version = in_force.get(sid)
        if version is None:
            own = store.current_version(sid, as_of=when)
            if own is not None:
                notes.append(f"{sid}'s version of {own.version_date} is superseded by a more recent source"
                             " of the same list")
            else:
                first = store.versions(sid)
                notes.append(f"{sid} has no version on or before {when}"
                             + (f" (first: {first[0].version_date})" if first else ""))
            continue
        row = store.db.execute("SELECT * FROM entries WHERE version_id=? AND entry_id=?",
                               (version.id, entry_id)).fetchone()
        if row is None:
            notes.append(f"not in {sid} as of {when} (version of {version.version_date})")
            continue
        if best is None or version.version_date > best[1].version_date:
            best = (_entry(row), version)
    if best is None:
        raise NotFoundError(f"{entry_id} was not in force on {when}: " + "; ".join(notes)
                            + f"; see `exportwatch history {entry_id}`")
    return best


def versions_as_of(store: Store, when: dt.date) -> list[VersionRow]:
    """The version of every stored source in force on `when` (sources with none then left out),
    except those superseded: a version at least half of whose entry ids a more recent version of
    another source holds is the same list in an older form (the replayed CCL paragraph history of
    2025-09-29 once the eCFR CCL of 2026-06-25 exists), and its leftovers must not read as in force."""
    ids = [r[0] for r in store.db.execute("SELECT DISTINCT source_id FROM versions ORDER BY source_id")]
    versions = [v for sid in ids if (v := store.current_version(sid, as_of=when)) is not None]
    entry_ids = {v.id: {r[0] for r in store.db.execute("SELECT entry_id FROM entries WHERE version_id=?", (v.id,))}
                 for v in versions}
    superseded = {a.id for a in versions for b in versions
                  if a.source_id != b.source_id and (b.version_date, b.id) > (a.version_date, a.id)
                  and entry_ids[a.id] and len(entry_ids[a.id] & entry_ids[b.id]) * 2 >= len(entry_ids[a.id])}
    return [v for v in versions if v.id not in superseded]


def docs_as_of(store: Store, versions: list[VersionRow], jurisdiction_of: dict[str, str]) -> Iterator[IndexDoc]:
    """Search documents for the given versions; an entry id held by two sources is taken from the
    source with the more recent version (ids are unique in an index)."""
    seen: set[str] = set()
    for version in sorted(versions, key=lambda v: (v.version_date, v.id), reverse=True):
        jurisdiction = jurisdiction_of.get(version.source_id) or _jurisdiction_from_entries(store, version)
        for doc in index_docs(store, version, jurisdiction):
            if doc.entry_id not in seen:
                seen.add(doc.entry_id)
                yield doc


def _jurisdiction_from_entries(store: Store, version: VersionRow) -> str:
    row = store.db.execute("SELECT entry_id FROM entries WHERE version_id=? LIMIT 1", (version.id,)).fetchone()
    return str(row[0]).split(":", 1)[0] if row else ""


def as_of_index(store: Store, when: dt.date, cache_dir: Path, jurisdiction_of: dict[str, str]) -> EmbeddedBackend:
    """A search index of the versions in force on `when` (an embedded FTS index, whatever the
    configured backend: the live index holds only current versions).

    Built once per set of versions and kept under `cache_dir` (a new version gives a new key, so a
    cached index is never stale); the few most recent are kept. The key also names the newest change
    set into those versions (their entries' change kinds) and the layout of the documents.
    """
    versions = versions_as_of(store, when)
    if not versions:
        raise NotFoundError(f"no stored version of any source is dated on or before {when}")
    ids = sorted(v.id for v in versions)
    newest_set = store.db.execute(
        f"SELECT max(id) FROM change_sets WHERE to_version_id IN ({', '.join('?' * len(ids))})", ids).fetchone()[0]
    key = hashlib.sha256(f"{_AS_OF_FORMAT}|{newest_set}|{','.join(map(str, ids))}".encode()).hexdigest()
    path = cache_dir / f"asof-{key[:16]}.sqlite"
    if path.exists():
        path.touch()
        return EmbeddedBackend(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    backend = EmbeddedBackend(partial)
    by_source: dict[str, list[IndexDoc]] = {}
    for doc in docs_as_of(store, versions, jurisdiction_of):
        by_source.setdefault(doc.source_id, []).append(doc)
    for source_id, docs in by_source.items():
        backend.replace_source(source_id, docs)
    backend.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(path)  # atomic: a reader never opens a half-built index
    for old in sorted(cache_dir.glob("asof-*.sqlite"), key=lambda p: p.stat().st_mtime)[:-_KEEP_AS_OF]:
        old.unlink(missing_ok=True)
    return EmbeddedBackend(path)


_KEEP_AS_OF = 8
_AS_OF_FORMAT = 2  # 2: documents carry change_kind
