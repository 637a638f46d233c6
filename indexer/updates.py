"""Regulation-update records (Federal Register rules) and their links to CCL versions.

Records are stored by the `updates` processor (exportwatch/processors/updates.py), append-only
(indexer/sql/60_updates.sql). Links are computed when read, never stored: a rule links, per CCL
source, to the first version dated on or after its effective date (its publication date when the
effective date is unknown), and to the change set of that version when change detection has one
(tables `change_sets` and `changes`, read if present). CCL versions or change sets stored later are therefore found
without rewriting anything.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from exportwatch.errors import NotFoundError
from indexer.store import Store
from nlp.parse.federal_register import UpdateRecord

# The CCL as stored by ExportWatch: the eCFR part 774 XML, and the paragraph history (2017-2025)
# when it is ingested as its own source.
CCL_SOURCES = ("us-ecfr-ccl", "us-ccl-history")
CCL_PART = 774
# Rule types whose effect shows up in the CCL; other types (proposed rules, notices) are not linked.
_LINKED_TYPES = (None, "Rule")
LinkStatus = Literal["linked", "baseline", "pending", "not-a-rule"]


@dataclass(frozen=True)
class StoredUpdate:
    document_number: str
    title: str
    abstract: str | None
    type: str | None
    action: str | None
    publication_date: dt.date
    effective_on: dt.date | None
    citation: str | None
    cfr_parts: list[dict[str, Any]]
    supplements: list[str]
    docket_ids: list[str]
    agencies: list[str]
    html_url: str | None
    json_url: str | None
    version_id: int  # the us-fr-bis version this content was recorded from
    version_date: dt.date
    recorded_at: str

    def touches_part(self, part: int) -> bool:
        """Whether the rule amends 15 CFR `part`: a CFR reference, or (Part 774) a supplement."""
        if any(str(p.get("part")) == str(part) for p in self.cfr_parts):
            return True
        return part == CCL_PART and bool(self.supplements)


@dataclass(frozen=True)
class CclLink:
    """Where a rule shows in one CCL source: the first version on or after the date it applies."""

    source_id: str
    status: LinkStatus  # linked: a version with a predecessor (its changes hold the rule's effect);
    #                     baseline: the first stored version (in force there, no change set);
    #                     pending: no version yet on or after the date; not-a-rule: not linked
    basis: Literal["effective_on", "publication_date"]
    on: dt.date
    version_id: int | None = None
    version_date: dt.date | None = None
    previous_version_id: int | None = None
    previous_version_date: dt.date | None = None
    changes: int | None = None  # entry changes of previous -> version; None: not computed / unavailable


@dataclass(frozen=True)
class ChangeRef:
    entry_id: str
    kind: str
    significance: str
    summary: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --- writing ---------------------------------------------------------------------------------------
def add_updates(store: Store, version_id: int, records: Iterable[UpdateRecord]) -> int:
    """Store the records of a us-fr-bis version; return how many rows were added.

    A record is added unless the same content is already the document's record as of this version
    (the row of the latest version up to this one), so running it again adds nothing.
    """
    version = store.db.execute("SELECT id, version_date FROM versions WHERE id=?", (version_id,)).fetchone()
    if version is None:
        raise NotFoundError(f"no version {version_id}")
    here = (version["version_date"], version_id)
    latest: dict[str, tuple[tuple[str, int], str]] = {}
    for row in store.db.execute("SELECT u.document_number, u.record_sha256, v.version_date, v.id FROM updates u"
                                " JOIN versions v ON v.id = u.version_id"):
        key = (row["version_date"], row["id"])
        if key <= here and (row["document_number"] not in latest or key > latest[row["document_number"]][0]):
            latest[row["document_number"]] = (key, row["record_sha256"])
    rows = []
    for r in records:
        sha = r.content_sha256()
        if r.document_number in latest and latest[r.document_number][1] == sha:
            continue
        rows.append((r.document_number, sha, version_id, r.title, r.abstract, r.type, r.action,
                     r.publication_date.isoformat(), r.effective_on.isoformat() if r.effective_on else None,
                     r.citation, json.dumps([{"title": t, "part": p} for t, p in r.cfr_parts]),
                     json.dumps(list(r.supplements)), json.dumps(list(r.docket_ids), ensure_ascii=False),
                     json.dumps(list(r.agencies), ensure_ascii=False), r.html_url, r.json_url, _now()))
    with store.transaction() as db:
        db.executemany(
            "INSERT OR IGNORE INTO updates(document_number, record_sha256, version_id, title, abstract, type,"
            " action, publication_date, effective_on, citation, cfr_parts, supplements, docket_ids, agencies,"
            " html_url, json_url, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


# --- reading ---------------------------------------------------------------------------------------
_CURRENT = """
SELECT u.*, v.version_date AS fr_version_date FROM updates u JOIN versions v ON v.id = u.version_id
WHERE NOT EXISTS (
    SELECT 1 FROM updates u2 JOIN versions v2 ON v2.id = u2.version_id
    WHERE u2.document_number = u.document_number
      AND (v2.version_date > v.version_date OR (v2.version_date = v.version_date AND v2.id > v.id)))
