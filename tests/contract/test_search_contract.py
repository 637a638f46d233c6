"""The search contract: what every backend promises, checked against each (embedded SQLite FTS5
and a real Elasticsearch node), then the Elasticsearch-only promises (bulk failures reported,
429s retried, alias-swap rebuilds that leave the live index alone when they fail)."""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from exportwatch.errors import QueryError, SearchError
from indexer.base import IndexDoc, SearchBackend, SearchQuery
from indexer.elastic import BulkIndexError, ElasticBackend
from indexer.query import parse_query

from .conftest import (
    ALL_DOCS,
    CA,
    EU,
    US,
    WA,
    _free_port,
    doc,
    load,
    refuse_in_strict_mapping,
)


def ids(backend: SearchBackend, text: str, **filters: Any) -> set[str]:
    result = backend.search(SearchQuery(text, limit=100, **filters))
    assert result.total == len(result.hits)
    return {h.entry_id for h in result.hits}


# -- indexing ---------------------------------------------------------------------------------

def test_empty_index_answers_with_nothing(backend: SearchBackend) -> None:
    assert backend.count() == 0
    result = backend.search(SearchQuery("synthesizer"))
    assert (result.total, result.hits) == (0, [])


def test_replace_source_indexes_and_counts(backend: SearchBackend) -> None:
    load(backend)
    assert backend.count() == len(ALL_DOCS)


def test_replace_source_replaces_and_leaves_no_stale_docs(backend: SearchBackend) -> None:
    load(backend)
    loaded = backend
    amended = dataclasses.replace(EU[1], text="Frequency synthesisers with a lock time below "
                                  "100 microseconds.", version_id=2)
    new = doc("eu:3A002", "3A002", "General purpose electronic equipment",
              "Recording equipment and oscilloscopes.", kind="entry", version_id=2)
    assert loaded.replace_source("eu-annex-i", [amended, new]) == 2
    assert loaded.count() == len(ALL_DOCS) - len(EU) + 2
    assert ids(loaded, "aramid") == set()  # eu:1C010 is gone
    assert ids(loaded, "oscilloscopes") == {"eu:3A002"}
    assert ids(loaded, "microseconds") == {"eu:3A001.b"}
    assert "eu:3A001.b" not in ids(loaded, "312")  # the old text is gone
    assert ids(loaded, "carbon") == {"us:1C010", "wa:1.C.10"}  # other sources untouched


def test_replace_source_with_nothing_empties_the_source(backend: SearchBackend) -> None:
    load(backend)
    loaded = backend
    assert loaded.replace_source("wa-dual-use", []) == 0
    assert loaded.count() == len(ALL_DOCS) - len(WA)
    assert not {i for i in ids(loaded, "frequency") if i.startswith("wa:")}


def test_duplicate_entry_ids_are_refused_and_the_old_content_stays(backend: SearchBackend
                                                                    ) -> None:
    load(backend)
    loaded = backend
    with pytest.raises(SearchError):
        loaded.replace_source("eu-annex-i", [EU[0], EU[0]])
    assert loaded.count() == len(ALL_DOCS)
    assert ids(loaded, "aramid") == {"eu:1C010"}


# -- the query language ------------------------------------------------------------------------

def test_word_search_finds_every_field_and_form(loaded: SearchBackend) -> None:
    # heading, text and context (ancestor headings) all count
    assert ids(loaded, "electronic") == {"eu:3A001", "eu:3A001.b", "eu:3A001.b.2", "us:3A001.b",
                                        "us:3A001.b.2", "wa:3.A.1.b"}
    # notes count too; the plural finds the singular (stemming)
    assert ids(loaded, "repair") == {"eu:1C010"}
    assert ids(loaded, "amplifier") == {"eu:3A001.b", "eu:3A001.b.2", "us:3A001.b.2"}


def test_words_are_anded(loaded: SearchBackend) -> None:
    assert ids(loaded, "microwave military space") == {"us:3A001.b.2"}


