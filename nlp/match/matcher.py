"""Meaning-based matching of two lists of texts: the engine behind `exportwatch match`,
`classify`, and the meaning part of `equivalents`/`concordance`.

Four signals per (left, right) pair, each a cosine similarity:
* embedding: sentence embeddings (model chosen by language, see nlp.embed.registry);
* words: TF-IDF over word tokens (exact technical vocabulary, same-language pairs);
* chars: TF-IDF over character 4-grams inside words (inflections, and cognates across languages:
  "Magnetometer"/"magnétomètres");
* numbers: TF-IDF over the numbers a text states (language-neutral: thresholds are the same digits
  in every translation; decimal commas normalised).
Each signal is standardised per left row (z-scores over the candidates) and the z-scores are
summed with fixed weights. A short text against much longer ones (a product description against
whole entries) is scored on each candidate's best-fitting passage, plus BM25 over the whole text.
When the data show that both inputs follow one order (two versions or translations of a list:
consecutive rows' best matches step forward together), the best monotone alignment of the two
lists (sequence alignment with a cost per gap) gets a bonus, and scores compete per column too
(dual softmax): an entry that is everyone's second best gives way to the one entry it fits best.
All of this uses only the inputs, never gold data; `mode` forces either behaviour.

Similarity says nothing reliable about thresholds ("less than 5 ns" vs "less than 50 ns" embed
almost alike): parameters are compared separately (nlp.match.parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from nlp.embed.base import Vectors
from nlp.match.lexical import bm25_scores, tfidf_similarity
from nlp.match.text import char_grams, numbers, words

Matrix = npt.NDArray[np.float32]
PASSAGE_CHARS = 300
LEAD_CHARS = 20
MIN_LIST_ROWS = 20
ORDER_EVIDENCE = 0.25
LOGISTIC_SHIFT = 3.0
# Monotone alignment of ordered lists: a pair is worth aligning when its combined z-score exceeds
# ALIGN_COST; each run of entries left out costs ALIGN_GAP; the pairs of the best alignment get
# ALIGN_BONUS. Set on the dev sets of bench/matching and confirmed on its held-out pairs
# (bench/matching/RESULTS.md). The alignment replaced neighbour support and an anchor window,
# which pulled an entry to a one-list-only look-alike next to the following group.
ALIGN_COST = 2.0
ALIGN_GAP = 1.5
ALIGN_BONUS = 5.0
_CLAUSE = re.compile(r"(?<=[.;:])\s+")
EmbedFn = Callable[[Sequence[str], Sequence[str]], tuple[Vectors, Vectors]]


@dataclass(frozen=True)
class Weights:
    embedding: float = 1.0
    words: float = 1.0
    chars: float = 1.0
    numbers: float = 0.5
    # dual softmax temperature (on the summed z-scores) and the least number of left rows for it
    temperature: float = 1.0
    alignment: float = ALIGN_BONUS  # bonus of the pairs on the best monotone alignment
    # short texts against long ones: BM25 over the whole text, i.e. how many of the query's words
    # the candidate has. Words coincide only within one language.
    coverage: float = 1.0


# Weights for a pair of languages: word TF-IDF carries no signal across languages.
SAME_LANGUAGE = Weights()
# No BM25 coverage across languages: on the German and Italian description sets it cost 0.08 and
# 0.23 acc@1 (bench/matching/RESULTS.md), its word matches being mostly noise.
CROSS_LANGUAGE = Weights(embedding=1.5, words=0.3, chars=0.7, numbers=0.7, coverage=0.0)


@dataclass
class Signals:
    """The similarity matrices of one comparison, kept for evidence."""

    embedding: Matrix | None = None
    words: Matrix | None = None
    chars: Matrix | None = None
    numbers: Matrix | None = None
    combined: Matrix = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


def _z(m: Matrix) -> Matrix:
    mean = m.mean(axis=1, keepdims=True)
    std = m.std(axis=1, keepdims=True)
    std[std < 1e-6] = 1.0
    return np.asarray((m - mean) / std, dtype=np.float32)


def compute_signals(left: Sequence[str], right: Sequence[str], embed: EmbedFn | None,
                    weights: Weights) -> Signals:
    sig = Signals()
    total = np.zeros((len(left), len(right)), dtype=np.float32)
    if embed is not None and weights.embedding:
        lv, rv = embed(left, right)
        sig.embedding = np.asarray(lv @ rv.T, dtype=np.float32)
        total += weights.embedding * _z(sig.embedding)
    if weights.words:
        sig.words = tfidf_similarity(left, right, words)
        total += weights.words * _z(sig.words)
    if weights.chars:
        sig.chars = tfidf_similarity(left, right, char_grams)
        total += weights.chars * _z(sig.chars)
    if weights.numbers:
        sig.numbers = tfidf_similarity(left, right, numbers)
        total += weights.numbers * _z(sig.numbers)
    sig.combined = total
    return sig


def passages(text: str, size: int = PASSAGE_CHARS) -> list[str]:
    """Split a long text into passages of about `size` characters at clause boundaries."""
    pieces = [p.strip() for p in _CLAUSE.split(text) if p.strip()]
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > size:
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return out or [text]


def lead(text: str, size: int = LEAD_CHARS) -> str:
    """An entry's heading: its text up to the first clause boundary (". ", ": ", "; ") after at
    least `size` characters ("Marine systems, equipment and components, as follows:")."""
    out = ""
    for piece in _CLAUSE.split(text):
        out = f"{out} {piece}".strip()
        if len(out) >= size:
            break
    return out or text


def passage_signals(left: Sequence[str], right: Sequence[str], embed: EmbedFn | None,
                    weights: Weights) -> Matrix:
    """Combined z-scores of each left text against the best-fitting passage of each right text:
    a short description matches one sub-item of a long entry, not the entry's average."""
    owner: list[int] = []
    chunks: list[str] = []
    for j, text in enumerate(right):
        for chunk in passages(text):
            owner.append(j)
            chunks.append(chunk)
    sig = compute_signals(left, chunks, embed, weights)
    starts = np.flatnonzero(np.r_[True, np.diff(np.asarray(owner)) != 0])
    best = np.maximum.reduceat(sig.combined, starts, axis=1)
    return _z(np.asarray(best, dtype=np.float32))