"""


def list_updates(store: Store, *, since: dt.date | None = None, part: int | None = None) -> list[StoredUpdate]:
    """The record in force for every document, newest publication first (then by number)."""
    sql = _CURRENT + (" AND u.publication_date >= ?" if since else "")
    sql += " ORDER BY u.publication_date DESC, u.document_number DESC"
    rows = store.db.execute(sql, (since.isoformat(),) if since else ()).fetchall()
    out = [_stored(r) for r in rows]
    return [u for u in out if part is None or u.touches_part(part)]


def get_update(store: Store, document_number: str) -> StoredUpdate:
    rows = store.db.execute(_CURRENT + " AND u.document_number = ?", (document_number,)).fetchall()
    if rows:
        return _stored(rows[0])
    stem = document_number.split("-")[0]
    similar = [r[0] for r in store.db.execute(
        "SELECT DISTINCT document_number FROM updates WHERE document_number LIKE ? ORDER BY document_number DESC"
        " LIMIT 5", (stem.replace("%", "") + "-%",))]
    hint = f"; similar: {', '.join(similar)}" if similar else ""
    total = store.db.execute("SELECT count(DISTINCT document_number) FROM updates").fetchone()[0]
    if not total:
        hint += " (no update records stored: crawl the us-fr-bis source first)"
    raise NotFoundError(f"no update record {document_number}{hint}")


def history(store: Store, document_number: str) -> list[StoredUpdate]:
    """Every stored content of a document, oldest first."""
    rows = store.db.execute(
        "SELECT u.*, v.version_date AS fr_version_date FROM updates u JOIN versions v ON v.id = u.version_id"
        " WHERE u.document_number = ? ORDER BY v.version_date, v.id", (document_number,)).fetchall()
    return [_stored(r) for r in rows]


def _stored(row: sqlite3.Row) -> StoredUpdate:
    return StoredUpdate(
        document_number=row["document_number"], title=row["title"], abstract=row["abstract"], type=row["type"],
        action=row["action"], publication_date=dt.date.fromisoformat(row["publication_date"]),
        effective_on=dt.date.fromisoformat(row["effective_on"]) if row["effective_on"] else None,
        citation=row["citation"], cfr_parts=json.loads(row["cfr_parts"]),
        supplements=json.loads(row["supplements"]), docket_ids=json.loads(row["docket_ids"]),
        agencies=json.loads(row["agencies"]), html_url=row["html_url"], json_url=row["json_url"],
        version_id=row["version_id"], version_date=dt.date.fromisoformat(row["fr_version_date"]),
        recorded_at=row["recorded_at"],
    )


# --- links to CCL versions ---------------------------------------------------------------------------
def ccl_links(store: Store, update: StoredUpdate, sources: Sequence[str] = CCL_SOURCES) -> list[CclLink]:
    """The update's link into each CCL source that has stored versions."""
    counter = ChangeCounter(store)
    basis: Literal["effective_on", "publication_date"] = (
        "effective_on" if update.effective_on else "publication_date")
    on = update.effective_on or update.publication_date
    links = []
    for sid in sources:
        if store.db.execute("SELECT 1 FROM versions WHERE source_id=? LIMIT 1", (sid,)).fetchone() is None:
            continue
        if update.type not in _LINKED_TYPES:
            links.append(CclLink(sid, "not-a-rule", basis, on))
            continue
        links.append(link_version(store, sid, on, basis, counter))
    return links


