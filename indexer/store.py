"""The store of record: SQLite in WAL mode. Snapshots, versions and entries are append-only.

Every search index is a projection of this store and can be rebuilt from it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from exportwatch.errors import NotFoundError, StoreError
from nlp.model import ParsedDocument, ParsedEntry


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class VersionRow:
    id: int
    source_id: str
    bundle_sha256: str
    version_date: dt.date
    title: str
    crawl_id: int
    created_at: str
    entry_count: int
    warnings: list[str]
    stats: dict[str, Any]


@dataclass(frozen=True)
class EntryRow:
    version_id: int
    entry_id: str
    code: str
    parent_id: str | None
    path: list[str]
    kind: str
    heading: str
    text: str
    notes: list[dict[str, str]]
    language: str
    status: str
    position: int


@dataclass(frozen=True)
class CrawlRow:
    id: int
    source_id: str
    started_at: str
    finished_at: str | None
    status: str
    version_id: int | None
    message: str | None
    warnings: list[str]
    stats: dict[str, Any]


@dataclass(frozen=True)
class FileRef:
    url: str
    sha256: str
    language: str
    role: str


def entry_id_for(jurisdiction: str, code: str, language: str, primary_language: str) -> str:
    """`{jurisdiction}:{code}`, with `@lang` for entries in a source's secondary languages."""
    suffix = "" if language == primary_language else f"@{language}"
    return f"{jurisdiction}:{code}{suffix}"


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            # Each feature owns a schema file (indexer/sql/NN_feature.sql), applied in name order.
            # Every statement is idempotent (IF NOT EXISTS), so opening a store migrates it.
            sql_dir = resources.files("indexer").joinpath("sql")
            for name in sorted(p.name for p in sql_dir.iterdir() if p.name.endswith(".sql")):
                self.db.executescript(sql_dir.joinpath(name).read_text(encoding="utf-8"))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything in it is stored, or nothing is."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path}: cannot begin a write: {exc}") from exc
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path}: commit failed: {exc}") from exc

    # --- crawls and snapshots ------------------------------------------------------------------
    def begin_crawl(self, source_id: str) -> int:
        """Open a crawl record. One crawl per source runs at a time, so a crawl of this source
        still marked running was killed (SIGKILL, power loss): it is closed as failed."""
        with self.transaction() as db:
            db.execute("UPDATE crawls SET status='failed', finished_at=?, message='interrupted: the crawl"
                       " process stopped before it finished' WHERE source_id=? AND status='running'",
                       (_now(), source_id))
            cur = db.execute("INSERT INTO crawls(source_id, started_at, status) VALUES (?, ?, 'running')",
                             (source_id, _now()))
            return int(cur.lastrowid or 0)

    def finish_crawl(self, crawl_id: int, status: str, *, version_id: int | None = None,
                     message: str | None = None, warnings: Sequence[str] = (),
                     stats: dict[str, Any] | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE crawls SET finished_at=?, status=?, version_id=?, message=?, warnings=?, stats=?"
                " WHERE id=?",
                (_now(), status, version_id, message, json.dumps(list(warnings)),
                 json.dumps(stats or {}), crawl_id),
            )

    def add_fetch(self, crawl_id: int, *, url: str, status: int, fetched_at: str,
                  headers: dict[str, str], content: bytes, sha256: str, language: str,
                  role: str) -> bool:
        """Record a fetch; store its bytes unless identical bytes are stored already.

        Returns True when the snapshot is new.
        """
        with self.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO snapshots(sha256, size, content, first_seen) VALUES (?, ?, ?, ?)",
                (sha256, len(content), content, _now()),
            )
            db.execute(
                "INSERT INTO fetches(crawl_id, url, status, fetched_at, headers, sha256, size, language, role)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (crawl_id, url, status, fetched_at, json.dumps(headers), sha256, len(content), language, role),
            )
            return cur.rowcount == 1

    def snapshot(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content FROM snapshots WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            raise NotFoundError(f"no snapshot {sha256}")
        return bytes(row["content"])

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("snapshots", "versions", "entries", "crawls", "fetches"):
            out[table] = int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out

    # --- versions and entries ------------------------------------------------------------------
    def find_version(self, source_id: str, bundle_sha256: str) -> VersionRow | None:
        row = self.db.execute("SELECT * FROM versions WHERE source_id=? AND bundle_sha256=?",
                              (source_id, bundle_sha256)).fetchone()
        return _version(row) if row else None

    def add_version(self, *, source_id: str, jurisdiction: str, primary_language: str,
                    bundle_sha256: str, crawl_id: int, doc: ParsedDocument,
                    files: Sequence[FileRef]) -> int:
        """Store a parsed version and all its entries in one transaction."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO versions(source_id, bundle_sha256, version_date, title, crawl_id, created_at,"
                " entry_count, warnings, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source_id, bundle_sha256, doc.version_date.isoformat(), doc.title, crawl_id, _now(),
                 len(doc.entries), json.dumps(list(doc.warnings)), json.dumps(doc.stats)),
            )
            version_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO version_files(version_id, url, sha256, language, role) VALUES (?, ?, ?, ?, ?)",
                [(version_id, f.url, f.sha256, f.language, f.role) for f in files],
            )
            db.executemany(
                "INSERT INTO entries(version_id, entry_id, code, parent_id, path, kind, heading, text,"
                " notes, language, status, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_entry_values(version_id, jurisdiction, primary_language, e) for e in doc.entries],
            )
        return version_id

    def versions(self, source_id: str) -> list[VersionRow]:
        rows = self.db.execute("SELECT * FROM versions WHERE source_id=? ORDER BY version_date, id",
                               (source_id,)).fetchall()
        return [_version(r) for r in rows]

    def current_version(self, source_id: str, as_of: dt.date | None = None) -> VersionRow | None:
        """The version in force: the latest by version date (on or before `as_of`)."""
        rows = self.versions(source_id)
        if as_of is not None:
            rows = [v for v in rows if v.version_date <= as_of]
        return rows[-1] if rows else None

    def current_versions(self) -> list[VersionRow]:
        ids = [r[0] for r in self.db.execute("SELECT DISTINCT source_id FROM versions ORDER BY source_id")]
        return [v for sid in ids if (v := self.current_version(sid)) is not None]

    def entries(self, version_id: int) -> list[EntryRow]:
        rows = self.db.execute("SELECT * FROM entries WHERE version_id=? ORDER BY position",
                               (version_id,)).fetchall()
        return [_entry(r) for r in rows]

    def entry(self, entry_id: str) -> tuple[EntryRow, VersionRow]:
        """The entry as it stands in the current version of the source that holds it."""
        rows = self.db.execute(
            "SELECT e.*, v.source_id AS v_source FROM entries e JOIN versions v ON v.id = e.version_id"
            " WHERE e.entry_id=? ORDER BY v.version_date DESC, v.id DESC",
            (entry_id,),
        ).fetchall()
        for row in rows:
            current = self.current_version(row["v_source"])
            if current is not None and current.id == row["version_id"]:
                return _entry(row), current
        if rows:
            raise NotFoundError(f"entry {entry_id} is not in the current version of its source "
                                "(it was removed); see its history")
        raise NotFoundError(f"no entry {entry_id}")

    def entry_ids_like(self, prefix: str, limit: int = 5) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT entry_id FROM entries WHERE entry_id LIKE ? ORDER BY entry_id LIMIT ?",
                               (prefix.replace("%", "") + "%", limit)).fetchall()
        return [r[0] for r in rows]

    def children(self, version_id: int, entry_id: str) -> list[EntryRow]:
        rows = self.db.execute("SELECT * FROM entries WHERE version_id=? AND parent_id=? ORDER BY position",
                               (version_id, entry_id)).fetchall()
        return [_entry(r) for r in rows]

    def crawls(self, source_id: str, limit: int = 20) -> list[CrawlRow]:
        rows = self.db.execute("SELECT * FROM crawls WHERE source_id=? ORDER BY id DESC LIMIT ?",
                               (source_id, limit)).fetchall()
        return [_crawl(r) for r in rows]

    def last_crawl(self, source_id: str, status: str | None = None) -> CrawlRow | None:
        sql = "SELECT * FROM crawls WHERE source_id=?" + (" AND status=?" if status else "")
        args: tuple[Any, ...] = (source_id, status) if status else (source_id,)
        row = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return _crawl(row) if row else None

    def last_success(self, source_id: str) -> CrawlRow | None:
        row = self.db.execute(
            "SELECT * FROM crawls WHERE source_id=? AND status IN ('new-version', 'unchanged')"
            " ORDER BY id DESC LIMIT 1", (source_id,)).fetchone()
        return _crawl(row) if row else None


    # --- search projection bookkeeping -----------------------------------------------------------
    def projected_version(self, backend: str, source_id: str) -> int | None:
        row = self.db.execute("SELECT version_id FROM projections WHERE backend=? AND source_id=?",
                              (backend, source_id)).fetchone()
        return int(row[0]) if row else None

    def forget_projected(self, source_id: str) -> None:
        """Every backend's copy of the source is stale (something indexed with it changed, e.g.
        its change set arrived late): the next `ensure_projected` re-indexes it."""
        with self.transaction() as db:
            db.execute("DELETE FROM projections WHERE source_id=?", (source_id,))

    def set_projected(self, backend: str, source_id: str, version_id: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO projections(backend, source_id, version_id, updated_at) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT(backend, source_id) DO UPDATE SET version_id=excluded.version_id,"
                       " updated_at=excluded.updated_at", (backend, source_id, version_id, _now()))


def _entry_values(version_id: int, jurisdiction: str, primary: str, e: ParsedEntry) -> tuple[Any, ...]:
    eid = entry_id_for(jurisdiction, e.code, e.language, primary)
    parent = entry_id_for(jurisdiction, e.parent, e.language, primary) if e.parent else None
    notes = [{"kind": n.kind, "label": n.label, "text": n.text} for n in e.notes]
    return (version_id, eid, e.code, parent, json.dumps(list(e.path)), e.kind, e.heading, e.text,
            json.dumps(notes, ensure_ascii=False), e.language, e.status, e.position)


def _version(row: sqlite3.Row) -> VersionRow:
    return VersionRow(
        id=row["id"], source_id=row["source_id"], bundle_sha256=row["bundle_sha256"],
        version_date=dt.date.fromisoformat(row["version_date"]), title=row["title"],
        crawl_id=row["crawl_id"], created_at=row["created_at"], entry_count=row["entry_count"],
        warnings=json.loads(row["warnings"]), stats=json.loads(row["stats"]),
    )


def _entry(row: sqlite3.Row) -> EntryRow:
    return EntryRow(
        version_id=row["version_id"], entry_id=row["entry_id"], code=row["code"],
        parent_id=row["parent_id"], path=json.loads(row["path"]), kind=row["kind"],
        heading=row["heading"], text=row["text"], notes=json.loads(row["notes"]),
        language=row["language"], status=row["status"], position=row["position"],
    )


def _crawl(row: sqlite3.Row) -> CrawlRow:
    return CrawlRow(
        id=row["id"], source_id=row["source_id"], started_at=row["started_at"],
        finished_at=row["finished_at"], status=row["status"], version_id=row["version_id"],
        message=row["message"], warnings=json.loads(row["warnings"]), stats=json.loads(row["stats"]),
    )
