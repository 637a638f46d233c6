"""Post-version processor `embeddings`: embed a new version's entries and sub-items (primary
language) into the store's embedding cache, so that `equivalents`, `concordance` and `classify`
find their vectors ready.

Opt-in (EXPORTWATCH_EMBED_ON_INGEST=true): the US CCL version alone is 4,864 distinct texts, 60 s
on one thread of a busy machine with the default model (several minutes with MiniLM); every
source of the demo about 18,000. The commands that need vectors compute missing ones on first
use anyway, and a second version of a list costs only its changed entries. Texts already in the cache
(unchanged entries of an earlier version) are not embedded again: the cache is keyed by model and
text hash. Idempotent, and adds rows only (to the cache).
"""

from __future__ import annotations

from exportwatch.processors import Processor, VersionContext
from indexer.embeddings import embed_cached, version_nodes
from nlp.embed.registry import get_embedder, model_for
from nlp.match.documents import matching_documents


def run(ctx: VersionContext) -> list[str]:
    if not ctx.settings.embed_on_ingest:
        return []
    language = ctx.source.languages[0]
    nodes = version_nodes(ctx.store, ctx.version.id, language)
    docs = [d for d in matching_documents(nodes, kinds=("entry", "item")).values() if d]
    embedder = get_embedder(model_for({language}, ctx.settings.embed_model_en), ctx.settings.embed_threads)
    embed_cached(ctx.store, embedder, docs)
    return []


PROCESSOR = Processor("embeddings", 40, run)