def link_version(store: Store, source_id: str, on: dt.date, basis: Literal["effective_on", "publication_date"],
                 counter: ChangeCounter | None = None) -> CclLink:
    """The first version of `source_id` dated on or after `on`, and the version before it."""
    row = store.db.execute("SELECT id, version_date FROM versions WHERE source_id=? AND version_date >= ?"
                           " ORDER BY version_date, id LIMIT 1", (source_id, on.isoformat())).fetchone()
    if row is None:
        return CclLink(source_id, "pending", basis, on)
    prev = store.db.execute(
        "SELECT id, version_date FROM versions WHERE source_id=? AND (version_date < ? OR (version_date = ?"
        " AND id < ?)) ORDER BY version_date DESC, id DESC LIMIT 1",
        (source_id, row["version_date"], row["version_date"], row["id"])).fetchone()
    if prev is None:
        return CclLink(source_id, "baseline", basis, on, row["id"], dt.date.fromisoformat(row["version_date"]))
    changes = (counter or ChangeCounter(store)).count(prev["id"], row["id"])
    return CclLink(source_id, "linked", basis, on, row["id"], dt.date.fromisoformat(row["version_date"]),
                   prev["id"], dt.date.fromisoformat(prev["version_date"]), changes)


class ChangeCounter:
    """Reads the entry changes between two versions from change detection's tables, if present.

    Change detection (indexer/sql/30_changes.sql, exportwatch/processors/changes.py) is its own
    feature: without its tables, or before it has compared a version pair, the changes of a link
    are reported as unknown (None), never as zero. Of several change sets for one pair (engine
    upgrades), the newest is read, as indexer/changes.py does.
    """

    def __init__(self, store: Store) -> None:
        self.db = store.db
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self.available = {"change_sets", "changes"} <= tables

    def change_set(self, from_version_id: int, to_version_id: int) -> int | None:
        if not self.available:
            return None
        row = self.db.execute("SELECT id FROM change_sets WHERE from_version_id=? AND to_version_id=?"
                              " ORDER BY id DESC LIMIT 1", (from_version_id, to_version_id)).fetchone()
        return int(row[0]) if row else None

    def count(self, from_version_id: int, to_version_id: int) -> int | None:
        set_id = self.change_set(from_version_id, to_version_id)
        if set_id is None:
            return None
        return int(self.db.execute("SELECT count(*) FROM changes WHERE change_set_id=?", (set_id,)).fetchone()[0])

    def sample(self, from_version_id: int, to_version_id: int, limit: int | None = 20) -> list[ChangeRef]:
        """The changes of the pair in the change set's order (all of them when `limit` is None)."""
        set_id = self.change_set(from_version_id, to_version_id)
        if set_id is None:
            return []
        rows = self.db.execute("SELECT entry_id, kind, significance, summary FROM changes WHERE change_set_id=?"
                               " ORDER BY seq LIMIT ?", (set_id, -1 if limit is None else limit)).fetchall()
        return [ChangeRef(r["entry_id"], r["kind"], r["significance"], r["summary"]) for r in rows]