@pytest.mark.parametrize("query", ["synthesiser", "synthesizer", "SYNTHESISERS", "synthesizers"])
def test_spelling_variants_find_both_spellings(loaded: SearchBackend, query: str) -> None:
    assert ids(loaded, query) == {"eu:3A001.b", "eu:3A001.b.2", "us:3A001.b", "wa:3.A.1.b"}


def test_spelling_pairs_and_diacritics(loaded: SearchBackend) -> None:
    assert ids(loaded, "fiber") == ids(loaded, "fibre") == {"eu:1C010", "us:1C010", "wa:1.C.10"}
    assert ids(loaded, "synthetiseurs") == {"ca:1-3.A.1.b@fr"}
    assert ids(loaded, "synthétiseurs") == {"ca:1-3.A.1.b@fr"}


def test_phrase(loaded: SearchBackend) -> None:
    assert ids(loaded, '"switching time"') == {"eu:3A001.b", "us:3A001.b"}
    assert ids(loaded, '"time switching"') == set()
    # each word of a phrase in either spelling
    assert ids(loaded, '"carbon fiber"') == {"eu:1C010", "us:1C010", "wa:1.C.10"}
    # a hyphenated word is a phrase
    assert ids(loaded, "solid-state") == {"eu:3A001.b.2"}


def test_prefix(loaded: SearchBackend) -> None:
    assert ids(loaded, "amplif*") == {"eu:3A001.b", "eu:3A001.b.2", "us:3A001.b.2"}
    assert ids(loaded, "synth*") == {"eu:3A001.b", "eu:3A001.b.2", "us:3A001.b", "wa:3.A.1.b",
                                     "ca:1-3.A.1.b@fr"}


def test_or(loaded: SearchBackend) -> None:
    assert ids(loaded, "aramid OR tensile") == {"eu:1C010", "us:1C010"}
    assert ids(loaded, "carbon aramid OR tensile") == {"eu:1C010", "us:1C010"}


@pytest.mark.parametrize("query", ["amplifiers -military", "amplifiers NOT military"])
def test_not(loaded: SearchBackend, query: str) -> None:
    assert ids(loaded, query) == {"eu:3A001.b"}


@pytest.mark.parametrize("query", ["", "   ", '"frequency synth', "OR laser", "laser OR",
                                   "-military", "NOT military", "laser NOT", "laser OR -maser"])
def test_bad_query_raises_query_error(loaded: SearchBackend, query: str) -> None:
    with pytest.raises(QueryError):
        loaded.search(SearchQuery(query))


# -- control codes -----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["3A001.b", "3a001.b", "3.A.1.b"])
def test_code_search_finds_the_entry_and_sub_items_in_every_notation(
        loaded: SearchBackend, query: str) -> None:
    result = loaded.search(SearchQuery(query, limit=100))
    # shortest code first (the entry before its sub-items), then jurisdiction, code, id
    assert [h.entry_id for h in result.hits] == [
        "eu:3A001.b", "us:3A001.b", "wa:3.A.1.b", "eu:3A001.b.2", "us:3A001.b.2"]
    assert result.total == 5
    assert result.hits[0].score > result.hits[-1].score


def test_code_search_prefix_is_per_segment(loaded: SearchBackend) -> None:
    assert ids(loaded, "3A001") == {"eu:3A001", "eu:3A001.b", "eu:3A001.b.2", "us:3A001.b",
                                    "us:3A001.b.2", "wa:3.A.1.b"}
    assert ids(loaded, "3A001.b.2") == {"eu:3A001.b.2", "us:3A001.b.2"}


def test_wassenaar_code_longer_than_its_eu_form(loaded: SearchBackend) -> None:
    # "1.C.10" (6 characters) finds "1C010" (5): this divided by zero before code_score.
    result = loaded.search(SearchQuery("1.C.10"))
    assert {h.entry_id for h in result.hits} == {"eu:1C010", "us:1C010", "wa:1.C.10"}
    assert all(h.score > 0 for h in result.hits)


