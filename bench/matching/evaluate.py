"""Metrics and the methods compared on each evaluation set."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bench.matching.sets import EvalSet
from indexer.embeddings import embed_cached
from indexer.store import Store
from nlp.embed.base import Vectors
from nlp.embed.registry import get_embedder
from nlp.match.lexical import bm25_scores, tfidf_similarity
from nlp.match.text import words

Matrix = np.ndarray


@dataclass(frozen=True)
class Result:
    method: str
    acc1: float
    recall5: float
    mrr: float
    seconds: float
    queries: int
    # of the input rows with no counterpart by code, the share whose best candidate scores >= 0.5
    # (what `concordance` would call equivalent without a code); None where not measured
    unmatched_called: float | None = None


def metrics(method: str, scores: Matrix, ev: EvalSet, seconds: float) -> Result:
    right_index = {item.id: j for j, item in enumerate(ev.right)}
    acc = rec = rr = 0.0
    for i, item in enumerate(ev.left):
        gold = [right_index[g] for g in ev.gold[item.id] if g in right_index]
        row = scores[i]
        best_gold = max(row[g] for g in gold)
        # rank = 1 + number of candidates scored strictly higher than the best gold (ties count
        # against us: a tie at the top is not a hit)
        higher = int((row > best_gold).sum())
        ties = int((row == best_gold).sum()) - 1
        rank = 1 + higher + ties
        acc += rank == 1
        rec += rank <= 5
        rr += 1.0 / rank
    n = len(ev.left)
    return Result(method, acc / n, rec / n, rr / n, seconds, n)


def run_tfidf300(ev: EvalSet) -> Matrix:
    """Scores of every input row (`EvalSet.left_input`); slice with `EvalSet.query_rows`."""
    return tfidf_similarity([i.text[:300] for i in ev.left_input], [i.text[:300] for i in ev.right], words)


def run_bm25(ev: EvalSet) -> Matrix:
    return bm25_scores([i.text for i in ev.left_input], [i.text for i in ev.right], words)


def unmatched_called(scores: Matrix, ev: EvalSet, threshold: float = 0.5) -> float | None:
    """Share of the input rows with no counterpart by code whose best score reaches `threshold`."""
    rows = ev.unmatched_rows
    if not rows:
        return None
    return float((scores[rows].max(axis=1) >= threshold).mean())


def embedder_fn(store: Store, model: str) -> Callable[[Sequence[str], Sequence[str]], tuple[Vectors, Vectors]]:
    embedder = get_embedder(model)

    def embed(left: Sequence[str], right: Sequence[str]) -> tuple[Vectors, Vectors]:
        lv, _ = embed_cached(store, embedder, left)
        rv, _ = embed_cached(store, embedder, right)
        return lv, rv

    return embed


def run_embedding(ev: EvalSet, store: Store, model: str) -> Matrix:
    lv, rv = embedder_fn(store, model)([i.text for i in ev.left_input], [i.text for i in ev.right])
    return lv @ rv.T


def timed(fn: Callable[[], Matrix]) -> tuple[Matrix, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t
