"""Stored extraction results per entry and version (schema: indexer/sql/20_annotations.sql)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from indexer.store import Store
from nlp.extract.model import Extraction, Parameter, Reference

_PARAM_FIELDS = {f.name for f in fields(Parameter)}
_REF_FIELDS = {f.name for f in fields(Reference)}


@dataclass(frozen=True)
class EntryAnnotations:
    """What extraction found in one entry: in its text and in each of its notes (same order as
    the entry's notes)."""

    version_id: int
    entry_id: str
    extractor: int
    content_sha256: str
    decimal_comma: bool
    text: Extraction
    notes: tuple[Extraction, ...]

    def located(self) -> list[tuple[str, Extraction]]:
        """ ("text", ...), ("notes[0]", ...), ...: each extraction with the field it came from."""
        return [("text", self.text)] + [(f"notes[{i}]", x) for i, x in enumerate(self.notes)]

    @property
    def parameters(self) -> list[Parameter]:
        return [p for _, x in self.located() for p in x.parameters]

    @property
    def references(self) -> list[Reference]:
        return [r for _, x in self.located() for r in x.references]

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(c for _, x in self.located() for c in x.codes))

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for _, x in self.located() for t in x.terms))


def encode(text: Extraction, notes: Sequence[Extraction]) -> dict[str, str]:
    """The JSON columns for one entry."""
    located = [("text", text)] + [(f"notes[{i}]", x) for i, x in enumerate(notes)]
    return {
        "parameters": _dumps([{"field": f, **asdict(p)} for f, x in located for p in x.parameters]),
        "refs": _dumps([{"field": f, **asdict(r)} for f, x in located for r in x.references]),
        "codes": _dumps([{"field": f, "code": c} for f, x in located for c in x.codes]),
        "terms": _dumps([{"field": f, "term": t} for f, x in located for t in x.terms]),
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _decode(row: sqlite3.Row, note_count: int | None = None) -> EntryAnnotations:
    parameters = json.loads(row["parameters"])
    refs = json.loads(row["refs"])
    codes = json.loads(row["codes"])
    terms = json.loads(row["terms"])
    used = [_note_index(d["field"]) for d in (*parameters, *refs, *codes, *terms)]
    count = max([i + 1 for i in used if i is not None] + [note_count or 0])

    def part(name: str) -> Extraction:
        return Extraction(
            parameters=tuple(Parameter(**{k: v for k, v in d.items() if k in _PARAM_FIELDS})
                             for d in parameters if d["field"] == name),
            references=tuple(Reference(**{k: v for k, v in d.items() if k in _REF_FIELDS})
                             for d in refs if d["field"] == name),
            codes=tuple(d["code"] for d in codes if d["field"] == name),
            terms=tuple(d["term"] for d in terms if d["field"] == name),
        )

    return EntryAnnotations(
        version_id=row["version_id"], entry_id=row["entry_id"], extractor=row["extractor"],
        content_sha256=row["content_sha256"], decimal_comma=bool(row["decimal_comma"]), text=part("text"),
        notes=tuple(part(f"notes[{i}]") for i in range(count)),
    )


def _note_index(field: str) -> int | None:
    return int(field[6:-1]) if field.startswith("notes[") else None


@dataclass(frozen=True)
class AnnotationRow:
    entry_id: str
    content_sha256: str
    decimal_comma: bool
    columns: dict[str, str]  # from `encode`


def add_annotations(store: Store, version_id: int, extractor: int, rows: Iterable[AnnotationRow]) -> int:
    """Store a version's annotations in one transaction; rows already stored are left as they are
    (a processor may run again after a crash). Returns how many rows were added."""
    values = [(version_id, r.entry_id, extractor, r.content_sha256, int(r.decimal_comma), r.columns["parameters"],
               r.columns["refs"], r.columns["codes"], r.columns["terms"]) for r in rows]
    with store.transaction() as db:
        before = db.total_changes
        db.executemany(
            "INSERT OR IGNORE INTO annotations(version_id, entry_id, extractor, content_sha256, decimal_comma,"
            " parameters, refs, codes, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        return db.total_changes - before


def annotated_entries(store: Store, version_id: int, extractor: int) -> set[str]:
    rows = store.db.execute("SELECT entry_id FROM annotations WHERE version_id=? AND extractor=?",
                            (version_id, extractor)).fetchall()
    return {r[0] for r in rows}


def reusable_rows(store: Store, version_id: int, extractor: int) -> dict[str, AnnotationRow]:
    """A version's rows by entry id, to reuse for entries whose content did not change."""
    rows = store.db.execute("SELECT * FROM annotations WHERE version_id=? AND extractor=?",
                            (version_id, extractor)).fetchall()
    return {r["entry_id"]: AnnotationRow(r["entry_id"], r["content_sha256"], bool(r["decimal_comma"]),
                                         {k: r[k] for k in ("parameters", "refs", "codes", "terms")})
            for r in rows}


def entry_annotations(store: Store, version_id: int, entry_id: str,
                      note_count: int | None = None) -> EntryAnnotations | None:
    """One entry's annotations in one version (from the newest extractor that ran on it)."""
    row = store.db.execute("SELECT * FROM annotations WHERE version_id=? AND entry_id=?"
                           " ORDER BY extractor DESC LIMIT 1", (version_id, entry_id)).fetchone()
    return _decode(row, note_count) if row else None


def version_annotations(store: Store, version_id: int) -> dict[str, EntryAnnotations]:
    """Every entry's annotations in one version, by entry id."""
    rows = store.db.execute("SELECT * FROM annotations WHERE version_id=? ORDER BY entry_id, extractor",
                            (version_id,)).fetchall()
    return {r["entry_id"]: _decode(r) for r in rows}  # later (newer extractor) rows overwrite earlier


def referencing(store: Store, version_id: int, target: str) -> list[tuple[str, str]]:
    """(entry id, kind) of the entries of a version whose references point at `target` or one of
    its sub-items ("5A002" finds references to 5A002 and to 5A002.a.4)."""
    rows = store.db.execute(
        "SELECT DISTINCT a.entry_id, json_extract(r.value, '$.kind') AS kind FROM annotations a,"
        " json_each(a.refs) r WHERE a.version_id=? AND (json_extract(r.value, '$.target')=?"
        " OR json_extract(r.value, '$.target') LIKE ?) ORDER BY a.entry_id",
        (version_id, target, target.replace("%", "").replace("_", "") + ".%")).fetchall()
    return [(r[0], r[1]) for r in rows]
