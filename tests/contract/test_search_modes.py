"""The search contract, continued: semantic and hybrid modes, filters, facets; and the backends
agree on them. Expected values are computed here from the test documents (numpy cosine over the
same vectors, counts over the documents), not taken from either backend."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import numpy as np
import pytest

from exportwatch.errors import QueryError, SearchError
from indexer.base import FACETS, IndexDoc, SearchBackend, SearchQuery, SearchResult
from indexer.fusion import fuse
from indexer.query import parse_query

from .conftest import (
    ALL_DOCS,
    EU,
    US,
    VECTOR_MODEL,
    bow_vector,
    load,
)
from .test_search_contract import AGREEMENT_QUERIES, ids

BY_ID = {d.entry_id: d for d in ALL_DOCS}


def semantic(text: str, **kwargs: Any) -> SearchQuery:
    return SearchQuery(text, mode="semantic", vector=bow_vector(text),
                       vector_model=VECTOR_MODEL, **{"limit": 100, **kwargs})


def expected_nearest(text: str, docs: list[IndexDoc] = ALL_DOCS, k: int = 100) -> list[tuple[str, float]]:
    """(entry_id, score) of the k nearest docs with a vector, by plain numpy: ES's cosine score
    (1 + cos) / 2, best first, ties by entry id."""
    q = bow_vector(text)
    scored = [(d.entry_id, round((1.0 + float(np.dot(d.vector, q))) / 2.0, 4))
              for d in docs if d.vector is not None]
    return sorted(scored, key=lambda s: (-s[1], s[0]))[:k]


def expected_facets(entry_ids: set[str]) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name, attr in FACETS.items():
        counts = Counter(str(getattr(BY_ID[i], attr)) for i in entry_ids)
        out[name] = sorted(counts.items(), key=lambda vn: (-vn[1], vn[0]))
    return out


# -- semantic ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["microwave amplifiers", "frequency synthesizer switching time",
                                  "carbon fibre materials"])
def test_semantic_ranks_by_cosine(loaded: SearchBackend, text: str) -> None:
    result = loaded.search(semantic(text))
    want = expected_nearest(text)
    assert [(h.entry_id, h.score) for h in result.hits] == want
    assert result.total == len(want) == len([d for d in ALL_DOCS if d.vector is not None])


def test_semantic_nearest_is_the_entry_about_it(loaded: SearchBackend) -> None:
    top = loaded.search(semantic("microwave power amplifiers", limit=2)).hits
    assert {h.entry_id for h in top} == {"us:3A001.b.2", "eu:3A001.b.2"}


def test_semantic_depth_and_pagination(loaded: SearchBackend) -> None:
    whole = loaded.search(semantic("frequency synthesizer", depth=5))
    assert whole.total == 5
    assert [h.entry_id for h in whole.hits] == [i for i, _ in expected_nearest(
        "frequency synthesizer", k=5)]
    pages = [loaded.search(semantic("frequency synthesizer", depth=5, limit=2, offset=o))
             for o in (0, 2, 4)]
    assert [h.entry_id for p in pages for h in p.hits] == [h.entry_id for h in whole.hits]
    assert all(p.total == 5 for p in pages)


def test_semantic_filters_and_not_terms(loaded: SearchBackend) -> None:
    us = loaded.search(semantic("frequency synthesizer", jurisdictions=["US"]))
    assert [h.entry_id for h in us.hits] == [
        i for i, _ in expected_nearest("frequency synthesizer", US)]
    # a NOT term excludes in every mode: entries that mention "military"
    hits = ids_of(loaded.search(semantic("amplifiers -military")))
    assert not hits & {"eu:3A001.b.2", "us:3A001.b.2"}
    assert "eu:3A001.b" in hits
    entries = loaded.search(semantic("materials", kinds=["entry"]))
    assert ids_of(entries) == {"eu:3A001", "eu:1C010", "us:1C010", "wa:1.C.10"}


def ids_of(result: SearchResult) -> set[str]:
    return {h.entry_id for h in result.hits}


def test_semantic_skips_entries_without_vectors(loaded: SearchBackend) -> None:
    assert "au:ML10.a" not in ids_of(loaded.search(semantic("reserved future use")))
    assert ids(loaded, "reserved") == {"au:ML10.a"}  # bm25 still finds it


def test_semantic_snippet_marks_the_query_words_or_shows_the_text(loaded: SearchBackend) -> None:
    hits = {h.entry_id: h for h in loaded.search(semantic("carbon fibre materials")).hits}
    assert "<mark>" in hits["eu:1C010"].snippet
    # no query word in the entry: the start of its own text, unmarked
    assert hits["us:3A001.b.2"].snippet == "Microwave power amplifiers for military and space applications."


def test_semantic_needs_a_vector_of_the_index_model_and_size(loaded: SearchBackend) -> None:
    with pytest.raises(QueryError, match="enable embeddings"):
        SearchQuery("amplifiers", mode="semantic")
    with pytest.raises(QueryError, match="dimension"):
        loaded.search(SearchQuery("amplifiers", mode="semantic", vector=np.ones(7, np.float32)))
    with pytest.raises(QueryError, match="other-model"):
        loaded.search(SearchQuery("amplifiers", mode="semantic", vector=bow_vector("amplifiers"),
                                  vector_model="other-model"))
    with pytest.raises(QueryError, match="zero"):
        loaded.search(SearchQuery("amplifiers", mode="semantic",
                                  vector=np.zeros(8, np.float32)))
    with pytest.raises(QueryError, match="unknown search mode"):
        SearchQuery("amplifiers", mode="fuzzy")


def test_semantic_on_an_index_without_vectors_finds_nothing(backend: SearchBackend) -> None:
    load(backend, [dataclasses.replace(d, vector=None, vector_model="") for d in EU])
    result = backend.search(semantic("frequency synthesizer"))
    assert (result.total, result.hits) == (0, [])


def test_vectors_of_another_size_are_refused(backend: SearchBackend) -> None:
    load(backend, EU)
    odd = dataclasses.replace(US[0], vector=np.ones(5, np.float32))
    with pytest.raises(SearchError):
        backend.replace_source("us-ecfr-ccl", [odd])
    assert "us:3A001.b" not in ids(backend, "synthesizer")


def test_replaced_source_leaves_no_stale_vectors(backend: SearchBackend) -> None:
    load(backend)
    backend.search(semantic("carbon fibre"))  # builds any cache of the first state
    amended = dataclasses.replace(US[2], text="Quartz crystal oscillators.",
                                  vector=bow_vector("Quartz crystal oscillators"))
    backend.replace_source("us-ecfr-ccl", [amended])
    top = backend.search(semantic("quartz crystal oscillators", limit=1)).hits[0]
    assert top.entry_id == "us:1C010" and top.score == 1.0
    assert not ids_of(backend.search(semantic("carbon fibre"))) & {"us:3A001.b", "us:3A001.b.2"}


# -- hybrid -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["amplifiers", "carbon OR aramid", '"switching time"',
                                  "amplif* -military"])
def test_hybrid_is_the_fusion_of_both_lists(loaded: SearchBackend, text: str) -> None:
    vec: dict[str, Any] = {"vector": bow_vector(text), "vector_model": VECTOR_MODEL}
    bm25 = loaded.search(SearchQuery(text, limit=100)).hits
    sem = loaded.search(SearchQuery(text, mode="semantic", limit=100, **vec)).hits
    hybrid = loaded.search(SearchQuery(text, mode="hybrid", limit=100, **vec))
    fused = fuse(bm25, sem)
    assert [(h.entry_id, h.score) for h in hybrid.hits] == [(h.entry_id, h.score) for h in fused]
    assert hybrid.total == len({h.entry_id for h in bm25} | {h.entry_id for h in sem})
    # entries matching the words come first: both lists hold them
    assert {h.entry_id for h in hybrid.hits[:len(bm25)]} >= {h.entry_id for h in bm25[:2]}


def test_hybrid_matches_any_of_the_words(loaded: SearchBackend) -> None:
    # bm25 wants every word: "zeppelin" is in no entry, so it finds nothing
    assert loaded.search(SearchQuery("zeppelin microwave amplifiers")).total == 0
    hybrid = loaded.search(SearchQuery("zeppelin microwave amplifiers", mode="hybrid", limit=100,
                                       vector=bow_vector("zeppelin"), vector_model=VECTOR_MODEL))
    # ... hybrid's word half takes any of them, so every entry with one of the words is ranked,
    # and one holding some of the words comes first (bm25 rank 1 outscores any semantic-only hit)
    as_or = {h.entry_id for h in loaded.search(
        SearchQuery("zeppelin OR microwave OR amplifiers", limit=100)).hits}
    assert as_or >= {"eu:3A001.b.2", "us:3A001.b.2"}
    assert as_or <= {h.entry_id for h in hybrid.hits}
    assert hybrid.hits[0].entry_id in as_or


def test_hybrid_pages_are_stable(loaded: SearchBackend) -> None:
    q: dict[str, Any] = {"vector": bow_vector("frequency"), "vector_model": VECTOR_MODEL,
                         "mode": "hybrid"}
    whole = loaded.search(SearchQuery("frequency", limit=100, **q))
    paged = [h.entry_id for o in range(0, whole.total, 3)
             for h in loaded.search(SearchQuery("frequency", limit=3, offset=o, **q)).hits]
    assert paged == [h.entry_id for h in whole.hits]
    for hit in whole.hits:
        assert hit.snippet


# -- filters and facets -----------------------------------------------------------------------

def test_category_kind_status_filters(loaded: SearchBackend) -> None:
    assert ids(loaded, "materials OR electronic", kinds=["entry"]) == {
        "eu:3A001", "eu:1C010", "us:1C010", "wa:1.C.10"}
    assert ids(loaded, "materials OR electronic", categories=["1"]) == {
        "eu:1C010", "us:1C010", "wa:1.C.10"}
    assert ids(loaded, "rifles OR reserved", categories=["ml"]) == {"au:ML1.a", "au:ML10.a"}
    assert ids(loaded, "rifles OR reserved", statuses=["reserved"]) == {"au:ML10.a"}
    assert ids(loaded, "rifles OR reserved", statuses=["active"]) == {"au:ML1.a"}


@pytest.mark.parametrize(("prefix", "expected"), [
    ("3A", {"eu:3A001", "eu:3A001.b", "eu:3A001.b.2", "us:3A001.b", "us:3A001.b.2",
            "wa:3.A.1.b"}),
    ("3.A.1", {"eu:3A001", "eu:3A001.b", "eu:3A001.b.2", "us:3A001.b", "us:3A001.b.2",
               "wa:3.A.1.b"}),
    ("3A001.b.2", {"eu:3A001.b.2", "us:3A001.b.2"}),
    ("ML1", {"au:ML1.a"}),  # not ML10: a number is never cut in two
    ("ml10", {"au:ML10.a"}),
    ("1C", {"eu:1C010", "us:1C010", "wa:1.C.10"}),
])
def test_code_prefix_filter(loaded: SearchBackend, prefix: str, expected: set[str]) -> None:
    words = "electronic OR frequency OR amplifiers OR materials OR rifles OR reserved"
    assert ids(loaded, words, code_prefixes=[prefix]) == expected
    sem = loaded.search(semantic("electronic frequency materials", code_prefixes=[prefix]))
    assert ids_of(sem) == expected - {"au:ML10.a"}  # ML10.a has no vector


def test_code_prefix_filter_on_a_code_search(loaded: SearchBackend) -> None:
    assert ids(loaded, "3A001", code_prefixes=["3A001.b.2"]) == {"eu:3A001.b.2", "us:3A001.b.2"}


@pytest.mark.parametrize("text", ["frequency", "electronic", "materials OR rifles", "3A001",
                                  "synth*"])
def test_facets_count_every_match(loaded: SearchBackend, text: str) -> None:
    result = loaded.search(SearchQuery(text, limit=1, facets=True))
    matched = ids(loaded, text)
    assert result.facets == expected_facets(matched)
    assert sum(n for _, n in result.facets["jurisdiction"]) == result.total == len(matched)
    assert len(result.hits) == 1  # counted over all matches, not the page


def test_facets_respect_filters(loaded: SearchBackend) -> None:
    result = loaded.search(SearchQuery("frequency", jurisdictions=["eu", "wa"], facets=True))
    assert result.facets["jurisdiction"] == [("eu", 2), ("wa", 1)]
    assert result.facets["source"] == [("eu-annex-i", 2), ("wa-dual-use", 1)]


def test_facets_of_semantic_and_hybrid_count_the_ranked_set(loaded: SearchBackend) -> None:
    sem = loaded.search(semantic("frequency synthesizer", depth=6, limit=2, facets=True))
    assert sem.facets == expected_facets({i for i, _ in expected_nearest(
        "frequency synthesizer", k=6)})
    hyb = loaded.search(SearchQuery("frequency synthesizer", mode="hybrid", depth=6, limit=2,
                                    vector=bow_vector("frequency synthesizer"),
                                    vector_model=VECTOR_MODEL, facets=True))
    ranked = ids_of(loaded.search(dataclasses.replace(hyb.query, limit=100, facets=False)))
    assert hyb.facets == expected_facets(ranked)


def test_no_facets_unless_asked(loaded: SearchBackend) -> None:
    assert loaded.search(SearchQuery("frequency")).facets == {}


def test_facets_of_nothing_are_empty(loaded: SearchBackend) -> None:
    result = loaded.search(SearchQuery("zeppelin", facets=True))
    assert result.total == 0 and result.facets == {name: [] for name in FACETS}


# -- change kinds ----------------------------------------------------------------------------

EVERYTHING = "electronic OR frequency OR amplifiers OR materials OR rifles OR reserved OR synth*"


def with_change_kind(*kinds: str, docs: list[IndexDoc] = ALL_DOCS) -> set[str]:
    return {d.entry_id for d in docs if d.change_kind in kinds}


def test_change_kind_filter_one_and_several(loaded: SearchBackend) -> None:
    assert len(ids(loaded, EVERYTHING)) == len(ALL_DOCS)  # the filters below pick from them all
    assert ids(loaded, EVERYTHING, change_kinds=["amended"]) == {
        "eu:3A001.b", "us:3A001.b.2"} == with_change_kind("amended")
    assert ids(loaded, EVERYTHING, change_kinds=["added", "moved"]) == {
        "eu:3A001.b.2", "us:3A001.b"}
    assert ids(loaded, EVERYTHING, change_kinds=["ADDED", "Moved"]) == {  # case-insensitive
        "eu:3A001.b.2", "us:3A001.b"}
    assert ids(loaded, EVERYTHING, change_kinds=["initial"]) == {"wa:3.A.1.b", "wa:1.C.10"}
    assert ids(loaded, EVERYTHING, change_kinds=["removed", "unknown"]) == {"au:ML10.a",
                                                                           "au:ML1.a"}
    for kind in ("added", "amended", "moved", "removed", "unchanged", "initial", "unknown"):
        assert ids(loaded, EVERYTHING, change_kinds=[kind]) == with_change_kind(kind), kind


def test_change_kind_with_other_filters_and_code_search(loaded: SearchBackend) -> None:
    assert ids(loaded, "frequency OR amplifiers", change_kinds=["amended", "moved"],
               jurisdictions=["us"]) == {"us:3A001.b", "us:3A001.b.2"}
    assert ids(loaded, "frequency OR amplifiers", change_kinds=["amended"],
               jurisdictions=["wa"]) == set()
    assert ids(loaded, EVERYTHING, change_kinds=["unchanged"], kinds=["entry"]) == {
        "eu:3A001", "eu:1C010", "us:1C010"}
    # a control code alone is a code lookup: the filter applies to it too
    assert ids(loaded, "3A001", change_kinds=["amended"]) == {"eu:3A001.b", "us:3A001.b.2"}
    assert ids(loaded, "3A001", change_kinds=["unchanged"], code_prefixes=["3A001.b"]) == set()


def test_change_kind_facet_counts(loaded: SearchBackend) -> None:
    result = loaded.search(SearchQuery("frequency", limit=1, facets=True))
    # eu:3A001.b, eu:3A001.b.2 (its context), us:3A001.b, wa:3.A.1.b, ca (fréquences, stemmed)
    assert result.facets["change_kind"] == [("added", 1), ("amended", 1), ("initial", 1),
                                            ("moved", 1), ("unchanged", 1)]
    filtered = loaded.search(SearchQuery(EVERYTHING, limit=1, facets=True,
                                         change_kinds=["amended", "initial"]))
    assert filtered.facets["change_kind"] == [("amended", 2), ("initial", 2)]
    assert filtered.facets["jurisdiction"] == [("wa", 2), ("eu", 1), ("us", 1)]
    assert filtered.total == 4
    everything = loaded.search(SearchQuery(EVERYTHING, limit=1, facets=True))
    assert everything.facets["change_kind"] == sorted(
        Counter(d.change_kind for d in ALL_DOCS).items(), key=lambda vn: (-vn[1], vn[0]))


def test_change_kind_in_semantic_and_hybrid(loaded: SearchBackend) -> None:
    text = "frequency synthesizer amplifiers"
    sem = loaded.search(semantic(text, change_kinds=["amended", "added"], facets=True))
    docs = [d for d in ALL_DOCS if d.change_kind in ("amended", "added")]
    assert [(h.entry_id, h.score) for h in sem.hits] == expected_nearest(text, docs)
    assert {h.change_kind for h in sem.hits} == {"amended", "added"}
    assert sem.facets["change_kind"] == [("amended", 2), ("added", 1)]
    # au:ML10.a (removed) has no vector: the only "unknown" one with a vector is au:ML1.a
    assert ids_of(loaded.search(semantic(text, change_kinds=["unknown", "removed"]))) == {
        "au:ML1.a"}
    hyb = loaded.search(SearchQuery(text, mode="hybrid", limit=100, facets=True,
                                    change_kinds=["moved", "initial"], vector=bow_vector(text),
                                    vector_model=VECTOR_MODEL))
    assert ids_of(hyb) == {"us:3A001.b", "wa:3.A.1.b", "wa:1.C.10"}
    assert hyb.facets["change_kind"] == [("initial", 2), ("moved", 1)]
    by_id = {h.entry_id: h.change_kind for h in hyb.hits}
    assert by_id == {i: BY_ID[i].change_kind for i in by_id}


def test_unknown_change_kind_is_a_query_error(loaded: SearchBackend) -> None:
    for bad in (["changed"], ["amended", "deleted"], [""]):
        with pytest.raises(QueryError, match=r"unknown change kind.*added, amended, moved, "
                                             r"removed, unchanged, initial, unknown"):
            loaded.search(SearchQuery("frequency", change_kinds=bad))


# -- the two backends agree --------------------------------------------------------------------

@pytest.mark.parametrize("query", AGREEMENT_QUERIES)
def test_backends_agree_on_facets(both: list[SearchBackend], query: str) -> None:
    embedded, elastic = (b.search(SearchQuery(query, limit=1, facets=True)) for b in both)
    assert elastic.facets == embedded.facets
    assert elastic.total == embedded.total


@pytest.mark.parametrize("query", ["frequency synthesizer", "amplifiers -military", "carbon fibre",
                                   "reserved", "rifles"])
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_backends_agree_on_semantic_and_hybrid(both: list[SearchBackend], query: str,
                                               mode: str) -> None:
    q = SearchQuery(query, mode=mode, vector=bow_vector(query), vector_model=VECTOR_MODEL,
                    limit=100, facets=True, depth=8)
    embedded, elastic = (b.search(q) for b in both)
    assert (elastic.total, elastic.facets) == (embedded.total, embedded.facets)
    if mode == "semantic":  # the same floats: the same order and scores
        assert [(h.entry_id, h.score) for h in elastic.hits] == [
            (h.entry_id, h.score) for h in embedded.hits]
    else:  # bm25 scores differ between the engines, so the fused order may too
        assert {h.entry_id for h in elastic.hits} == {h.entry_id for h in embedded.hits}
    assert not parse_query(query).code


def test_filtered_semantic_agrees(both: list[SearchBackend]) -> None:
    for filters in ({"jurisdictions": ["wa", "ca"]}, {"code_prefixes": ["3A"]},
                    {"languages": ["fr"]}, {"categories": ["ML"], "statuses": ["active"]},
                    {"change_kinds": ["amended", "moved"]}):
        q = semantic("frequency synthesizer", **filters)
        embedded, elastic = (b.search(q) for b in both)
        assert [h.entry_id for h in elastic.hits] == [h.entry_id for h in embedded.hits], filters
        assert embedded.total > 0
