"""Defined terms in the store: write a version's definitions, read them by term across
jurisdictions and versions, and a definition's history with the intervals it was valid for.

Definitions are stored per version (table `definitions`, indexer/sql/25_definitions.sql), like
entries; a definition's history is the run of its versions. A version of a source that has no
definitions rows was not (or not successfully) processed: history skips it rather than reading
it as a removal.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exportwatch.errors import StoreError
from indexer.store import Store, VersionRow
from nlp.definitions.keys import match_forms, query_variants, suggestions, term_key
from nlp.definitions.model import Definition
from nlp.parse.text import normalise_for_compare


@dataclass(frozen=True)
class DefinitionRow:
    version_id: int
    def_id: str
    term: str
    term_key: str
    language: str
    scope: str
    text: str
    notes: list[dict[str, str]]
    position: int

    @property
    def jurisdiction(self) -> str:
        return self.def_id.split(":", 1)[0]

    def content_key(self) -> tuple[str, ...]:
        """What a change is: the wording, scope or notes, not quotes, dashes, spacing or case."""
        notes = " | ".join(f"{n.get('label', '')}: {n.get('text', '')}" for n in self.notes)
        return (normalise_for_compare(self.term), normalise_for_compare(self.scope),
                normalise_for_compare(self.text), normalise_for_compare(notes))


@dataclass(frozen=True)
class VersionDefinitions:
    """The definitions of one version of one source."""

    version: VersionRow
    jurisdiction: str
    definitions: list[DefinitionRow]
    documents: list[str]


@dataclass(frozen=True)
class Interval:
    """A stretch of versions over which a definition read the same (`row`), or was absent
    (`row` None). `valid_to` is the date of the version that changed or dropped it; None while
    it stands in the source's latest version."""

    valid_from: dt.date
    valid_to: dt.date | None
    first_version_id: int
    last_version_id: int
    versions: int
    row: DefinitionRow | None


def def_id_for(jurisdiction: str, key: str, language: str, primary_language: str) -> str:
    suffix = "" if language == primary_language else f"@{language}"
    return f"{jurisdiction}:def:{key}{suffix}"


def has_definitions(store: Store, version_id: int) -> bool:
    row = store.db.execute("SELECT 1 FROM definitions WHERE version_id=? LIMIT 1", (version_id,)).fetchone()
    return row is not None


def add_definitions(store: Store, version_id: int, *, jurisdiction: str, primary_language: str,
                    definitions: Sequence[Definition], documents: Sequence[str] = ()) -> list[str]:
    """Store a version's definitions in one transaction, unless it has some already (idempotent,
    append-only). Returns warnings: def_ids that two definitions would share (the later is stored
    with a number appended)."""
    warnings: list[str] = []
    rows = []
    taken: set[str] = set()
    for d in definitions:
        def_id = def_id_for(jurisdiction, d.key_for_id, d.language, primary_language)
        base, n = def_id, 2
        while def_id in taken:
            def_id = f"{base} ({n})"
            n += 1
        if def_id != base:
            warnings.append(f"{d.term!r}: definition id {base!r} already used in this version; stored as {def_id!r}")
        taken.add(def_id)
        notes = json.dumps([{"label": n.label, "text": n.text} for n in d.notes], ensure_ascii=False)
        rows.append((version_id, def_id, d.term, d.term_key, d.language, d.scope, d.text, notes, d.position))
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM definitions WHERE version_id=? LIMIT 1", (version_id,)).fetchone():
            return []
        try:
            db.executemany("INSERT INTO definitions(version_id, def_id, term, term_key, language, scope, text,"
                           " notes, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT OR IGNORE INTO definition_documents(version_id, url) VALUES (?, ?)",
                           [(version_id, url) for url in documents])
        except sqlite3.Error as exc:
            raise StoreError(f"store {store.path}: cannot write the definitions of version {version_id}: "
                             f"{exc}") from exc
    return warnings


def _row(r: sqlite3.Row) -> DefinitionRow:
    return DefinitionRow(version_id=r["version_id"], def_id=r["def_id"], term=r["term"], term_key=r["term_key"],
                         language=r["language"], scope=r["scope"], text=r["text"], notes=json.loads(r["notes"]),
                         position=r["position"])


def version_definitions(store: Store, version_id: int) -> list[DefinitionRow]:
    rows = store.db.execute("SELECT * FROM definitions WHERE version_id=? ORDER BY position, def_id",
                            (version_id,)).fetchall()
    return [_row(r) for r in rows]


def definition_documents(store: Store, version_id: int) -> list[str]:
    rows = store.db.execute("SELECT url FROM definition_documents WHERE version_id=? ORDER BY url",
                            (version_id,)).fetchall()
    return [r[0] for r in rows]


