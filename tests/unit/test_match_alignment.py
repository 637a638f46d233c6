"""The list machinery of nlp.match.matcher on small matrices: monotone alignment and ranking."""

from __future__ import annotations

import numpy as np

from nlp.match.matcher import (
    SAME_LANGUAGE,
    final_scores,
    headings_only,
    lead,
    match_texts,
    monotone_alignment,
    rank_keys,
    top_k,
)


def test_alignment_keeps_order_and_skips_inserted_and_dropped_rows() -> None:
    # left rows 0..3, right columns 0..4: column 2 is an entry only the right list has, and
    # left row 2 has no counterpart (every score low)
    s = np.full((4, 5), -1.0, dtype=np.float32)
    s[0, 0] = s[1, 1] = s[3, 4] = 5.0
    s[2, :] = 0.5
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
