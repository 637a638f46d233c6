"""Lexical similarity on sparse matrices: TF-IDF cosine and BM25. Small enough to keep here rather
than pull in a search library; scipy.sparse does the arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

Tokenizer = Callable[[str], list[str]]
Matrix = npt.NDArray[np.float32]


def _counts(docs: Sequence[list[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for i, tokens in enumerate(docs):
        for tok in tokens:
            j = vocab.get(tok)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float32)
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(docs), len(vocab)), dtype=np.float32)
    m.sum_duplicates()
    return m


def _vocab(*doc_sets: Sequence[list[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for docs in doc_sets:
        for tokens in docs:
            for tok in tokens:
                vocab.setdefault(tok, len(vocab))
    return vocab


def _l2(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m, dtype=np.float32)


def tfidf_similarity(left: Sequence[str], right: Sequence[str], tokenize: Tokenizer) -> Matrix:
    """Cosine of sublinear TF-IDF vectors; document frequencies over both sides together."""
    ltok = [tokenize(t) for t in left]
    rtok = [tokenize(t) for t in right]
    vocab = _vocab(ltok, rtok)
    if not vocab:
        return np.zeros((len(left), len(right)), dtype=np.float32)
    lc, rc = _counts(ltok, vocab), _counts(rtok, vocab)
    df = np.asarray((lc > 0).sum(axis=0)).ravel() + np.asarray((rc > 0).sum(axis=0)).ravel()
    n = len(left) + len(right)
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    for m in (lc, rc):
        m.data = 1 + np.log(m.data)
    lw = _l2(sp.csr_matrix(lc @ sp.diags(idf)))
    rw = _l2(sp.csr_matrix(rc @ sp.diags(idf)))
    return np.asarray((lw @ rw.T).toarray(), dtype=np.float32)


def bm25_scores(queries: Sequence[str], docs: Sequence[str], tokenize: Tokenizer,
                k1: float = 1.2, b: float = 0.75) -> Matrix:
    """Okapi BM25 of each query against each document (statistics from the documents)."""
    qtok = [tokenize(t) for t in queries]
    dtok = [tokenize(t) for t in docs]
    vocab = _vocab(dtok)
    if not vocab:
        return np.zeros((len(queries), len(docs)), dtype=np.float32)
    dc = _counts(dtok, vocab)
    qc = _counts(qtok, vocab)
    n = dc.shape[0]
    df = np.asarray((dc > 0).sum(axis=0)).ravel()
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    lengths = np.asarray(dc.sum(axis=1)).ravel()
    avg = float(lengths.mean()) or 1.0
    coo = dc.tocoo()
    tf = coo.data
    denom = tf + k1 * (1 - b + b * lengths[coo.row] / avg)
    weights = idf[coo.col] * tf * (k1 + 1) / denom
    w = sp.csr_matrix((weights.astype(np.float32), (coo.row, coo.col)), shape=dc.shape)
    qc.data = np.minimum(qc.data, 1.0)  # each query term counts once
    return np.asarray((qc @ w.T).toarray(), dtype=np.float32)
