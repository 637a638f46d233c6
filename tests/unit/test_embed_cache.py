"""The embedding cache: vectors stored per (model, text hash); a second run embeds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from indexer.embeddings import CachedEmbed, embed_cached, load_vectors
from indexer.store import Store
from nlp.embed.base import EmbeddingError, embed_batched, normalise_rows, verify_sha256
from nlp.match.documents import text_sha256


class CountingEmbedder:
    name = "counting-test"
    dim = 4
    languages = frozenset({"en"})

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen += list(texts)
        rows = [[len(t), t.count("a"), t.count("e"), 1.0] for t in texts]
        return normalise_rows(np.array(rows, dtype=np.float32))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite")


def test_second_run_embeds_nothing(store: Store) -> None:
    emb = CountingEmbedder()
    texts = ["alpha", "beta", "alpha", "gamma"]
    first, stats1 = embed_cached(store, emb, texts)
    assert stats1.embedded == 3 and stats1.cached == 0
    assert sorted(emb.seen) == ["alpha", "beta", "gamma"]  # duplicates embedded once
    emb.seen.clear()
    second, stats2 = embed_cached(store, emb, texts)
    assert emb.seen == [] and stats2.embedded == 0 and stats2.cached == 3
    np.testing.assert_array_equal(first, second)
    assert first.dtype == np.float32 and np.allclose(np.linalg.norm(first, axis=1), 1.0)


def test_only_new_texts_are_embedded(store: Store) -> None:
    emb = CountingEmbedder()
    embed_cached(store, emb, ["alpha", "beta"])
    emb.seen.clear()
    _, stats = embed_cached(store, emb, ["alpha", "beta", "delta"])
    assert emb.seen == ["delta"] and stats.embedded == 1


def test_vectors_survive_reopening_as_float32_blobs(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    with Store(tmp_path / "s.sqlite") as st:
        vecs, _ = embed_cached(st, emb, ["alpha"])
    with Store(tmp_path / "s.sqlite") as st:
        found = load_vectors(st, emb.name, [text_sha256("alpha")])
        blob = st.db.execute("SELECT vector, dim FROM embeddings").fetchone()
    np.testing.assert_array_equal(found[text_sha256("alpha")], vecs[0])
    assert len(blob[0]) == 4 * blob[1] == 16


def test_cache_is_per_model(store: Store) -> None:
    a, b = CountingEmbedder(), CountingEmbedder()
    b.name = "other-model"
    embed_cached(store, a, ["alpha"])
    _, stats = embed_cached(store, b, ["alpha"])
    assert stats.embedded == 1 and b.seen == ["alpha"]


def test_cached_embed_fn_splits_left_and_right(store: Store) -> None:
    fn = CachedEmbed(store, CountingEmbedder())
    lv, rv = fn(["alpha", "beta"], ["beta", "gamma", "delta"])
    assert lv.shape == (2, 4) and rv.shape == (3, 4)
    np.testing.assert_array_equal(lv[1], rv[0])
    assert fn.embedded == 4


def test_batches_report_progress() -> None:
    done: list[int] = []
    out = embed_batched(CountingEmbedder(), [f"t{i}" for i in range(70)], batch_size=32, progress=done.append)
    assert out.shape == (70, 4) and done == [32, 32, 6]


def test_weights_with_another_hash_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "w.bin"
    f.write_bytes(b"not the weights")
    with pytest.raises(EmbeddingError, match="expected"):
        verify_sha256(f, "0" * 64, "test-model")
