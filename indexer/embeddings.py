"""The embedding cache in the store: vectors keyed by (model, sha256 of the text).

`embed_cached` embeds only the texts whose vector is not stored yet, so re-running over an
unchanged version (or a new version whose entries mostly did not change) embeds nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from exportwatch.errors import StoreError
from indexer.store import Store
from nlp.embed.base import Embedder, Vectors, embed_batched
from nlp.match.documents import Node, text_sha256

_CHUNK = 500  # SQLite host parameters per IN (...) query


@dataclass(frozen=True)
class CacheStats:
    texts: int  # distinct texts asked for
    cached: int  # found in the cache
    embedded: int  # computed now


def load_vectors(store: Store, model: str, hashes: Sequence[str]) -> dict[str, Vectors]:
    out: dict[str, Vectors] = {}
    unique = list(dict.fromkeys(hashes))
    try:
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = store.db.execute(f"SELECT text_sha256, dim, vector FROM embeddings WHERE model=? AND"
                                    f" text_sha256 IN ({marks})", (model, *chunk)).fetchall()
            for sha, dim, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    out[sha] = vec
    except sqlite3.Error as exc:
        raise StoreError(f"store {store.path}: cannot read embeddings: {exc}") from exc
    return out


def save_vectors(store: Store, model: str, items: Sequence[tuple[str, Vectors]]) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction() as db:
        db.executemany("INSERT OR IGNORE INTO embeddings(model, text_sha256, dim, vector, created_at)"
                       " VALUES (?, ?, ?, ?, ?)",
                       [(model, sha, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes(), now)
                        for sha, v in items])


def embed_cached(store: Store, embedder: Embedder, texts: Sequence[str], *, batch_size: int = 64,
                 progress: Callable[[int], None] | None = None,
                 on_plan: Callable[[int], None] | None = None) -> tuple[Vectors, CacheStats]:
    """Vectors for `texts` (row per text, in order), embedding only what the cache lacks.

    `on_plan` is told how many texts will be embedded (to size a progress bar); new vectors are
    saved in chunks, so an interrupted run keeps what it computed."""
    hashes = [text_sha256(t) for t in texts]
    found = load_vectors(store, embedder.name, hashes)
    missing: dict[str, str] = {}
    for sha, text in zip(hashes, texts, strict=True):
        if sha not in found and sha not in missing:
            missing[sha] = text
    if on_plan is not None:
        on_plan(len(missing))
    pending = list(missing.items())
    for start in range(0, len(pending), 1024):
        chunk = pending[start:start + 1024]
        vectors = embed_batched(embedder, [t for _, t in chunk], batch_size, progress)
        new = [(sha, vectors[i]) for i, (sha, _) in enumerate(chunk)]
        save_vectors(store, embedder.name, new)
        found.update(new)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, sha in enumerate(hashes):
        out[i] = found[sha]
    distinct = len(set(hashes))
    return out, CacheStats(texts=distinct, cached=distinct - len(missing), embedded=len(missing))


class CachedEmbed:
    """An `EmbedFn` (nlp.match.matcher) that embeds through the store's cache with one model.

    `on_plan(model, n)` and `progress(n)` let the caller show a progress bar for long runs."""

    def __init__(self, store: Store, embedder: Embedder, *,
                 on_plan: Callable[[str, int], None] | None = None,
                 progress: Callable[[int], None] | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.on_plan = on_plan
        self.progress = progress
        self.embedded = 0

    def vectors(self, texts: Sequence[str]) -> Vectors:
        def plan(n: int) -> None:
            if self.on_plan is not None:
                self.on_plan(self.embedder.name, n)

        vectors, stats = embed_cached(self.store, self.embedder, texts, progress=self.progress, on_plan=plan)
        self.embedded += stats.embedded
        return vectors

    def __call__(self, left: Sequence[str], right: Sequence[str]) -> tuple[Vectors, Vectors]:
        both = self.vectors([*left, *right])
        return both[:len(left)], both[len(left):]


def version_nodes(store: Store, version_id: int, language: str | None = None) -> list[Node]:
    """The entries of one stored version as matching nodes (optionally one language only)."""
    out = []
    for e in store.entries(version_id):
        if language is not None and e.language != language:
            continue
        out.append(Node(e.entry_id, e.code, e.parent_id, e.kind, e.text or e.heading, e.language, e.position,
                        e.status))
    return out
