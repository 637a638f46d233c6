"""Post-version processor `extract`: parameters, references, codes and defined terms of every
entry of a new version (nlp/extract), stored per entry (indexer/annotations.py).

How the source writes decimals ("2,5 m" or "2.5 m") is decided once per version and language from
all its text, so a lone "1,000 mV" is read the way the rest of the list reads. An entry whose
content (and that decision) is unchanged since the previous version reuses that version's row: a
new Wassenaar edition re-extracts only the entries that changed. Idempotent: entries already
annotated by this extractor version are left alone.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from exportwatch.processors import Processor, VersionContext
from indexer.annotations import AnnotationRow, add_annotations, annotated_entries, encode, reusable_rows
from indexer.store import EntryRow
from nlp.extract import EXTRACTOR_VERSION, detect_decimal_comma, extract_many


def content_hash(entry: EntryRow, decimal_comma: bool) -> str:
    payload = [entry.language, decimal_comma, entry.text, [n["text"] for n in entry.notes]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def _conventions(entries: list[EntryRow]) -> dict[str, bool]:
    """Decimal comma or point, per language of the version."""
    texts: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        texts[e.language].append(e.text)
        texts[e.language] += [n["text"] for n in e.notes]
    return {lang: detect_decimal_comma("\n".join(parts), lang) for lang, parts in texts.items()}


def annotate(ctx: VersionContext) -> tuple[int, int]:
    """Annotate the version's entries not yet annotated; returns (extracted, reused)."""
    entries = ctx.store.entries(ctx.version.id)
    done = annotated_entries(ctx.store, ctx.version.id, EXTRACTOR_VERSION)
    todo = [e for e in entries if e.entry_id not in done]
    if not todo:
        return 0, 0
    conventions = _conventions(entries)
    previous = ctx.previous
    reuse = reusable_rows(ctx.store, previous.id, EXTRACTOR_VERSION) if previous else {}
    rows: list[AnnotationRow] = []
    fresh: dict[tuple[str, bool], list[tuple[EntryRow, str]]] = defaultdict(list)
    for e in todo:
        comma = conventions[e.language]
        digest = content_hash(e, comma)
        old = reuse.get(e.entry_id)
        if old is not None and old.content_sha256 == digest:
            rows.append(old)
        else:
            fresh[(e.language, comma)].append((e, digest))
    reused = len(rows)
    for (language, comma), batch in fresh.items():
        texts = [t for e, _ in batch for t in (e.text, *(n["text"] for n in e.notes))]
        extractions = iter(extract_many(texts, language, decimal_comma=comma))
        for e, digest in batch:
            text = next(extractions)
            notes = [next(extractions) for _ in e.notes]
            rows.append(AnnotationRow(e.entry_id, digest, comma, encode(text, notes)))
    add_annotations(ctx.store, ctx.version.id, EXTRACTOR_VERSION, rows)
    return len(rows) - reused, reused


def run(ctx: VersionContext) -> list[str]:
    annotate(ctx)
    return []


PROCESSOR = Processor("extract", 10, run)
