"""Relevance: recall@10 of each search mode on the queries of queries.yml (see that file)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from indexer.base import Hit, SearchBackend, SearchQuery, Vector
from indexer.fusion import fuse

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.yml"
K = 10


@dataclass(frozen=True)
class RelevanceQuery:
    text: str
    expected: tuple[str, ...]
    why: str


def load_queries(path: Path = QUERIES) -> list[RelevanceQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [RelevanceQuery(q["query"], tuple(q["expected"]), q.get("why", ""))
            for q in data["queries"]]


def recall(hits: list[Hit], expected: tuple[str, ...], k: int = K) -> float:
    found = {h.entry_id for h in hits[:k]}
    return sum(1 for e in expected if e in found) / len(expected)


def ranked_lists(backend: SearchBackend, queries: list[RelevanceQuery],
                 vectors: Mapping[str, Vector], model: str, depth: int = 100
                 ) -> dict[str, dict[str, list[Hit]]]:
    """query -> mode -> the ranked hits (depth of them) of bm25, semantic and hybrid."""
    out: dict[str, dict[str, list[Hit]]] = {}
    for q in queries:
        lists: dict[str, list[Hit]] = {}
        for mode in ("bm25", "semantic", "hybrid"):
            if mode != "bm25" and q.text not in vectors:
                continue
            sq = SearchQuery(q.text, mode=mode, limit=depth, depth=depth,
                             vector=vectors.get(q.text) if mode != "bm25" else None,
                             vector_model=model if mode != "bm25" else "")
            lists[mode] = backend.search(sq).hits
        out[q.text] = lists
    return out


def score(queries: list[RelevanceQuery], lists: Mapping[str, Mapping[str, list[Hit]]]
          ) -> dict[str, Any]:
    """Mean recall@10 per mode (over the queries the mode ran), with the per-query values."""
    result: dict[str, Any] = {}
    for mode in ("bm25", "semantic", "hybrid"):
        per_query = {q.text: round(recall(lists[q.text][mode], q.expected), 3)
                     for q in queries if mode in lists[q.text]}
        if per_query:
            result[mode] = {"recall_at_10": round(sum(per_query.values()) / len(per_query), 3),
                            "queries": len(per_query), "per_query": per_query}
    return result


FUSION_VARIANTS = [(k, w) for k in (10, 30, 60, 100) for w in (0.5, 1.0, 1.5, 2.0)]


def fusion_variants(backend: SearchBackend, queries: list[RelevanceQuery],
                    vectors: Mapping[str, Vector], model: str, depth: int = 100
                    ) -> dict[str, float]:
    """Hybrid recall@10 with other RRF constants (k, semantic weight): the hybrid searches run
    again with the backends' `fuse` replaced, so everything else is as shipped."""
    import indexer.elastic
    import indexer.embedded

    modules, name = (indexer.embedded, indexer.elastic), "fuse"  # where the backends look it up
    saved = [getattr(m, name) for m in modules]
    out: dict[str, float] = {}
    try:
        for k, w in FUSION_VARIANTS:
            for m in modules:
                setattr(m, name, functools.partial(fuse, k=k, semantic_weight=w))
            values = [recall(backend.search(SearchQuery(
                q.text, mode="hybrid", limit=K, depth=depth, vector=vectors[q.text],
                vector_model=model)).hits, q.expected) for q in queries if q.text in vectors]
            if values:
                out[f"rrf_k{k}_sem{w}"] = round(sum(values) / len(values), 3)
    finally:
        for m, f in zip(modules, saved, strict=True):
            setattr(m, name, f)
    return out
