"""Post-version processor `definitions`: read the defined terms out of a stored version.

The definitions live in the raw documents, most of them outside what the parsers turn into list
entries (the EU's Part I, Wassenaar's DEF file, DSGL Part 1A, § 772.1, Canada's `<Body>`), so the
processor re-reads the version's snapshots with the extractor registered for the source's format
(`nlp/definitions`), in a sandboxed child process, and stores one row per term. Idempotent: a
version that has definitions already is left alone.
"""

from __future__ import annotations

from exportwatch.errors import ExportWatchError
from exportwatch.processors import Processor, VersionContext
from indexer.definitions import add_definitions, has_definitions
from nlp.definitions import has_extractor
from nlp.definitions.sandbox import extract_in_sandbox
from nlp.parse import FetchedFile


def version_files(ctx: VersionContext) -> tuple[FetchedFile, ...]:
    rows = ctx.store.db.execute("SELECT url, sha256, language, role FROM version_files WHERE version_id=?"
                                " ORDER BY url", (ctx.version.id,)).fetchall()
    return tuple(FetchedFile(url=r["url"], content=ctx.store.snapshot(r["sha256"]), language=r["language"],
                             role=r["role"]) for r in rows)


def run(ctx: VersionContext) -> list[str]:
    if not has_extractor(ctx.source.format) or has_definitions(ctx.store, ctx.version.id):
        return []
    files = version_files(ctx)
    if not files:
        raise ExportWatchError(f"{ctx.source.id} {ctx.version.version_date}: the version has no stored files")
    result = extract_in_sandbox(ctx.source.format, files, ctx.source.id,
                                timeout_s=ctx.settings.parse_timeout_s,
                                memory_bytes=ctx.settings.parse_memory_bytes)
    if not result.definitions:
        raise ExportWatchError(f"{ctx.source.id} {ctx.version.version_date}: no definitions found")
    warnings = list(result.warnings)
    warnings += add_definitions(ctx.store, ctx.version.id, jurisdiction=ctx.source.jurisdiction,
                                primary_language=ctx.source.languages[0], definitions=result.definitions,
                                documents=result.documents)
    return warnings


PROCESSOR = Processor("definitions", 20, run)
