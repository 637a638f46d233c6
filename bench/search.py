"""Search benchmark: both backends side by side, at corpus scale and at a synthetic multiple.

For each scale and backend, in a fresh child process (so that its peak memory is its own):
index everything through `rebuild` (the `exportwatch reindex` path; Elasticsearch: a new index
and the alias swap), then time every latency query in every mode (bm25, semantic, hybrid; 10 hits,
interleaved so that load on the machine hits all modes alike). At corpus scale it also scores
the relevance set; above it, it measures the recall of the nearest-neighbour search against the
exact top 10 (computed with numpy over all vectors). Elasticsearch runs on a node started for the
scale (scripts/elasticsearch.sh, loopback, purged after), so its peak memory is that scale's.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.esnode import Node
from bench.relevance import fusion_variants, load_queries, ranked_lists, score
from bench.synthetic import synthetic_docs
from crawlers.registry import load_sources
from exportwatch.settings import Settings
from indexer.base import IndexDoc, SearchBackend, SearchQuery, Vector
from indexer.entry_vectors import SEARCH_MODEL, CachedEntryVectors, embed_missing, embed_query
from indexer.project import index_docs, search_texts
from indexer.store import Store

HERE = Path(__file__).resolve().parent
MODES = ("bm25", "semantic", "hybrid")
REPS = 3
BOW_MODEL = "bench-hashed-bag-of-words"
BOW_DIM = 512


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_queries() -> list[str]:
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    texts = [q for q in lines if q and not q.startswith("#")]
    return list(dict.fromkeys([*texts, *(q.text for q in load_queries())]))


def bow_vector(text: str, dim: int = BOW_DIM) -> Vector:
    """Stand-in vectors when no embeddings are available: a hashed bag of words."""
    import hashlib
    import re

    v = np.zeros(dim, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        h = hashlib.blake2b(word.encode(), digest_size=8).digest()
        v[int.from_bytes(h[:4], "little") % dim] += 1.0 if h[4] & 1 else -1.0
    norm = float(np.linalg.norm(v))
    out: Vector = v / norm if norm else v
    return out


def _jurisdictions() -> dict[str, str]:
    return {s.id: s.jurisdiction for s in load_sources(Settings.from_env().sources_file)}


def corpus_docs(store_path: Path, vectors: str) -> list[IndexDoc]:
    """The current version of every source, one IndexDoc per entry, with cached embeddings
    (`vectors` == "embeddings") or hashed bag-of-words vectors ("bow")."""
    jurisdictions = _jurisdictions()
    docs: list[IndexDoc] = []
    with Store(store_path) as store:
        cached = CachedEntryVectors(store)
        for v in store.current_versions():
            if v.source_id not in jurisdictions:
                continue
            docs.extend(index_docs(store, v, jurisdictions[v.source_id], cached))
    if vectors == "bow":
        docs = [dataclasses.replace(d, vector=bow_vector(f"{d.context} {d.heading} {d.text}"),
                                    vector_model=BOW_MODEL) for d in docs]
    return docs


def prepare_embeddings(store_path: Path) -> tuple[int, int]:
    """Embed (and cache in the store) the entries without a vector; (computed, total)."""
    jurisdictions = _jurisdictions()
    with Store(store_path) as store:
        texts = [t for v in store.current_versions() if v.source_id in jurisdictions
                 for t in search_texts(store, v, jurisdictions[v.source_id])]
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            if done[0] % 1024 < n:
                print(f"  embedded {done[0]} entries", file=sys.stderr)

        return embed_missing(store, texts, progress=progress), len(texts)


def _make_backend(name: str, home: Path, es_url: str | None) -> SearchBackend:
    if name == "embedded":
        from indexer.embedded import EmbeddedBackend

        return EmbeddedBackend(home / "search.sqlite")
    from indexer.elastic import ElasticBackend

    assert es_url
    return ElasticBackend(es_url, f"bench-{uuid.uuid4().hex[:6]}-", request_timeout=600)


def phase(cfg: dict[str, Any]) -> dict[str, Any]:
    """One backend at one scale (run in a child process)."""
    base = corpus_docs(Path(cfg["store"]), cfg["vectors"])
    scale = int(cfg["scale"])
    qvecs = {t: np.asarray(v, dtype=np.float32) for t, v in cfg["query_vectors"].items()}
    model = cfg["model"]
    res: dict[str, Any] = {"backend": cfg["backend"], "scale": scale}
    with tempfile.TemporaryDirectory(prefix="exportwatch-bench-") as tmp:
        backend = _make_backend(cfg["backend"], Path(tmp), cfg.get("es_url"))
        try:
            t = time.perf_counter()
            n = backend.rebuild({"bench": _progress(synthetic_docs(base, scale), len(base) * scale)})
            index_s = time.perf_counter() - t
            res.update(docs=n, index_s=round(index_s, 1), docs_per_s=round(n / index_s))
            first = next(iter(qvecs))
            t = time.perf_counter()
            backend.search(SearchQuery(first, mode="semantic", vector=qvecs[first],
                                       vector_model=model))
            # embedded: builds the memory-mapped vector matrix of the new index state
            res["first_semantic_s"] = round(time.perf_counter() - t, 2)
            res["latency_ms"] = _latencies(backend, cfg["queries"], qvecs, model)
            if cfg["backend"] == "elasticsearch":
                res["segments"] = _es_segments(backend)
            if scale > 1:
                res["knn_recall_at_10"] = _knn_recall(backend, qvecs, model, cfg)
            if cfg.get("relevance"):
                rq = load_queries()
                lists = ranked_lists(backend, rq, qvecs, model)
                res["relevance"] = {**score(rq, lists),
                                    "variants": fusion_variants(backend, rq, qvecs, model)}
        finally:
            if cfg["backend"] == "elasticsearch":
                backend.delete_all()  # type: ignore[attr-defined]
            backend.close()
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return res


def _progress(docs: Iterator[IndexDoc], total: int) -> Iterator[IndexDoc]:
    t0 = time.perf_counter()
    for i, d in enumerate(docs, start=1):
        if i % 100_000 == 0:
            print(f"    {i}/{total} docs, {i / (time.perf_counter() - t0):.0f}/s", file=sys.stderr)
        yield d


def _latencies(backend: SearchBackend, queries: list[str], qvecs: dict[str, Vector],
               model: str) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {m: [] for m in MODES}
    for rep in range(REPS + 1):  # the first pass warms caches and is not counted
        for text in queries:
            for mode in MODES:
                q = SearchQuery(text, mode=mode, limit=10,
                                vector=qvecs[text] if mode != "bm25" else None,
                                vector_model=model if mode != "bm25" else "")
                t = time.perf_counter()
                backend.search(q)
                if rep:
                    times[mode].append((time.perf_counter() - t) * 1000)
    return {m: {"p50": round(percentile(v, 0.5), 1), "p95": round(percentile(v, 0.95), 1),
                "searches": len(v)} for m, v in times.items()}


def _knn_recall(backend: SearchBackend, qvecs: dict[str, Vector], model: str,
                cfg: dict[str, Any]) -> float:
    """Share of the exact 10 nearest (numpy over every vector) that the backend returns."""
    truth_path = Path(cfg["truth"])
    if cfg["backend"] == "embedded":
        from indexer.embedded import EmbeddedBackend

        assert isinstance(backend, EmbeddedBackend)
        cache = backend._vector_cache()
        assert cache is not None
        truth: dict[str, list[str]] = {}
        for text, v in qvecs.items():
            scores = np.einsum("ij,j->i", cache.matrix, v / np.linalg.norm(v))
            top = np.argpartition(-scores, 10)[:10]
            rowids = cache.rowids[top].tolist()
            marks = ",".join("?" * len(rowids))
            truth[text] = [r[0] for r in backend.db.execute(
                f"SELECT entry_id FROM docs WHERE rowid IN ({marks})", rowids)]
        truth_path.write_text(json.dumps(truth))
    truth = json.loads(truth_path.read_text())
    found = 0
    for text, want in truth.items():
        got = {h.entry_id for h in backend.search(SearchQuery(
            text, mode="semantic", limit=10, depth=10, vector=qvecs[text],
            vector_model=model)).hits}
        found += len(got & set(want))
    return round(found / sum(len(w) for w in truth.values()), 3)


def _es_segments(backend: SearchBackend) -> int:
    from indexer.elastic import ElasticBackend

    assert isinstance(backend, ElasticBackend)
    stats = backend.es.indices.segments(index=backend.alias).body
    return sum(len(shard["segments"]) for idx in stats["indices"].values()
               for copies in idx["shards"].values() for shard in copies)


def run(store_path: Path, scales: list[int], backends: list[str], heap: str, embed: bool
        ) -> dict[str, Any]:
    vectors, model, note = "bow", BOW_MODEL, "hashed bag of words (no embeddings)"
    if embed:
        t = time.perf_counter()
        computed, total = prepare_embeddings(store_path)
        print(f"  embeddings: {computed} of {total} entries computed "
              f"({time.perf_counter() - t:.0f} s)", file=sys.stderr)
        vectors, model, note = "embeddings", SEARCH_MODEL, f"{SEARCH_MODEL} (real embeddings)"
    queries = latency_queries()
    with Store(store_path) as store:
        qv = {t: (embed_query(store, t)[1] if vectors == "embeddings" else bow_vector(t)).tolist()
              for t in queries}
    ctx = multiprocessing.get_context("spawn")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="exportwatch-bench-truth-") as tmp:
        for scale in scales:
            for name in backends:
                cfg = {"backend": name, "scale": scale, "store": str(store_path),
                       "vectors": vectors, "model": model, "queries": queries,
                       "query_vectors": qv, "truth": str(Path(tmp) / f"truth-{scale}.json"),
                       "relevance": scale == 1}
                print(f"search bench: {name} at {scale}x", file=sys.stderr)
                if name == "elasticsearch":
                    with Node(heap) as node:
                        cfg["es_url"] = node.url
                        res = _in_child(ctx, cfg)
                        res["node_peak_rss_mb"] = node.peak_rss_mb()
                        res["node_heap"] = heap
                else:
                    res = _in_child(ctx, cfg)
                print(f"  {json.dumps({k: v for k, v in res.items() if k != 'relevance'})}",
                      file=sys.stderr)
                results.append(res)
    return {"vectors": note, "model": model, "queries": len(queries), "reps": REPS,
            "load_average_at_end": os.getloadavg(), "results": results}


def _in_child(ctx: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    with ctx.Pool(1) as pool:
        return dict(pool.apply(phase, (cfg,)))
