"""Which vector each entry is indexed with: the bridge between the embedding cache in the store
(indexer.embeddings, keyed by model and text hash) and the search projection.

One model embeds every entry and every query, so that all of them live in one vector space:
`SEARCH_MODEL`, multilingual (the lists are in English and French). The text embedded for an
entry is `search_text`: the headings above it, then its own heading and text, so that a terse
sub-item ("Less than 1 ms within the synthesised frequency range") carries what it is about.

Vectors are computed once and cached in the store (`exportwatch reindex --embed`, or the
"embeddings" processor); the projection only reads the cache. An entry without a cached vector is
indexed without one: bm25 finds it, semantic search does not until it is embedded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from exportwatch.errors import ExportWatchError, QueryError
from indexer.base import Vector
from indexer.store import EntryRow, Store

SEARCH_MODEL = "use-multilingual-v3"
# Categories and groups ("ELECTRONICS", "Software") are headings to navigate by, not answers: a
# short query lands next to short texts, so with vectors they crowded the semantic top 10
# (bench/relevance: semantic recall@10 0.282 with them, 0.304 without). bm25 still finds them.
UNEMBEDDED_KINDS = frozenset({"category", "group"})
_MAX_CHARS = 2000  # the model reads about 128 word pieces: the rest would be cut anyway


class EmbeddingsUnavailable(QueryError):
    """Semantic search was asked for and no embedder is available."""


def search_text(entry: EntryRow, context: str) -> str:
    """What is embedded for an entry: its ancestors' headings, its heading, its own text."""
    parts = [context] if context else []
    parts.append(entry.heading)
    if entry.text and entry.text != entry.heading:
        parts.append(entry.text)
    return " / ".join(p for p in parts if p)[:_MAX_CHARS]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EntryVectors:
    """Looks up the cached vector of each entry; this base (no embeddings module) finds none."""

    model = ""

    def lookup(self, entries: Sequence[EntryRow], contexts: Mapping[str, str]
               ) -> dict[str, tuple[str, Vector]]:
        """entry_id -> (model, vector) for the entries that have a cached vector."""
        return {}


class CachedEntryVectors(EntryVectors):
    def __init__(self, store: Store, model: str = SEARCH_MODEL) -> None:
        self.store = store
        self.model = model

    def lookup(self, entries: Sequence[EntryRow], contexts: Mapping[str, str]
               ) -> dict[str, tuple[str, Vector]]:
        from indexer.embeddings import load_vectors

        hashes = {e.entry_id: _sha256(search_text(e, contexts.get(e.entry_id, "")))
                  for e in entries if e.kind not in UNEMBEDDED_KINDS}
        found = load_vectors(self.store, self.model, list(hashes.values()))
        return {eid: (self.model, found[h]) for eid, h in hashes.items() if h in found}


def entry_vectors(store: Store) -> EntryVectors:
    try:
        import indexer.embeddings  # noqa: F401  (the cache; absent in a build without it)
    except ImportError:
        return EntryVectors()
    return CachedEntryVectors(store)


def embed_missing(store: Store, texts: Sequence[str],
                  on_plan: Callable[[int], None] | None = None,
                  progress: Callable[[int], None] | None = None) -> int:
    """Embed (with SEARCH_MODEL) and cache the texts that have no vector yet; returns how many
    were computed."""
    try:
        from indexer.embeddings import embed_cached
        from nlp.embed.registry import get_embedder
    except ImportError as exc:
        raise EmbeddingsUnavailable(f"the embeddings module is not installed ({exc})") from exc
    _, stats = embed_cached(store, get_embedder(SEARCH_MODEL), texts, on_plan=on_plan,
                            progress=progress)
    return stats.embedded


def embed_query(store: Store, text: str) -> tuple[str, Vector]:
    """(model, vector) of a query text, embedded with the model the entries are embedded with."""
    try:
        from nlp.embed.registry import get_embedder
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            "semantic and hybrid search need the embedding models, which are not installed "
            f"({exc}): install the project's pinned requirements, or use --mode bm25") from exc
    try:
        vector = get_embedder(SEARCH_MODEL).embed([text])[0]
    except ExportWatchError as exc:
        raise EmbeddingsUnavailable(f"cannot embed the query: {exc}") from exc
    return SEARCH_MODEL, np.asarray(vector, dtype=np.float32)
