"""The list machinery of nlp.match.matcher on small matrices: monotone alignment and ranking."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nlp.match.matcher import (
    SAME_LANGUAGE,
    final_scores,
    headings_only,
    lead,
    match_texts,
    monotone_alignment,
    ordered_scores,
    rank_keys,
    top_k,
)


def test_alignment_keeps_order_and_skips_inserted_and_dropped_rows() -> None:
    # left rows 0..3, right columns 0..4: column 2 is an entry only the right list has, and
    # left row 2 has no counterpart (every score low: pairing it would cost more than the gap)
    s = np.full((4, 5), -1.0, dtype=np.float32)
    s[0, 0] = s[1, 1] = s[3, 4] = 5.0
    s[2, :] = 0.0
    assert monotone_alignment(s, cost=2.0) == [(0, 0), (1, 1), (3, 4)]


def test_alignment_prefers_the_order_over_a_stronger_lookalike_out_of_place() -> None:
    # row 1 looks slightly more like column 3 (a generic twin in another category) than like
    # column 1, but taking column 3 would cost row 2 its match at column 2
    s = np.full((3, 4), -1.0, dtype=np.float32)
    s[0, 0], s[2, 2] = 6.0, 6.0
    s[1, 1], s[1, 3] = 4.0, 4.5
    assert monotone_alignment(s, cost=2.0) == [(0, 0), (1, 1), (2, 2)]


def test_alignment_of_nothing_worth_aligning_is_empty() -> None:
    assert monotone_alignment(np.zeros((3, 3), dtype=np.float32), cost=2.0) == []
    assert monotone_alignment(np.zeros((0, 3), dtype=np.float32)) == []


def _alignment_value(s: np.ndarray, pairs: list[tuple[int, int]], cost: float, gap: float) -> float:
    n, m = s.shape
    ends = [(-1, -1), *pairs, (n, m)]
    gaps = sum(int(i - a > 1) + int(j - b > 1) for (a, b), (i, j) in itertools.pairwise(ends))
    return float(sum(float(s[i, j]) - cost for i, j in pairs)) - gap * gaps


def _best_value(s: np.ndarray, cost: float, gap: float) -> float:
    n, m = s.shape
    return max(_alignment_value(s, list(zip(rows, cols, strict=True)), cost, gap)
               for k in range(min(n, m) + 1)
               for rows in itertools.combinations(range(n), k)
               for cols in itertools.combinations(range(m), k))


@pytest.mark.parametrize("gap", [0.0, 0.9, 2.5])
def test_alignment_is_the_best_one_by_exhaustive_search(gap: float) -> None:
    rng = np.random.default_rng(11)
    for _ in range(60):
        n, m = (int(x) for x in rng.integers(1, 5, 2))
        s = (rng.normal(size=(n, m)) * 3).astype(np.float32)
        pairs = monotone_alignment(s, cost=1.0, gap=gap)
        assert all(a < c and b < d for (a, b), (c, d) in itertools.pairwise(pairs))
        assert _alignment_value(s, pairs, 1.0, gap) == pytest.approx(_best_value(s, 1.0, gap))


def test_a_gap_cost_keeps_a_run_of_identical_entries_together() -> None:
    # rows 1-2 are two generic entries with identical text; columns 1, 3 and 4 are three such
    # entries, column 2 a different one. Free gaps tie on (1, 1), (2, 3) and on (1, 3), (2, 4);
    # with a cost per gap only the unbroken run (1, 3), (2, 4) takes a single gap
    s = np.full((4, 6), -1.0, dtype=np.float32)
    s[0, 0] = s[3, 5] = 8.0
    s[1:3, [1, 3, 4]] = 4.0
    assert monotone_alignment(s, cost=2.0, gap=1.5) == [(0, 0), (1, 3), (2, 4), (3, 5)]


def test_an_entry_only_one_list_has_does_not_pull_its_neighbour_out_of_place() -> None:
    # Wassenaar 8.A.1, 8.A.2, 8.B.1 against the US CCL's 8A001, 8A002, then the US's own 8A609,
    # 8A620 (naval vessels, like 8A001) and 8A992 ("Vessels, marine systems or equipment, not
    # controlled by ...", like 8A002) at the end of the group, then 8B001. Combined z-scores as
    # measured there (bench/matching, WA 2025 headings): 8.A.2 must go to 8A002, not to the
    # look-alike that sits between an echo of 8.A.1 and the next shared entry.
    rng = np.random.default_rng(5)
    s = rng.normal(scale=0.5, size=(24, 27)).astype(np.float32)
    diagonal = [(i, i) for i in range(10)] + [(10, 10), (11, 11)] + [(i, i + 3) for i in range(12, 24)]
    for i, j in diagonal:
        s[i, j] = 14.0
    s[10, 12] = s[10, 13] = 9.0  # 8.A.1 ~ 8A609, 8A620
    s[11, 14] = 4.7  # 8.A.2 ~ 8A992
    s[11, 11] = 8.0  # 8.A.2 ~ 8A002
    out = ordered_scores(s, SAME_LANGUAGE)
    assert [int(j) for j in out.argmax(axis=1)] == [j for _, j in diagonal]


def test_scores_that_round_to_one_still_rank_in_order() -> None:
    combined = np.array([[40.0, 30.0, 0.0]], dtype=np.float32)
    scores = final_scores(combined, SAME_LANGUAGE, competition=False)
    assert scores[0, 0] == scores[0, 1] == 1.0  # float32 cannot tell them apart
    ranking = rank_keys(combined, SAME_LANGUAGE, competition=False)
    assert [j for j, _ in top_k(scores, 3, ranking)[0]] == [0, 1, 2]
    assert np.allclose(np.exp(ranking), scores)


def test_dual_softmax_ranking_matches_its_scores() -> None:
    rng = np.random.default_rng(3)
    combined = rng.normal(size=(6, 8)).astype(np.float32)
    scores = final_scores(combined, SAME_LANGUAGE, competition=True)
    ranking = rank_keys(combined, SAME_LANGUAGE, competition=True)
    assert np.allclose(np.exp(ranking), scores, atol=1e-6)
    assert (np.argsort(-ranking, axis=1)[:, 0] == np.argsort(-scores, axis=1)[:, 0]).all()


def test_lead_is_the_heading_clause() -> None:
    text = "Marine systems, equipment and components, as follows: Systems designed for depths over 1 000 m;"
    assert lead(text) == "Marine systems, equipment and components, as follows:"
    # a very short first clause takes the next one with it
    assert lead("Other: lasers as follows: CW lasers") == "Other: lasers as follows:"
    assert lead("No boundary at all") == "No boundary at all"


def test_heading_lists_are_detected_from_lengths_alone() -> None:
    entries = ["x" * 400] * 5 + ["short entry"] * 5
    headings = ["A heading as follows"] * 10
    assert headings_only(headings, entries)
    assert not headings_only(entries, entries)  # two lists of whole entries
    assert not headings_only(entries, headings)  # descriptions against entries: the other way


def test_entries_against_headings_are_scored_on_their_lead() -> None:
    left = ["Lasers as follows: " + "continuous wave output exceeding 10 W at wavelengths below 400 nm; " * 6,
            "Gravity meters as follows: " + "static accuracy better than 10 microgal over the full range; " * 6,
            "Marine boilers as follows: " + "designed for naval propulsion plants of surface vessels; " * 6]
    right = ["Gravity meters", "Marine boilers", "Lasers"]
    res = match_texts(left, right, mode="independent")
    assert res.leads
    assert [int(j) for j in res.ranking.argmax(axis=1)] == [2, 0, 1]
