"""Hybrid ranking: fuse a bm25 list and a semantic list into one. The same code for every
backend, so the embedded and Elasticsearch backends differ only in the lists they fuse.

Reciprocal-rank fusion (Cormack, Clarke & Buettcher 2009): an entry scores
sum(weight / (K + rank)) over the lists that hold it. Ranks, not scores, are fused: BM25 and
cosine scores live on unrelated scales (and FTS5's bm25 differs from Lucene's), ranks do not.
The constants are measured on bench/relevance (see bench/README.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from indexer.base import Hit
from indexer.query import ParsedQuery

RRF_K = 60
BM25_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0


def any_word(parsed: ParsedQuery) -> ParsedQuery:
    """The bm25 half of a hybrid query: any of the query's words, phrases or prefixes (NOT terms
    still exclude). BM25 ranks entries holding more of them first, and a natural-language query
    ("chip lithography machines") no longer finds nothing because one word is not in the lists
    (bench/relevance: hybrid recall@10 0.387 -> 0.443)."""
    positive = tuple(t for clause in parsed.clauses for t in clause if not t.negated)
    negative = tuple(c for c in parsed.clauses if c[0].negated)
    return ParsedQuery(clauses=((positive,) if positive else ()) + negative, code=parsed.code)


def fuse(bm25: Sequence[Hit], semantic: Sequence[Hit], *, k: float = RRF_K,
         bm25_weight: float = BM25_WEIGHT, semantic_weight: float = SEMANTIC_WEIGHT) -> list[Hit]:
    """Every entry of either list, best fused score first, then by entry id (stable pages).
    A hit keeps the bm25 list's snippet when it has one (its marks show the matched words)."""
    scores: dict[str, float] = {}
    first: dict[str, Hit] = {}
    for weight, hits in ((bm25_weight, bm25), (semantic_weight, semantic)):
        for rank, hit in enumerate(hits, start=1):
            scores[hit.entry_id] = scores.get(hit.entry_id, 0.0) + weight / (k + rank)
            first.setdefault(hit.entry_id, hit)
    order = sorted(scores, key=lambda eid: (-scores[eid], eid))
    return [dataclasses.replace(first[eid], score=round(scores[eid], 6)) for eid in order]