def ordered_lists(combined: Matrix) -> bool:
    """Do both inputs follow one order (two versions of a list), as seen from the data alone?

    Consecutive left rows of ordered lists have best matches a few rows apart, in order; in a
    catalogue the best matches jump around. Fraction of consecutive pairs stepping 1-3 forward."""
    if combined.shape[0] < MIN_LIST_ROWS or combined.shape[1] < MIN_LIST_ROWS:
        return False
    best = combined.argmax(axis=1)
    steps = np.diff(best)
    return float(((steps >= 1) & (steps <= 3)).mean()) >= ORDER_EVIDENCE


def monotone_alignment(combined: Matrix, cost: float = ALIGN_COST, gap: float = ALIGN_GAP) -> list[tuple[int, int]]:
    """The pairs (i, j), increasing in both i and j, that maximise the summed (score - cost) of
    the pairs minus `gap` for every gap: a run of rows, or of columns, left out between two
    consecutive pairs or at either end. The sequence alignment of two ordered lists (Gotoh's
    algorithm with gap opening only: a gap's length is free, as lists insert or drop whole runs of
    entries). Rows or columns left out are entries one list has and the other has not.

    Why a gap cost: with free gaps, an entry that only one list has, placed at the end of a group
    (the US CCL's x9xx entries), ties with the true counterpart once texts are generic; and a run
    of look-alike entries ("Software specially designed for ... the equipment specified in ...")
    can be scattered. Charging for each gap keeps runs together, so order decides where texts
    cannot. O(n x m) time; memory one byte per cell (the back-pointers)."""
    n, m = combined.shape
    if n == 0 or m == 0:
        return []
    score = combined.astype(np.float64) - cost
    # three states per cell (i, j) over rows < i and columns < j, Gotoh's: the last step paired
    # (i-1, j-1), or left out column j-1, or left out row i-1
    PAIR, SKIP_COLUMN, SKIP_ROW = 0, 1, 2
    # back-pointers: for each state of a cell, the state of the cell it came from, two bits each
    back = np.zeros((n + 1, m + 1), dtype=np.uint8)
    pair = np.full(m + 1, -np.inf)
    pair[0] = 0.0  # the empty alignment
    skip_row = np.full(m + 1, -np.inf)
    skip_column = np.full(m + 1, -gap)  # leading columns left out
    skip_column[0] = -np.inf
    back[0, 2:] = SKIP_COLUMN << 2 * SKIP_COLUMN
    for i in range(1, n + 1):
        states = np.stack([pair, skip_column, skip_row])  # row i-1
        # leave out row i-1: opening a gap from a pair or a column gap, or extending a row gap
        opened = np.stack([pair - gap, skip_column - gap, skip_row])
        row_from = opened.argmax(axis=0)
        new_skip_row = opened.max(axis=0)
        # pair (i-1, j-1) after any state of cell (i-1, j-1)
        before = states[:, :-1]
        new_pair = np.full(m + 1, -np.inf)
        new_pair[1:] = before.max(axis=0) + score[i - 1]
        pair_from = np.zeros(m + 1, dtype=np.uint8)
        pair_from[1:] = before.argmax(axis=0)
        # leave out column j-1: open from a pair or a row gap at (i, j-1), or extend: a running max
        open_from = np.where(new_pair >= new_skip_row, PAIR, SKIP_ROW)
        candidate = np.full(m + 1, -np.inf)
        candidate[1:] = np.maximum(new_pair, new_skip_row)[:-1] - gap
        new_skip_column = np.maximum.accumulate(candidate)
        opened_here = np.isfinite(candidate) & (new_skip_column == candidate)
        column_from = np.zeros(m + 1, dtype=np.uint8)
        column_from[1:] = np.where(opened_here[1:], open_from[:-1], SKIP_COLUMN)
        back[i] = pair_from << 2 * PAIR | column_from << 2 * SKIP_COLUMN | row_from.astype(np.uint8) << 2 * SKIP_ROW
        pair, skip_column, skip_row = new_pair, new_skip_column, new_skip_row
    # trailing rows or columns left out pay one gap each, like any other
    state = int(np.argmax([pair[m], skip_column[m], skip_row[m]]))
    pairs = []
    i, j = n, m
    while i > 0 or j > 0:
        previous = (int(back[i, j]) >> 2 * state) & 3
        if state == PAIR:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif state == SKIP_COLUMN:
            j -= 1
        else:
            i -= 1
        state = previous
    return pairs[::-1]


