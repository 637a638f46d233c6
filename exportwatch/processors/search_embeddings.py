"""Post-version processor `search-embeddings`: embed a new version's entries for semantic and
hybrid search (the text and model of indexer.entry_vectors, which differ from the matching
processor's), so that the projection that follows the processors indexes them with vectors.

Opt-in with the other embeddings (EXPORTWATCH_EMBED_ON_INGEST=true); otherwise
`exportwatch reindex --embed` does it for every current version at once. Only texts missing from
the cache are embedded (an unchanged entry of an earlier version costs nothing). Idempotent, and
adds rows only (to the embedding cache).
"""

from __future__ import annotations

from exportwatch.processors import Processor, VersionContext
from indexer.entry_vectors import embed_missing
from indexer.project import search_texts


def run(ctx: VersionContext) -> list[str]:
    if not ctx.settings.embed_on_ingest:
        return []
    current = ctx.store.current_version(ctx.source.id)
    if current is None or current.id != ctx.version.id:
        return []  # search indexes current versions only (`reprocess` also walks older ones)
    embed_missing(ctx.store, search_texts(ctx.store, ctx.version, ctx.source.jurisdiction))
    return []


PROCESSOR = Processor("search-embeddings", 45, run)
