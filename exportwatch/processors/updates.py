"""Processor `updates`: store the regulation-update records of a Federal Register version.

Runs on versions of sources in the `federal-register-json` format (us-fr-bis) and does nothing for
the others. It reads the version's own API pages back from the store (version_files + snapshots),
so the records hold every field the API gave, not the flattened notes of the entries. Links to CCL
versions are computed when records are read (indexer/updates.py), so nothing here depends on the
order in which sources are crawled.
"""

from __future__ import annotations

from exportwatch.errors import NotFoundError, ParseError
from exportwatch.processors import Processor, VersionContext
from indexer.updates import add_updates
from nlp.parse.federal_register import read_pages

FORMAT = "federal-register-json"


def run(ctx: VersionContext) -> list[str]:
    if ctx.source.format != FORMAT:
        return []
    files = ctx.store.db.execute("SELECT url, sha256 FROM version_files WHERE version_id=? AND role='list'"
                                 " ORDER BY rowid", (ctx.version.id,)).fetchall()
    if not files:
        return [f"version {ctx.version.id} ({ctx.version.version_date}) has no stored API pages: no update records"]
    try:
        pages = [(f["url"], ctx.store.snapshot(f["sha256"])) for f in files]
        result = read_pages(pages)
    except (NotFoundError, ParseError) as exc:
        raise ParseError(f"updates for {ctx.source.id} version {ctx.version.version_date}: {exc}") from exc
    add_updates(ctx.store, ctx.version.id, result.records)
    # The parse already recorded the pages' warnings on the version: not repeated here.
    return []


PROCESSOR = Processor("updates", 35, run)