def test_hits_carry_the_entry(loaded: SearchBackend) -> None:
    (hit,) = loaded.search(SearchQuery("1.C.10", jurisdictions=["wa"])).hits
    src = WA[1]
    assert (hit.entry_id, hit.source_id, hit.jurisdiction, hit.code, hit.kind, hit.heading,
            hit.language, hit.version_date, hit.change_kind) == (
        src.entry_id, src.source_id, src.jurisdiction, src.code, src.kind, src.heading,
        src.language, src.version_date, "initial")
    assert hit.snippet == src.heading


# -- filters -----------------------------------------------------------------------------------

def test_filters(loaded: SearchBackend) -> None:
    assert ids(loaded, "frequency", jurisdictions=["us"]) == {"us:3A001.b"}
    assert ids(loaded, "frequency", jurisdictions=["EU", "wa"]) == {
        "eu:3A001.b", "eu:3A001.b.2", "wa:3.A.1.b"}
    assert ids(loaded, "carbon", sources=["wa-dual-use"]) == {"wa:1.C.10"}
    assert ids(loaded, "3A001.b", sources=["us-ecfr-ccl"]) == {"us:3A001.b", "us:3A001.b.2"}
    assert ids(loaded, "312", languages=["fr"]) == {"ca:1-3.A.1.b@fr"}
    assert ids(loaded, "312", languages=["en"]) == {"eu:3A001.b", "us:3A001.b"}
    assert ids(loaded, "frequency", jurisdictions=["us"], languages=["fr"]) == set()


# -- results -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["electronic", "frequency", "3A001"])
def test_pagination_is_stable_and_pages_do_not_overlap(loaded: SearchBackend, query: str) -> None:
    whole = loaded.search(SearchQuery(query, limit=100))
    assert whole.total >= 5
    pages = [loaded.search(SearchQuery(query, limit=2, offset=o)) for o in range(0, whole.total, 2)]
    paged = [h.entry_id for p in pages for h in p.hits]
    assert paged == [h.entry_id for h in whole.hits]  # same order, no overlap, nothing missing
    assert all(p.total == whole.total for p in pages)
    again = loaded.search(SearchQuery(query, limit=2, offset=2))
    assert [h.entry_id for h in again.hits] == [h.entry_id for h in pages[1].hits]
    assert loaded.search(SearchQuery(query, limit=2, offset=whole.total)).hits == []


def test_scores_rank_and_snippets_mark_the_match(loaded: SearchBackend) -> None:
    result = loaded.search(SearchQuery("frequency synthesizer", limit=100))
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    # a heading match ranks above an entry that names the words only in its context
    assert result.hits[0].entry_id in {"eu:3A001.b", "us:3A001.b", "wa:3.A.1.b"}
    assert result.hits[-1].entry_id in {"eu:3A001.b.2", "ca:1-3.A.1.b@fr"}
    for hit in result.hits:
        assert "<mark>" in hit.snippet and "</mark>" in hit.snippet, hit
    us = next(h for h in result.hits if h.entry_id == "us:3A001.b")
    assert "synthesizer</mark>" in us.snippet.lower()


# -- the two backends agree --------------------------------------------------------------------

AGREEMENT_QUERIES = [
    "electronic", "frequency", "frequency synthesizer", "synthesiser", "synth*", "amplif*",
    '"switching time"', '"carbon fiber"', "carbon OR aramid", "amplifiers -military", "fibre",
    "materials", "312", "ps", "synthétiseurs", "frequency NOT electronic", "military OR space",
    "3A001", "3A001.b", "3.A.1.b", "1.C.10", "1C010", "3A001.b.2", "9A012",
]


@pytest.mark.parametrize("query", AGREEMENT_QUERIES)
def test_backends_agree_on_what_matches(both: list[SearchBackend], query: str) -> None:
    embedded, elastic = (b.search(SearchQuery(query, limit=100)) for b in both)
    assert elastic.total == embedded.total
    assert {h.entry_id for h in elastic.hits} == {h.entry_id for h in embedded.hits}
    if parse_query(query).code:  # code search orders by code, not score: same order, same score
        assert [h.entry_id for h in elastic.hits] == [h.entry_id for h in embedded.hits]
        assert [h.score for h in elastic.hits] == [h.score for h in embedded.hits]


# -- Elasticsearch only ------------------------------------------------------------------------

