"""The list-to-list evaluation sets keep the whole left list as the matcher's input
(bench/matching/sets.py): entries without a counterpart stay in, only the others are scored."""

from __future__ import annotations

import numpy as np

from bench.matching.evaluate import unmatched_called
from bench.matching.sets import Item, _aligned


def _items(jurisdiction: str, codes: list[str]) -> list[Item]:
    return [Item(f"{jurisdiction}:{c}", jurisdiction, f"text of {c}", "en") for c in codes]


def test_whole_left_list_is_the_input_and_only_counterparts_are_scored() -> None:
    eu = _items("eu", ["1A001", "1A101", "1A002", "1A202"])  # 1A101 and 1A202: not in the right list
    us = _items("us", ["1A001", "1A002", "1A999"])
    ev = _aligned("t", "test", eu, "eu", us, "us")
    assert [i.id for i in ev.left_input] == [i.id for i in eu]
    assert [i.id for i in ev.left] == ["eu:1A001", "eu:1A002"]
    assert ev.gold == {"eu:1A001": {"us:1A001"}, "eu:1A002": {"us:1A002"}}
    assert ev.query_rows == [0, 2]
    assert ev.unmatched_rows == [1, 3]


def test_an_itar_stub_counterpart_is_neither_scored_nor_unmatched() -> None:
    eu = _items("eu", ["9A004", "9A005"])
    us = [Item("us:9A004", "us", "Space launch vehicles (These items are “subject to the ITAR.” See 22 CFR "
               "parts 120 through 130.)", "en"), Item("us:9A005", "us", "text of 9A005", "en")]
    ev = _aligned("t", "test", eu, "eu", us, "us")
    assert ev.query_rows == [1] and ev.unmatched_rows == []


def test_unmatched_called_is_the_share_of_unmatched_rows_with_a_confident_best() -> None:
    ev = _aligned("t", "test", _items("eu", ["1A001", "1A101", "1A202"]), "eu", _items("us", ["1A001"]), "us")
    scores = np.array([[0.9], [0.7], [0.1]], dtype=np.float32)
    assert unmatched_called(scores, ev) == 0.5