def ordered_scores(combined: Matrix, weights: Weights) -> Matrix:
    """Combined z-scores of two ordered lists, plus the alignment bonus on the pairs of their best
    monotone alignment."""
    out = combined.copy()
    if weights.alignment:
        for i, j in monotone_alignment(combined):
            out[i, j] += weights.alignment
    return out


def rank_keys(combined: Matrix, weights: Weights, competition: bool) -> npt.NDArray[np.float64]:
    """The log of `final_scores`, computed without forming the scores: the order to rank by.
    Scores near 1 round to exactly 1.0 (a z-score of 20 is 1 - 2e-8), so ranking by the scores
    would turn the best candidates into ties; their logs stay apart."""
    c = combined.astype(np.float64)
    if competition and c.shape[1] > 1 and c.shape[0] > 1:
        c = c / weights.temperature
        return 0.5 * (_log_softmax(c, axis=1) + _log_softmax(c, axis=0))
    return np.asarray(-np.logaddexp(0.0, -(c - LOGISTIC_SHIFT)), dtype=np.float64)


def _log_softmax(m: npt.NDArray[np.float64], axis: int) -> npt.NDArray[np.float64]:
    shifted = m - m.max(axis=axis, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)), dtype=np.float64)


def final_scores(combined: Matrix, weights: Weights, competition: bool) -> Matrix:
    """Scores in [0, 1] for display and thresholds: with competition, the dual softmax (a row's
    softmax times the column's, square-rooted); else a logistic squash of the combined z-score.
    Rank by `rank_keys`, which keeps apart scores that round to the same value."""
    if combined.size == 0:
        return combined
    return np.asarray(np.exp(rank_keys(combined, weights, competition)), dtype=np.float32)