def count_definitions(store: Store, version_id: int) -> dict[str, int]:
    """Number of definitions of a version per language."""
    rows = store.db.execute("SELECT language, count(*) FROM definitions WHERE version_id=? GROUP BY language",
                            (version_id,)).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def _extracted_versions(store: Store, source_id: str) -> list[VersionRow]:
    have = {int(r[0]) for r in store.db.execute(
        "SELECT DISTINCT d.version_id FROM definitions d JOIN versions v ON v.id = d.version_id"
        " WHERE v.source_id=?", (source_id,))}
    return [v for v in store.versions(source_id) if v.id in have]


def current_definitions(store: Store, source_ids: Iterable[str], jurisdictions: dict[str, str], *,
                        as_of: dt.date | None = None) -> list[VersionDefinitions]:
    """For each source, the definitions of its latest version (on or before `as_of`) that has them.

    `jurisdictions` maps source id to jurisdiction (def_ids carry it too, but a source whose
    version has no definitions still needs one to be reported)."""
    out: list[VersionDefinitions] = []
    for source_id in source_ids:
        versions = [v for v in _extracted_versions(store, source_id) if as_of is None or v.version_date <= as_of]
        if not versions:
            continue
        version = versions[-1]
        out.append(VersionDefinitions(version, jurisdictions.get(source_id, ""),
                                      version_definitions(store, version.id),
                                      definition_documents(store, version.id)))
    return out


def latest_is_extracted(store: Store, source_id: str, as_of: dt.date | None = None) -> bool:
    """False when the source's version in force has no definitions yet (not processed)."""
    version = store.current_version(source_id, as_of)
    return version is None or has_definitions(store, version.id)


def rows_by_def_id(store: Store, def_id: str, source_id: str) -> dict[int, DefinitionRow]:
    rows = store.db.execute(
        "SELECT d.* FROM definitions d JOIN versions v ON v.id = d.version_id WHERE d.def_id=? AND v.source_id=?",
        (def_id, source_id)).fetchall()
    return {int(r["version_id"]): _row(r) for r in rows}


def history(store: Store, source_id: str, def_id: str, *, as_of: dt.date | None = None) -> list[Interval]:
    """The intervals over which `def_id` read the same in `source_id`, oldest first.

    Versions are the source's versions that have definitions (on or before `as_of`); a version
    without this def_id opens an interval with `row` None (removed), unless the definition was
    never there before (intervals start at its first appearance)."""
    versions = [v for v in _extracted_versions(store, source_id) if as_of is None or v.version_date <= as_of]
    rows = rows_by_def_id(store, def_id, source_id)
    out: list[Interval] = []
    current: DefinitionRow | None = None
    start: VersionRow | None = None
    last: VersionRow | None = None
    count = 0
    for version in versions:
        row = rows.get(version.id)
        same = start is not None and ((row is None and current is None) or (
            row is not None and current is not None and row.content_key() == current.content_key()))
        if start is None and row is None:
            continue  # not yet defined
        if same:
            last, count = version, count + 1
            continue
        if start is not None and last is not None:
            out.append(Interval(start.version_date, version.version_date, start.id, last.id, count, current))
        current, start, last, count = row, version, version, 1
    if start is not None and last is not None:
        out.append(Interval(start.version_date, None, start.id, last.id, count, current))
    return out


def all_keys(store: Store) -> list[tuple[str, str]]:
    """(term_key, term) of every stored definition, for suggestions."""
    return [(r[0], r[1]) for r in store.db.execute("SELECT DISTINCT term_key, term FROM definitions")]


# --- lookup by term -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    source: VersionDefinitions
    row: DefinitionRow
    how: str  # "exact", "qualified" (the key without its parentheses, or an acronym), "variant"


@dataclass(frozen=True)
class Lookup:
    query: str
    key: str
    matches: list[Match]
    suggestions: list[str]
    not_extracted: list[str]  # sources whose version in force has no definitions yet


def _how(row: DefinitionRow, key: str, variants: set[str]) -> str | None:
    if row.term_key == key:
        return "exact"
    forms = match_forms(row.term, row.term_key)
    if key in forms:
        return "qualified"
    if variants & forms:
        return "variant"
    return None


def lookup(store: Store, query: str, sources: dict[str, str], *, as_of: dt.date | None = None) -> Lookup:
    """The definitions of `query` in the version in force of each source (`sources`: id ->
    jurisdiction). Per source, exact and qualified matches win; only a source with neither is
    searched for plural/singular and spelling variants. With no match anywhere, `suggestions`
    lists keys that start with, contain or nearly spell the query."""
    key = term_key(query)
    variants = query_variants(query)
    matches: list[Match] = []
    pool: list[str] = []
    for source in current_definitions(store, sorted(sources), sources, as_of=as_of):
        found = [(row, how) for row in source.definitions if (how := _how(row, key, variants))]
        best = [(r, h) for r, h in found if h != "variant"] or found
        matches += [Match(source, row, how) for row, how in best]
        pool += [row.term_key for row in source.definitions]
    not_extracted = [sid for sid in sorted(sources) if not latest_is_extracted(store, sid, as_of)]
    return Lookup(query, key, matches, [] if matches else suggestions(query, pool), not_extracted)
