"""Processor "changes" (order 30): entry-level change detection against the version before.

Runs after extraction (10) and definitions (20). For the new version it computes the change set
of the link before it and, when the version was stored out of order (an older document fetched
late), of the link after it. Idempotent: a link that already has a change set from this engine
version is skipped, and change sets are only ever added.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from exportwatch.processors import Processor, VersionContext
from indexer.changes import has_change_set, record_change_set, version_entries
from indexer.store import Store, VersionRow
from nlp.changes import ENGINE_VERSION, diff_versions
from nlp.changes.definitions import Definition, TermsOf, diff_definitions, term_form
from nlp.changes.model import Change, EntryText
from nlp.changes.params import version_extractor
from nlp.model import Note


def detect_changes(store: Store, source_id: str, version: VersionRow) -> list[str]:
    """Compute and store the change sets touching `version`; returns warnings."""
    versions = store.versions(source_id)
    idx = next(i for i, v in enumerate(versions) if v.id == version.id)
    links = []
    if idx > 0:
        links.append((versions[idx - 1], version))
    if idx + 1 < len(versions):
        links.append((version, versions[idx + 1]))
    warnings: list[str] = []
    for old, new in links:
        if has_change_set(store, old.id, new.id, ENGINE_VERSION):
            continue
        old_entries, new_entries = version_entries(store, old.id), version_entries(store, new.id)
        diff = diff_versions(old_entries, new_entries, extractor=version_extractor(_texts(new_entries)))
        def_changes, def_warnings = definition_changes(store, old, new, old_entries, new_entries)
        set_warnings = diff.warnings + def_warnings
        record_change_set(store, source_id=source_id, from_version=old, to_version=new, engine=ENGINE_VERSION,
                          changes=diff.changes + def_changes, warnings=set_warnings)
        warnings += [f"{old.version_date} -> {new.version_date}: {w}" for w in set_warnings]
        current = store.current_version(source_id)
        if current is not None and current.id == new.id:
            # the search index holds each entry's change kind in the current version: a change
            # set for it that arrives after indexing (a retried or late run) must re-index it
            store.forget_projected(source_id)
    return warnings


def _texts(entries: list[EntryText]) -> dict[str, str]:
    by_language: dict[str, list[str]] = {}
    for e in entries:
        by_language.setdefault(e.language, []).append(e.text)
    return {lang: "\n".join(texts) for lang, texts in by_language.items()}


def definition_changes(store: Store, old: VersionRow, new: VersionRow, old_entries: list[EntryText],
                       new_entries: list[EntryText]) -> tuple[list[Change], list[str]]:
    """Definition changes from the `definitions` table (filled by the "definitions" processor).
    Without the table, or without rows for both versions, none: a warning says why."""
    exists = store.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='definitions'").fetchone()
    if exists is None:
        return [], ["no definitions table: definition changes not computed"]
    before, after = _definitions(store, old.id), _definitions(store, new.id)
    if not before and not after:
        return [], []
    if not before or not after:
        missing = old if not before else new
        return [], [f"definitions not extracted for the version of {missing.version_date}: "
                    "definition changes not computed"]
    return diff_definitions(before, after, old_entries=old_entries, new_entries=new_entries,
                            terms_of=_annotated_terms(store, new.id), old_terms_of=_annotated_terms(store, old.id)), []


def _annotated_terms(store: Store, version_id: int) -> TermsOf | None:
    """The defined terms each entry uses, as the "extract" processor stored them (annotations),
    or None where there are none (then the terms are extracted on the fly)."""
    try:
        annotations = importlib.import_module("indexer.annotations")
    except ImportError:
        return None
    found = annotations.version_annotations(store, version_id)
    if not found:
        return None
    terms = {eid: {term_form(t) for t in a.terms} for eid, a in found.items()}
    return lambda entry: terms.get(entry.entry_id, set())


def _definitions(store: Store, version_id: int) -> list[Definition]:
    rows = store.db.execute("SELECT * FROM definitions WHERE version_id=? ORDER BY position, def_id",
                            (version_id,)).fetchall()
    return [Definition(def_id=r["def_id"], term=r["term"], term_key=r["term_key"], language=r["language"],
                       scope=r["scope"] or "", text=r["text"], notes=_notes(r["notes"])) for r in rows]


def _notes(raw: str | None) -> tuple[Note, ...]:
    data: Any = json.loads(raw) if raw else []
    out = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict):
            out.append(Note(item.get("kind", "note"), str(item.get("label", "")), str(item.get("text", ""))))
        else:
            out.append(Note("note", "", str(item)))
    return tuple(out)


def _run(ctx: VersionContext) -> list[str]:
    return detect_changes(ctx.store, ctx.source.id, ctx.version)


PROCESSOR = Processor("changes", 30, _run)