Mode = Literal["auto", "lists", "independent"]


@dataclass
class MatchResult:
    scores: Matrix  # left x right, in [0, 1], higher is better
    # the same order as `scores` without rounding ties (log scores): rank by this
    ranking: npt.NDArray[np.float64]
    signals: Signals
    ordered: bool  # treated as two ordered lists (neighbour support + competition)
    passages: bool  # right texts scored by their best passage too
    leads: bool = False  # left texts scored by their lead passage (right texts are headings)


def match_texts(left: Sequence[str], right: Sequence[str], *, languages: Iterable[str] = ("en",),
                embed: EmbedFn | None = None, mode: Mode = "auto") -> MatchResult:
    """Score every left text against every right text (see the module docstring)."""
    langs = {lang.split("-")[0].lower() for lang in languages}
    weights = SAME_LANGUAGE if len(langs) <= 1 else CROSS_LANGUAGE
    # Whole entries against headings only (a list published as headings, an index): compare each
    # left entry's lead passage, which is its own heading, not its average over every sub-item.
    # Measured on the heading sets of bench/matching (RESULTS.md), held-out pairs included.
    use_leads = headings_only(right, left)
    sig = compute_signals([lead(t) for t in left] if use_leads else left, right, embed, weights)
    combined = _z(sig.combined) if sig.combined.size else sig.combined
    use_passages = _long_right(left, right) and mode != "lists"
    if use_passages and combined.size:
        # a short text against long ones: score the best-fitting passage, plus BM25 over the whole
        # text (coverage of the query's words). Chosen over adding the whole-text score on a dev half
        # of the description benchmark (bench/matching/RESULTS.md), with both embedding models.
        combined = passage_signals(left, right, embed, weights)
        if weights.coverage:
            combined = combined + weights.coverage * _z(bm25_scores(left, right, words))
    ordered = mode == "lists" or (mode == "auto" and ordered_lists(combined))
    if ordered and combined.size:
        combined = ordered_scores(combined, weights)
    if not combined.size:
        return MatchResult(combined, combined.astype(np.float64), sig, ordered, use_passages, use_leads)
    ranking = rank_keys(combined, weights, competition=ordered)
    scores = np.asarray(np.exp(ranking), dtype=np.float32)
    return MatchResult(scores, ranking, sig, ordered, use_passages, use_leads)


def headings_only(right: Sequence[str], left: Sequence[str]) -> bool:
    """Are the right texts headings of entries like the left ones? Headings fit in one passage
    (at most 1 in 10 is longer), while a good share of whole entries do not (at least 3 in 10;
    in the corpus lists half of them). Medians cannot tell: most entries of a list are short."""
    if not left or not right:
        return False
    def share(texts: Sequence[str]) -> float:
        return float(np.mean([len(t) > PASSAGE_CHARS for t in texts]))
    return share(right) <= 0.1 and share(left) >= 0.3


def _long_right(left: Sequence[str], right: Sequence[str]) -> bool:
    """Passages pay off when right texts are much longer than left ones (a description against
    whole entries), not between two lists of like entries."""
    if not left or not right:
        return False
    return float(np.median([len(t) for t in right])) > 2.5 * float(np.median([len(t) for t in left]))


def top_k(scores: Matrix, k: int, ranking: npt.NDArray[np.float64] | None = None) -> list[list[tuple[int, float]]]:
    """Per row, the k best (column, score), best first; ordered by `ranking` when given
    (MatchResult.ranking: scores that round alike stay in order), else by the scores."""
    out: list[list[tuple[int, float]]] = []
    k = min(k, scores.shape[1])
    keys = scores if ranking is None else ranking
    for row, key in zip(scores, keys, strict=True):
        if k <= 0:
            out.append([])
            continue
        idx = np.argpartition(-key, k - 1)[:k]
        idx = idx[np.argsort(-key[idx], kind="stable")]
        out.append([(int(i), float(row[i])) for i in idx])
    return out