def test_index_layout_alias_over_versioned_strict_index(elastic: ElasticBackend,
                                                         es_client: Elasticsearch) -> None:
    load(elastic)
    assert elastic.live_indices() == [f"{elastic.alias}-v1"]
    mapping = es_client.indices.get_mapping(index=elastic.alias).body
    assert mapping[f"{elastic.alias}-v1"]["mappings"]["dynamic"] == "strict"
    # change_kind: an explicit keyword (filter, terms aggregation) and the schema that added it
    assert mapping[f"{elastic.alias}-v1"]["mappings"]["properties"]["change_kind"] == {
        "type": "keyword"}
    assert mapping[f"{elastic.alias}-v1"]["mappings"]["_meta"] == {"schema_version": 3}


def test_bulk_item_failure_is_reported_by_id(elastic: ElasticBackend,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    load(elastic)
    refuse_in_strict_mapping(monkeypatch, "eu:1C010")
    amended = [dataclasses.replace(d, version_id=2) for d in EU]
    with pytest.raises(BulkIndexError) as err:
        elastic.replace_source("eu-annex-i", amended)
    assert err.value.failed_ids == ["eu:1C010"]
    assert "eu:1C010" in str(err.value) and "strict_dynamic_mapping" in str(err.value)
    assert isinstance(err.value, SearchError)
    # the rest is indexed and visible; the failed entry keeps its previous version
    assert elastic.count() == len(ALL_DOCS)
    assert ids(elastic, "aramid") == {"eu:1C010"}


def test_bulk_item_failure_through_the_public_api(elastic: ElasticBackend) -> None:
    too_big = dataclasses.replace(US[0], version_id=2**63)  # beyond an ES long
    with pytest.raises(SearchError, match=r"us:3A001\.b"):
        elastic.replace_source("us-ecfr-ccl", [too_big, US[1], US[2]])
    assert elastic.count() == 2


class _FaultProxy(ThreadingHTTPServer):
    """Forwards to the real node; answers the first `reject` bulk requests with the first item
    turned into a 429 (as a node with a full write queue does), so the retry path runs."""

    daemon_threads = True

    def __init__(self, upstream: str, reject: int) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = urlsplit(upstream)
        self.reject = reject
        self.bulk_calls = 0
        self.lock = threading.Lock()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FaultProxy

    def log_message(self, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length", "accept-encoding")}
        up = self.server.upstream
        conn = http.client.HTTPConnection(up.hostname or "", up.port, timeout=60)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if self.command == "PUT" or self.command == "POST":
            with self.server.lock:
                is_bulk = urlsplit(self.path).path.endswith("/_bulk")
                reject = is_bulk and self.server.reject > 0
                self.server.bulk_calls += is_bulk
                if reject:
                    self.server.reject -= 1
            if reject:
                payload = json.loads(data)
                item = next(iter(payload["items"][0].values()))
                item.update(status=429, error={"type": "es_rejected_execution_exception",
                                               "reason": "injected by the test proxy"})
                payload["errors"] = True
                data = json.dumps(payload).encode()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


@pytest.fixture
def proxy(es_url: str) -> Iterator[_FaultProxy]:
    server = _FaultProxy(es_url, reject=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _via(proxy: _FaultProxy, elastic: ElasticBackend, **kwargs: Any) -> ElasticBackend:
    host, port = proxy.server_address[:2]
    assert isinstance(host, str)
    return ElasticBackend(f"http://{host}:{port}", elastic.alias.removesuffix("entries"),
                          initial_backoff=0.01, max_backoff=0.05, **kwargs)


def test_bulk_429_items_are_retried_and_counts_are_exact(elastic: ElasticBackend,
                                                         proxy: _FaultProxy) -> None:
    load(elastic, EU)
    via = _via(proxy, elastic, chunk_size=2)
    proxy.reject = 2
    assert via.replace_source("us-ecfr-ccl", US) == len(US)
    # chunk 1 (item rejected), its retry (rejected again), a second retry, chunk 2
    assert proxy.reject == 0 and proxy.bulk_calls == 4
    assert elastic.count() == len(EU) + len(US)
    assert ids(elastic, "fiber", sources=["us-ecfr-ccl"]) == {"us:1C010"}
    via.close()


def test_bulk_429_beyond_max_retries_is_reported(elastic: ElasticBackend,
                                                  proxy: _FaultProxy) -> None:
    via = _via(proxy, elastic, max_retries=2)
    proxy.reject = 1_000
    with pytest.raises(BulkIndexError) as err:
        via.replace_source("us-ecfr-ccl", US)
    assert err.value.failed_ids == [US[0].entry_id]
    assert "429" in str(err.value) and "es_rejected_execution_exception" in str(err.value)
    assert proxy.bulk_calls == 3  # the first attempt and two retries
    via.close()


def test_rebuild_publishes_a_new_index_by_alias_swap(elastic: ElasticBackend,
                                                     es_client: Elasticsearch) -> None:
    load(elastic)
    old = elastic.live_indices()
    stop = threading.Event()
    seen: list[int] = []
    failures: list[BaseException] = []

    def reader() -> None:  # searches all through the swap: never an error, never empty
        while not stop.is_set():
            try:
                seen.append(elastic.search(SearchQuery("fibre")).total)
            except BaseException as exc:
                failures.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        n = elastic.rebuild({"eu-annex-i": EU, "wa-dual-use": WA, "ca-ecl": CA})
    finally:
        stop.set()
        thread.join()
    assert n == len(EU) + len(WA) + len(CA)
    assert elastic.live_indices() == [f"{elastic.alias}-v2"]
    assert not es_client.indices.exists(index=old[0])  # the old index is deleted after the swap
    assert elastic.count() == n
    assert ids(elastic, "fibre") == {"eu:1C010", "wa:1.C.10"}
    assert not failures and seen and all(t in (2, 3) for t in seen)


def test_failed_rebuild_leaves_the_alias_on_the_old_index(elastic: ElasticBackend,
                                                          es_client: Elasticsearch) -> None:
    load(elastic)
    old = elastic.live_indices()

    def docs_then_crash() -> Iterator[IndexDoc]:
        yield from EU
        raise RuntimeError("store read failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        elastic.rebuild({"eu-annex-i": docs_then_crash()})
    assert elastic.live_indices() == old
    assert elastic.count() == len(ALL_DOCS)
    assert ids(elastic, "tensile") == {"us:1C010"}
    assert not es_client.indices.exists(index=f"{elastic.alias}-v2")  # the half-built index


def test_rebuild_with_a_failing_document_leaves_the_alias(elastic: ElasticBackend,
                                                          es_client: Elasticsearch) -> None:
    load(elastic)
    old = elastic.live_indices()
    bad = dataclasses.replace(WA[0], version_id=2**63)
    with pytest.raises(BulkIndexError) as err:
        elastic.rebuild({"eu-annex-i": EU, "wa-dual-use": [bad, WA[1]]})
    assert err.value.failed_ids == [bad.entry_id]
    assert elastic.live_indices() == old
    assert elastic.count() == len(ALL_DOCS)
    assert not es_client.indices.exists(index=f"{elastic.alias}-v2")
    # the next rebuild succeeds
    assert elastic.rebuild({"eu-annex-i": EU}) == len(EU)
    assert elastic.live_indices() == [f"{elastic.alias}-v2"]
    assert not es_client.indices.exists(index=old[0])


def test_page_beyond_the_result_window_is_a_query_error(elastic: ElasticBackend) -> None:
    with pytest.raises(QueryError, match="page too deep"):
        elastic.search(SearchQuery("frequency", offset=9_995, limit=10))


def test_unreachable_node_is_a_search_error() -> None:
    port = _free_port()
    backend = ElasticBackend(f"http://127.0.0.1:{port}", "ewtest-unreachable-")
    with pytest.raises(SearchError, match=rf"Elasticsearch at http://127.0.0.1:{port} is "
                                          "unreachable"):
        backend.search(SearchQuery("frequency"))
    with pytest.raises(SearchError, match="unreachable"):
        backend.replace_source("eu-annex-i", EU)
    backend.close()

