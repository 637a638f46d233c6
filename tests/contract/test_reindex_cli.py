"""`exportwatch reindex [--backend B]` end to end: a store of record with two sources, the CLI
rebuilds the chosen backend's index and publishes it at once; a reindex that fails half-way
leaves the index searches use exactly as it was (Elasticsearch: the alias stays on the old index)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from elasticsearch import Elasticsearch

import indexer.elastic
import indexer.project
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.errors import SearchError, StoreError
from indexer.base import IndexDoc, SearchQuery
from indexer.elastic import ElasticBackend
from indexer.embedded import EmbeddedBackend
from indexer.store import Store, VersionRow
from nlp.model import ParsedDocument, ParsedEntry

from .conftest import RUN_ID, refuse_in_strict_mapping

register_all(cli)


def _entry(code: str, heading: str, text: str, position: int, path: tuple[str, ...]) -> ParsedEntry:
    return ParsedEntry(code=code, parent=path[-2] if len(path) > 1 else None, path=path,
                       kind="entry" if len(path) == 2 else "item", heading=heading, text=text,
                       language="en", position=position)


def _store(home: Path) -> None:
    with Store(home / "store.sqlite") as store:
        for source_id, jurisdiction, entries in (
            ("eu-annex-i", "eu", [
                _entry("3", "Electronics", "Electronics", 0, ("3",)),
                _entry("3A001", "Electronic items", "Electronic items as follows:", 1, ("3", "3A001")),
                _entry("3A001.b", "Frequency synthesisers", "Frequency synthesisers having a "
                       "switching time of less than 312 ps.", 2, ("3", "3A001", "3A001.b")),
            ]),
            ("wa-dual-use", "wa", [
                _entry("1", "Special materials", "Special materials", 0, ("1",)),
                _entry("1.C.10", "Fibrous materials", "Carbon fibre for composite structures.", 1,
                       ("1", "1.C.10")),
            ]),
        ):
            crawl = store.begin_crawl(source_id)
            doc = ParsedDocument(version_date=dt.date(2024, 9, 1), title=source_id,
                                 entries=tuple(entries))
            store.add_version(source_id=source_id, jurisdiction=jurisdiction,
                              primary_language="en", bundle_sha256=f"{source_id}-1",
                              crawl_id=crawl, doc=doc, files=[])


def _store_second_version(home: Path) -> None:
    """Later versions: the EU list adds oscilloscopes (indexed before Wassenaar, so a reindex
    that published source by source would show it even if Wassenaar then failed), and in the
    Wassenaar list carbon fibre became aramid fibre."""
    with Store(home / "store.sqlite") as store:
        crawl = store.begin_crawl("eu-annex-i")
        doc = ParsedDocument(version_date=dt.date(2025, 1, 1), title="eu 2025", entries=(
            _entry("3", "Electronics", "Electronics", 0, ("3",)),
            _entry("3A002", "General purpose electronic equipment", "Oscilloscopes.", 1,
                   ("3", "3A002")),
        ))
        store.add_version(source_id="eu-annex-i", jurisdiction="eu", primary_language="en",
                          bundle_sha256="eu-annex-i-2", crawl_id=crawl, doc=doc, files=[])
        crawl = store.begin_crawl("wa-dual-use")
        doc = ParsedDocument(version_date=dt.date(2025, 1, 1), title="wa 2025", entries=(
            _entry("1", "Special materials", "Special materials", 0, ("1",)),
            _entry("1.C.10", "Fibrous materials", "Aramid fibre for composite structures.", 1,
                   ("1", "1.C.10")),
        ))
        store.add_version(source_id="wa-dual-use", jurisdiction="wa", primary_language="en",
                          bundle_sha256="wa-dual-use-2", crawl_id=crawl, doc=doc, files=[])


def _reindex(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["reindex", *args], env=env)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    _store(tmp_path)
    return tmp_path


def test_reindex_embedded(home: Path) -> None:
    env = {"EXPORTWATCH_HOME": str(home), "EXPORTWATCH_SEARCH_BACKEND": "elasticsearch",
           "EXPORTWATCH_ES_URL": "http://127.0.0.1:1"}  # --backend overrides the setting
    result = _reindex(env, "--backend", "embedded", "--json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert (counts["eu-annex-i"], counts["wa-dual-use"]) == (3, 2)
    assert sum(counts.values()) == 5
    backend = EmbeddedBackend(home / "search.sqlite")
    assert backend.count() == 5
    assert {h.entry_id for h in backend.search(SearchQuery("carbon")).hits} == {"wa:1.C.10"}
    with Store(home / "store.sqlite") as store:
        assert store.projected_version("embedded", "wa-dual-use") == store.current_version(
            "wa-dual-use").id  # type: ignore[union-attr]
    backend.close()


def test_failed_embedded_reindex_keeps_the_index(home: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    env = {"EXPORTWATCH_HOME": str(home)}
    assert _reindex(env).exit_code == 0
    _store_second_version(home)
    _break_store_reads(monkeypatch)
    result = _reindex(env, "--backend", "embedded")
    assert result.exit_code == 1
    assert "store read failed" in result.output
    backend = EmbeddedBackend(home / "search.sqlite")
    assert backend.count() == 5
    assert backend.search(SearchQuery("oscilloscopes")).total == 0
    assert {h.entry_id for h in backend.search(SearchQuery("carbon")).hits} == {"wa:1.C.10"}
    backend.close()


def _break_store_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    real = indexer.project.index_docs

    def failing(store: Store, version: VersionRow, jurisdiction: str, *args: Any
                ) -> Iterator[IndexDoc]:
        docs = real(store, version, jurisdiction, *args)
        yield next(docs)
        if version.source_id == "wa-dual-use":  # after the EU source: a later source fails
            raise StoreError("store read failed half-way")
        yield from docs

    monkeypatch.setattr(indexer.project, "index_docs", failing)


# -- Elasticsearch ------------------------------------------------------------------------------

@pytest.fixture
def es_env(home: Path, es_url: str, es_client: Elasticsearch) -> Iterator[dict[str, str]]:
    prefix = f"ewtest-{RUN_ID}-cli-{uuid.uuid4().hex[:6]}-"
    yield {"EXPORTWATCH_HOME": str(home), "EXPORTWATCH_SEARCH_BACKEND": "embedded",
           "EXPORTWATCH_ES_URL": es_url, "EXPORTWATCH_ES_INDEX_PREFIX": prefix}
    ElasticBackend(es_url, prefix).delete_all()


def _backend(env: dict[str, str]) -> ElasticBackend:
    return ElasticBackend(env["EXPORTWATCH_ES_URL"], env["EXPORTWATCH_ES_INDEX_PREFIX"])


def test_reindex_elasticsearch_publishes_by_alias_swap(es_env: dict[str, str], home: Path) -> None:
    first = _reindex(es_env, "--backend", "elasticsearch")
    assert first.exit_code == 0, first.output
    assert "5 entries published in the elasticsearch index" in first.output
    es = _backend(es_env)
    assert es.live_indices() == [f"{es.alias}-v1"] and es.count() == 5
    _store_second_version(home)
    second = _reindex(es_env, "--backend", "elasticsearch", "--json")
    assert second.exit_code == 0, second.output
    assert es.live_indices() == [f"{es.alias}-v2"]
    assert {h.entry_id for h in es.search(SearchQuery("aramid")).hits} == {"wa:1.C.10"}
    assert {h.entry_id for h in es.search(SearchQuery("oscilloscopes")).hits} == {"eu:3A002"}
    assert es.search(SearchQuery("carbon")).total == 0
    assert es.count() == 4
    with Store(home / "store.sqlite") as store:
        assert store.projected_version("elasticsearch", "wa-dual-use") == store.current_version(
            "wa-dual-use").id  # type: ignore[union-attr]
    es.close()


@pytest.mark.parametrize("failure", ["store", "document"])
def test_failed_reindex_leaves_the_live_alias(es_env: dict[str, str], home: Path,
                                             es_client: Elasticsearch,
                                             monkeypatch: pytest.MonkeyPatch, failure: str
                                             ) -> None:
    assert _reindex(es_env, "--backend", "elasticsearch").exit_code == 0
    es = _backend(es_env)
    live = es.live_indices()
    _store_second_version(home)
    if failure == "store":
        _break_store_reads(monkeypatch)
        message = "store read failed half-way"
    else:
        refuse_in_strict_mapping(monkeypatch, "wa:1.C.10")
        message = "wa:1.C.10"
    result = _reindex(es_env, "--backend", "elasticsearch")
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())
    assert es.live_indices() == live
    assert es.count() == 5
    assert es.search(SearchQuery("oscilloscopes")).total == 0  # nothing of the new EU version
    assert {h.entry_id for h in es.search(SearchQuery("carbon")).hits} == {"wa:1.C.10"}
    assert not es_client.indices.exists(index=f"{es.alias}-v2")
    es.close()


def test_an_index_of_an_older_schema_asks_for_a_reindex(es_url: str, es_client: Elasticsearch
                                                       ) -> None:
    prefix = f"ewtest-{RUN_ID}-old-{uuid.uuid4().hex[:6]}-"
    old_mappings = {**indexer.elastic.MAPPINGS, "_meta": {"schema_version": 1}}
    es_client.indices.create(index=f"{prefix}entries-v1", mappings=old_mappings,
                             aliases={f"{prefix}entries": {}},
                             settings={"analysis": indexer.elastic._ANALYSIS_PLUGIN})
    backend = ElasticBackend(es_url, prefix)
    try:
        with pytest.raises(SearchError, match=r"schema version 1.*exportwatch reindex"):
            backend.search(SearchQuery("frequency"))
        backend.rebuild({})
        assert backend.live_indices() == [f"{prefix}entries-v2"]
        assert backend.search(SearchQuery("frequency")).total == 0
    finally:
        backend.delete_all()
        backend.close()


# -- `exportwatch search` on what reindex built -------------------------------------------------

def test_search_cli_facets_filters_and_modes(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"EXPORTWATCH_HOME": str(home)}
    assert _reindex(env, "--backend", "embedded").exit_code == 0
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "fibre OR electronic", "--facets", "--kind", "entry",
                              "--json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {h["entry_id"] for h in data["hits"]} == {"eu:3A001", "wa:1.C.10"}
    assert data["facets"]["jurisdiction"] == [{"value": "eu", "count": 1},
                                              {"value": "wa", "count": 1}]
    assert data["filters"]["kind"] == ["entry"] and data["mode"] == "bm25"
    out = runner.invoke(cli, ["search", "frequency", "--code-prefix", "3A", "--json"], env=env)
    assert [h["entry_id"] for h in json.loads(out.output)["hits"]] == ["eu:3A001.b"]

    import exportwatch.commands.search as search_cmd
    from indexer.entry_vectors import EmbeddingsUnavailable

    def unavailable(store: Store, text: str) -> Any:
        raise EmbeddingsUnavailable("semantic and hybrid search need the embedding models")

    monkeypatch.setattr(search_cmd, "embed_query", unavailable)
    out = runner.invoke(cli, ["search", "frequency", "--mode", "semantic"], env=env)
    assert out.exit_code == 2 and "need the embedding models" in out.output
    bad = runner.invoke(cli, ["search", '"frequency', "--json"], env=env)
    assert bad.exit_code == 2 and "unbalanced quote" in bad.output


def test_search_cli_change_kinds_current_and_as_of(home: Path) -> None:
    from exportwatch.processors.changes import detect_changes

    _store_second_version(home)
    with Store(home / "store.sqlite") as store:
        for source_id in ("eu-annex-i", "wa-dual-use"):
            detect_changes(store, source_id, store.versions(source_id)[-1])
    env = {"EXPORTWATCH_HOME": str(home)}
    assert _reindex(env, "--backend", "embedded").exit_code == 0
    runner = CliRunner()

    def search(*args: str) -> dict[str, Any]:
        out = runner.invoke(cli, ["search", "electronics OR oscilloscopes OR fibre OR materials",
                                  "--json", *args], env=env)
        assert out.exit_code == 0, out.output
        data: dict[str, Any] = json.loads(out.output)
        return data

    # 2025 versions: EU added 3A002 (3A001 and 3A001.b were dropped: not hits), WA amended 1.C.10
    data = search("--facets")
    assert {h["entry_id"]: h["change_kind"] for h in data["hits"]} == {
        "eu:3": "unchanged", "eu:3A002": "added", "wa:1": "unchanged", "wa:1.C.10": "amended"}
    assert data["facets"]["change_kind"] == [{"value": "unchanged", "count": 2},
                                             {"value": "added", "count": 1},
                                             {"value": "amended", "count": 1}]
    data = search("--change-kind", "added", "--change-kind", "amended")
    assert {h["entry_id"] for h in data["hits"]} == {"eu:3A002", "wa:1.C.10"}
    assert data["filters"]["change_kind"] == ["added", "amended"]
    data = search("--change-kind", "amended", "--jurisdiction", "eu")
    assert data["total"] == 0
    # as of 2024: the first versions, nothing to compare them with
    data = search("--as-of", "2024-12-01", "--facets")
    assert data["facets"]["change_kind"] == [{"value": "initial", "count": 5}]
    assert search("--as-of", "2024-12-01", "--change-kind", "added")["total"] == 0
    bad = runner.invoke(cli, ["search", "fibre", "--change-kind", "changed"], env=env)
    assert bad.exit_code == 2
    assert "unknown change kind 'changed'" in bad.output and "unchanged, initial" in bad.output
    table = runner.invoke(cli, ["search", "fibre", "--facets"], env=env)
    assert table.exit_code == 0 and "change_kind" in table.output and "amended 1" in table.output
