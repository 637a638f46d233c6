"""The embedded backend's nearest-neighbour search (indexer.vectors) beyond the exact-scan size,
and the hybrid fusion (indexer.fusion): checked against plain numpy and hand-computed ranks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from indexer import vectors
from indexer.base import Hit, IndexDoc, SearchQuery
from indexer.embedded import EmbeddedBackend
from indexer.fusion import fuse

DIM = 256  # sign bits: coarse enough that candidates need exact rescoring


def _docs(n: int, rng: np.random.Generator) -> tuple[list[IndexDoc], np.ndarray]:
    # Clustered, dense vectors (like sentence embeddings): 40 topics, entries near their topic.
    topics = rng.standard_normal((40, DIM)).astype(np.float32)
    m = topics[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    docs = [IndexDoc(entry_id=f"{'eu' if i % 2 else 'us'}:X{i:05d}", source_id="s",
                     jurisdiction="eu" if i % 2 else "us", code=f"X{i:05d}", kind="item",
                     heading=f"entry {i}", text="text", notes="", context="", language="en",
                     category="X", status="active", version_id=1,
                     version_date=dt.date(2025, 1, 1), vector=m[i], vector_model="m")
            for i in range(n)]
    return docs, m


@pytest.fixture
def bit_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the bit-scan path (normally only beyond EXACT_MAX_FLOATS) on a small index."""
    monkeypatch.setattr(vectors, "EXACT_MAX_FLOATS", 0)
    monkeypatch.setattr(vectors, "MIN_CANDIDATES", 300)
    monkeypatch.setattr(vectors, "CANDIDATES_PER_RESULT", 10)


def test_bit_scan_finds_the_exact_nearest(tmp_path: Path, bit_scan: None) -> None:
    rng = np.random.default_rng(7)
    docs, m = _docs(3000, rng)
    backend = EmbeddedBackend(tmp_path / "s.sqlite")
    backend.rebuild({"s": docs})
    found = total = 0
    for i in rng.integers(0, len(docs), 20):
        q = m[i] + 0.2 * rng.standard_normal(DIM).astype(np.float32)
        exact = {docs[j].entry_id for j in np.argsort(-(m @ (q / np.linalg.norm(q))))[:10]}
        hits = backend.search(SearchQuery("x", mode="semantic", vector=q, vector_model="m",
                                          depth=10)).hits
        found += len(exact & {h.entry_id for h in hits})
        total += 10
        # the scores are exact cosines, whatever picked the candidates
        for h in hits:
            j = int(h.code[1:])
            assert h.score == round((1 + float(m[j] @ (q / np.linalg.norm(q)))) / 2, 4)
    assert found / total >= 0.9
    # a filter applies before the scan: only US entries, still the nearest of them
    q = m[5]
    us = backend.search(SearchQuery("x", mode="semantic", vector=q, vector_model="m", depth=5,
                                    jurisdictions=["us"])).hits
    assert all(h.jurisdiction == "us" for h in us) and len(us) == 5
    backend.close()


def test_vector_cache_is_rebuilt_after_a_write_and_shared_between_processes(
        tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    docs, m = _docs(50, rng)
    path = tmp_path / "s.sqlite"
    writer = EmbeddedBackend(path)
    writer.rebuild({"s": docs[:40]})
    q = SearchQuery("x", mode="semantic", vector=m[45], vector_model="m", depth=1)
    assert writer.search(q).hits[0].entry_id != docs[45].entry_id
    (first,) = [p.name for p in vectors.cache_root(path).iterdir()]
    writer.rebuild({"s": docs})
    reader = EmbeddedBackend(path)  # another connection, as another process would open it
    assert reader.search(q).hits[0].entry_id == docs[45].entry_id
    assert writer.search(q).hits[0].entry_id == docs[45].entry_id
    (second,) = [p.name for p in vectors.cache_root(path).iterdir()]  # the old state is removed
    assert second != first
    reader.close()
    writer.close()


def _hit(entry_id: str) -> Hit:
    return Hit(entry_id=entry_id, source_id="s", jurisdiction="eu", code=entry_id, kind="item",
               heading="h", snippet="", language="en", version_date=dt.date(2025, 1, 1),
               score=0.0)


def test_rrf_fusion_by_hand() -> None:
    bm25 = [_hit("a"), _hit("b"), _hit("c")]
    semantic = [_hit("c"), _hit("d"), _hit("a")]
    fused = fuse(bm25, semantic, k=60)
    # a: 1/61 + 1/63, c: 1/63 + 1/61 (tie: by id), b: 1/62, d: 1/62 (tie: by id)
    assert [h.entry_id for h in fused] == ["a", "c", "b", "d"]
    assert fused[0].score == round(1 / 61 + 1 / 63, 6)
    assert fused[2].score == round(1 / 62, 6)
    weighted = fuse(bm25, semantic, k=60, semantic_weight=2.0)
    assert [h.entry_id for h in weighted][:2] == ["c", "a"]  # c: 2/61 + 1/63 > a: 1/61 + 2/63
    assert fuse([], []) == []
