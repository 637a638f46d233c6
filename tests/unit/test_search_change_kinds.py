"""Change kinds of indexed entries: projected from the store's change sets (current and as-of
searches), and an embedded index written before change kinds existed is migrated, not broken."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from exportwatch.processors.changes import detect_changes
from indexer.base import IndexDoc, SearchQuery
from indexer.changes import record_change_set, version_change_kinds
from indexer.embedded import EmbeddedBackend
from indexer.history import as_of_index, docs_as_of, versions_as_of
from indexer.project import ensure_projected, index_docs, project_source
from indexer.store import Store, VersionRow
from indexer.vectors import cache_root
from nlp.changes.model import Change, EntryText
from nlp.model import ParsedDocument, ParsedEntry

SOURCE = "eu-annex-i"


def entry(code: str, text: str, status: str = "active") -> ParsedEntry:
    parent = None if code == "1A001" else "1A001"
    return ParsedEntry(code=code, parent=parent, path=("1A001", code) if parent else (code,),
                       kind="item" if parent else "entry", heading=text, text=text, language="en",
                       status=status)  # type: ignore[arg-type]


HEAD = entry("1A001", "Components made from fluorinated compounds, as follows:")
SEALS = "Seals and gaskets made from more than {} % by weight of any fluorinated material;"
PIEZO = "Piezoelectric polymers made from vinylidene fluoride, having a thickness of 200 µm;"
ELASTOMERS = "Fluorinated elastomers containing at least 30 % of vinyl ether monomers;"
COATINGS = "Coatings of fluorinated polyimides for aerospace composite structures;"
V1 = (HEAD, entry("1A001.a", SEALS.format(50)), entry("1A001.b", PIEZO),
      entry("1A001.c", "Fluorinated lubricants for vacuum pumps of semiconductor equipment;"),
      entry("1A001.d", ELASTOMERS), entry("1A001.e", COATINGS))
# 1A001.a amended; .b unchanged; .c dropped and .d renumbered into .c (one id, a removal of the
# old entry and a move of another: the indexed .c is the moved one); .e withdrawn (still listed,
# not used); .f new.
V2 = (HEAD, entry("1A001.a", SEALS.format(60)), entry("1A001.b", PIEZO),
      entry("1A001.c", ELASTOMERS), entry("1A001.e", "Not used", status="not-used"),
      entry("1A001.f", "Fluorinated fluids for immersion cooling of electronic assemblies;"))
V2_KINDS = {"eu:1A001": "unchanged", "eu:1A001.a": "amended", "eu:1A001.b": "unchanged",
            "eu:1A001.c": "moved", "eu:1A001.e": "removed", "eu:1A001.f": "added"}
D1, D2, D3 = dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1)


def add(store: Store, day: dt.date, entries: tuple[ParsedEntry, ...]) -> VersionRow:
    crawl = store.begin_crawl(SOURCE)
    vid = store.add_version(source_id=SOURCE, jurisdiction="eu", primary_language="en",
                            bundle_sha256=f"{SOURCE}-{day}", crawl_id=crawl, files=[],
                            doc=ParsedDocument(day, "T", entries))
    return next(v for v in store.versions(SOURCE) if v.id == vid)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite")


def kinds(docs: list[IndexDoc]) -> dict[str, str]:
    return {d.entry_id: d.change_kind for d in docs}


def test_projection_reads_the_change_set_into_the_version(store: Store, tmp_path: Path) -> None:
    v1, v2 = add(store, D1, V1), add(store, D2, V2)
    assert set(kinds(list(index_docs(store, v2, "eu"))).values()) == {"unknown"}  # not detected
    detect_changes(store, SOURCE, v2)
    assert kinds(list(index_docs(store, v1, "eu"))) == dict.fromkeys(
        [f"eu:{e.code}" for e in V1], "initial")
    assert kinds(list(index_docs(store, v2, "eu"))) == V2_KINDS
    # ... and through a backend: the filter finds them, the facet counts them
    backend = EmbeddedBackend(tmp_path / "search.sqlite")
    assert project_source(store, backend, SOURCE, "eu") == len(V2)
    result = backend.search(SearchQuery("fluorinated OR piezoelectric OR used", limit=50,
                                        facets=True, change_kinds=["moved", "removed", "added"]))
    assert {h.entry_id: h.change_kind for h in result.hits} == {
        "eu:1A001.c": "moved", "eu:1A001.e": "removed", "eu:1A001.f": "added"}
    assert result.facets["change_kind"] == [("added", 1), ("moved", 1), ("removed", 1)]
    backend.close()


def test_the_lookup_is_one_change_set_query_per_version(store: Store) -> None:
    add(store, D1, V1)
    v2 = add(store, D2, V2)
    detect_changes(store, SOURCE, v2)
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    docs = list(index_docs(store, v2, "eu"))
    store.db.set_trace_callback(None)
    assert len(docs) == len(V2)
    assert len([s for s in statements if "FROM changes " in s]) == 1
    assert len([s for s in statements if "FROM change_sets" in s]) == 1


def test_the_newest_change_set_of_the_link_wins_and_definitions_mark_no_entry(store: Store) -> None:
    add(store, D1, V1)
    v2 = add(store, D2, V2)
    detect_changes(store, SOURCE, v2)
    v1 = store.versions(SOURCE)[0]
    old = EntryText("eu:1A001.b", "1A001.b", PIEZO, PIEZO)
    new = EntryText("eu:1A001.b", "1A001.b", PIEZO, PIEZO + " (amended)")
    definition = EntryText("eu:def:fluorinated", "fluorinated", "fluorinated", "new text")
    # A later engine's set for the same link: only it is read (as `chain` reads the newest).
    record_change_set(store, source_id=SOURCE, from_version=v1, to_version=v2, engine="test-2",
                      changes=[Change("amended", "eu:1A001.b", "edited", old, new),
                               Change("definition", "eu:1A001.a", "term", definition, definition)],
                      warnings=[])
    found = version_change_kinds(store, v2)
    assert (found.of("eu:1A001.b"), found.of("eu:1A001.a"), found.of("eu:1A001.f")) == (
        "amended", "unchanged", "unchanged")


def test_as_of_documents_carry_the_kind_of_the_version_in_force(store: Store, tmp_path: Path
                                                               ) -> None:
    add(store, D1, V1)
    v2 = add(store, D2, V2)
    detect_changes(store, SOURCE, v2)
    in_2020 = versions_as_of(store, dt.date(2020, 6, 1))
    assert set(kinds(list(docs_as_of(store, in_2020, {SOURCE: "eu"}))).values()) == {"initial"}
    in_2021 = versions_as_of(store, dt.date(2021, 6, 1))
    assert kinds(list(docs_as_of(store, in_2021, {SOURCE: "eu"}))) == V2_KINDS
    # the cached as-of index too; a version whose changes are detected later gets a new index
    v3 = add(store, D3, (*V2[:-1], entry("1A001.f", "Fluorinated fluids for cooling;")))
    cache = tmp_path / "asof"
    before = as_of_index(store, dt.date(2022, 6, 1), cache, {SOURCE: "eu"})
    query = SearchQuery("fluorinated", limit=50, facets=True)
    assert before.search(query).facets["change_kind"] == [("unknown", 6)]
    before.close()
    detect_changes(store, SOURCE, v3)
    after = as_of_index(store, dt.date(2022, 6, 1), cache, {SOURCE: "eu"})
    assert after.search(query).facets["change_kind"] == [("unchanged", 5), ("amended", 1)]
    after.close()
    in_2021_index = as_of_index(store, dt.date(2021, 6, 1), cache, {SOURCE: "eu"})
    hits = in_2021_index.search(SearchQuery("fluorinated", limit=50, change_kinds=["added"])).hits
    assert [h.entry_id for h in hits] == ["eu:1A001.f"]
    in_2021_index.close()
    assert v2.id != v3.id


def test_an_index_without_change_kinds_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    backend = EmbeddedBackend(path)
    vec = np.ones(8, np.float32)
    doc = IndexDoc("eu:1A001", SOURCE, "eu", "1A001", "entry", "Fluorinated components",
                   "Components made from fluorinated compounds.", "", "", "en", "1", "active", 1,
                   D1, vector=vec, vector_model="m", change_kind="amended")
    backend.replace_source(SOURCE, [doc])
    assert backend.search(SearchQuery("fluorinated", mode="semantic", vector=vec,
                                      vector_model="m")).total == 1  # builds a vector cache
    backend.close()
    # What an index of the previous release looks like: no change_kind column, and a vector
    # cache of the previous format (which this release must not read).
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE docs DROP COLUMN change_kind")
    db.commit()
    db.close()
    for d in cache_root(path).iterdir():
        d.rename(d.with_name(d.name.rsplit(".v", 1)[0] + ".v2"))
    old = EmbeddedBackend(path)
    result = old.search(SearchQuery("fluorinated", facets=True))
    assert [h.change_kind for h in result.hits] == ["unknown"]
    assert result.facets["change_kind"] == [("unknown", 1)]
    sem = old.search(SearchQuery("fluorinated", mode="semantic", vector=vec, vector_model="m",
                                 change_kinds=["unknown"], facets=True))
    assert sem.total == 1 and sem.facets["change_kind"] == [("unknown", 1)]
    # rewriting the source (a reindex or the next version) stores the real kind
    old.replace_source(SOURCE, [doc])
    assert old.search(SearchQuery("fluorinated", change_kinds=["amended"])).total == 1
    assert old.search(SearchQuery("fluorinated", mode="semantic", vector=vec, vector_model="m",
                                  change_kinds=["amended"])).total == 1
    old.close()
    shutil.rmtree(cache_root(path))


def test_a_change_set_that_arrives_after_indexing_reindexes_the_source(store: Store, tmp_path: Path) -> None:
    add(store, D1, V1)
    v2 = add(store, D2, V2)
    backend = EmbeddedBackend(tmp_path / "search.sqlite")
    project_source(store, backend, SOURCE, "eu")  # indexed before change detection ran
    query = SearchQuery("fluorinated", facets=True)
    assert dict(backend.search(query).facets["change_kind"]) == {"unknown": len(V2)}
    assert not ensure_projected(store, backend, SOURCE, "eu")
    detect_changes(store, SOURCE, v2)  # e.g. the "changes" processor retried by the next crawl
    assert ensure_projected(store, backend, SOURCE, "eu")
    found = backend.search(SearchQuery("fluorinated", change_kinds=("amended",)))
    assert [h.entry_id for h in found.hits] == ["eu:1A001.a"]
