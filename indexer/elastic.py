"""Elasticsearch search backend: the SearchBackend protocol on an Elasticsearch 8 node.

It accepts the same query language as the embedded backend (`indexer.query.parse_query`) and
passes the same contract tests (tests/contract). Layout:

- versioned indices `{prefix}entries-v{n}` behind the alias `{prefix}entries`; every read and
  write goes through the alias, and `rebuild` publishes a new index with one atomic alias swap;
- text fields analysed twice: `standard` for exact forms (scoring only) and an `.en` subfield that
  tokenizes, folds diacritics and Porter-stems like FTS5's `porter unicode61 remove_diacritics 2`,
  which decides what matches, so both backends find the same entries for the same query;
- entry vectors in an indexed `dense_vector` (cosine, HNSW): semantic mode is a `knn` search with
  the filters inside it; hybrid fuses the bm25 and knn lists in Python with `indexer.fusion`, the
  embedded backend's code.

Every elasticsearch / transport exception is translated to SearchError or QueryError here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import elastic_transport
import numpy as np
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    UnsupportedProductError,
    helpers,
)

from exportwatch.errors import QueryError, SearchError
from indexer.base import (
    FACETS,
    Hit,
    IndexDoc,
    SearchQuery,
    SearchResult,
    count_facets,
    nearest_window,
    rank_nearest,
    sorted_facets,
)
from indexer.embedded import (
    MARK_CLOSE,
    MARK_OPEN,
    PHRASE_BOOST,
    WEIGHTS,
    code_score,
    code_tokens,
    code_variants,
    lead,
    phrase_forms,
    prefix_variants,
)
from indexer.fusion import any_word, fuse
from indexer.query import ParsedQuery, Term, parse_query, spelling_variants

log = logging.getLogger(__name__)

# Bumped when the mapping or analysis changes; recorded in the index's _meta.
SCHEMA_VERSION = 3  # 3: change_kind
# The embedded backend's bm25() column weights, as field boosts.
BOOSTS: dict[str, float] = {"code_text" if f == "code" else f: w for f, w in WEIGHTS.items()}
_TEXT_FIELDS = ("heading", "text", "context", "notes")
# What decides a match: the stemmed subfields (and the code tokens, like FTS5's code column).
_MATCH_FIELDS = [f"{f}.en^{w}" if f in _TEXT_FIELDS else f"{f}^{w}" for f, w in BOOSTS.items()]
# Exact (unstemmed) forms only add score: "synthesisers" ranks the entries spelled so first.
_EXACT_FIELDS = [f"{f}^{w}" for f, w in BOOSTS.items() if f in _TEXT_FIELDS]
# Highlight order on ties: the body says more than the heading, which Hit carries anyway.
_SNIPPET_FIELDS = ("text.en", "heading.en", "context.en", "notes.en")
_FILTER_FIELDS = (("jurisdiction", "jurisdictions"), ("source_id", "sources"),
                  ("language", "languages"), ("category", "categories"), ("kind", "kinds"),
                  ("status", "statuses"), ("change_kind", "change_kinds"))
# knn: HNSW candidates examined per result wanted (recall against the exact top k is measured in
# bench/; more costs latency).
NUM_CANDIDATES_PER_RESULT = 4
_MIN_CANDIDATES = 200
_MAX_CANDIDATES = 10_000  # the node's limit
_LUCENE_REGEXP_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')
# What a Hit needs from a document (no text: ranked lists are fetched deep, snippets shallow).
_HIT_FIELDS = ("entry_id", "source_id", "jurisdiction", "code", "kind", "heading", "language",
               "version_date", "category", "status", "change_kind")
_MISSING_ANALYSIS = re.compile(r"failed to find (tokenizer|filter) under name|Unknown tokenizer type")
_MAX_WINDOW = 10_000  # index.max_result_window: from + size beyond it is refused by ES

# Analysis built from what the node offers. The integ-test distribution has no analysis-common,
# so scripts/elasticsearch.sh installs a small plugin exposing Lucene's own classes; a stock
# distribution has analysis-common, whose parts do the same job.
_ANALYSIS_PLUGIN: dict[str, Any] = {
    "analyzer": {"ew_english": {
        "type": "custom", "tokenizer": "exportwatch_words",
        "filter": ["lowercase", "exportwatch_asciifolding", "exportwatch_porter"]}},
}
_ANALYSIS_COMMON: dict[str, Any] = {
    "tokenizer": {"ew_words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}\p{Co}]+"}},
    "analyzer": {"ew_english": {
        "type": "custom", "tokenizer": "ew_words",
        "filter": ["lowercase", "asciifolding", "porter_stem"]}},
}


def _text_field() -> dict[str, Any]:
    return {"type": "text", "analyzer": "standard",
            "fields": {"en": {"type": "text", "analyzer": "ew_english"}}}


_KEYWORD: dict[str, Any] = {"type": "keyword"}
MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema_version": SCHEMA_VERSION},
    "properties": {
        "entry_id": _KEYWORD, "source_id": _KEYWORD, "jurisdiction": _KEYWORD, "kind": _KEYWORD,
        "code": _KEYWORD,
        # Sort key of code search (the embedded backend orders by length(code)); a stored field
        # because the distribution has no painless for a script sort.
        "code_len": {"type": "integer"},
        "code_text": {"type": "text", "analyzer": "ew_english"},
        "heading": _text_field(), "text": _text_field(), "notes": _text_field(),
        "context": _text_field(),
        "language": _KEYWORD, "category": _KEYWORD, "status": _KEYWORD,
        "change_kind": _KEYWORD,
        "version_id": {"type": "long"},
        "version_date": {"type": "date", "format": "strict_date"},
        # Which replace_source call wrote the doc: the next call finds stale docs with it (the
        # distribution has no reindex module, so no _delete_by_query).
        "batch": _KEYWORD,
        # dims are set by the first vector indexed (one model per index). Plain float HNSW, not
        # the int8 default: scores then equal the embedded backend's exact cosine.
        "vector": {"type": "dense_vector", "index": True, "similarity": "cosine",
                   "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100}},
        "vector_model": _KEYWORD,
    },
}


class BulkIndexError(SearchError):
    """Some documents of a bulk request failed; `failed_ids` names them."""

    def __init__(self, message: str, failed_ids: list[str]) -> None:
        super().__init__(message)
        self.failed_ids = failed_ids


def to_source(doc: IndexDoc, batch: str) -> dict[str, Any]:
    """The indexed document for one entry."""
    source: dict[str, Any] = {
        "entry_id": doc.entry_id, "source_id": doc.source_id, "jurisdiction": doc.jurisdiction,
        "code": doc.code, "code_len": len(doc.code), "code_text": code_tokens(doc.code),
        "kind": doc.kind, "heading": doc.heading, "text": doc.text, "notes": doc.notes,
        "context": doc.context, "language": doc.language, "category": doc.category,
        "status": doc.status, "change_kind": doc.change_kind, "version_id": doc.version_id,
        "version_date": doc.version_date.isoformat(), "batch": batch,
    }
    if doc.vector is not None:
        vec = np.asarray(doc.vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(vec))
        if vec.size == 0 or not np.isfinite(norm) or norm == 0.0:
            raise SearchError(f"entry {doc.entry_id}: its vector is empty, zero or not finite")
        source["vector"] = (vec / norm).tolist()
        source["vector_model"] = doc.vector_model
    return source


class ElasticBackend:
    name = "elasticsearch"

    def __init__(
        self,
        url: str = "http://127.0.0.1:9200",
        index_prefix: str = "exportwatch-",
        *,
        request_timeout: float = 30.0,
        chunk_size: int = 500,
        max_retries: int = 5,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
        client: Elasticsearch | None = None,
    ) -> None:
        self.url = url
        self.alias = f"{index_prefix}entries"
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        try:
            # The client connects lazily: an unreachable node is reported by the first call.
            self.es = client or Elasticsearch(
                url, request_timeout=request_timeout, max_retries=3, retry_on_timeout=True)
        except ValueError as exc:
            raise SearchError(f"invalid Elasticsearch URL {url!r}: {exc}") from exc
        self._ready = False

    # -- protocol --------------------------------------------------------------------------

    def close(self) -> None:
        self.es.close()

    def count(self) -> int:
        self._ensure_index()
        with self._errors("count"):
            return int(self.es.count(index=self.alias)["count"])

    def replace_source(self, source_id: str, docs: Iterable[IndexDoc]) -> int:
        """Index `docs`, then delete the source's docs that this call did not write.

        Not transactional (ES has no transactions): readers see the old docs until the refresh,
        then the new ones. If a document fails, SearchError names it and the stale docs stay
        until the next successful call, so nothing the store still holds goes missing.
        """
        self._ensure_index()
        batch = uuid.uuid4().hex
        with self._errors(f"indexing {source_id}"):
            try:
                n = self._bulk(self.alias, self._index_actions(self.alias, docs, batch))
            finally:
                # Also after a failure: what was written becomes visible now, not at some later
                # periodic refresh, so readers see one consistent state.
                self.es.indices.refresh(index=self.alias)
            stale = helpers.scan(
                self.es, index=self.alias, size=1000, query={
                    "_source": False,
                    "query": {"bool": {"filter": [{"term": {"source_id": source_id}}],
                                       "must_not": [{"term": {"batch": batch}}]}}})
            self._bulk(self.alias, ({"_op_type": "delete", "_id": h["_id"]} for h in stale))
            self.es.indices.refresh(index=self.alias)
        return n

    def search(self, query: SearchQuery) -> SearchResult:
        parsed = parse_query(query.text)
        if query.offset + query.limit > _MAX_WINDOW:
            raise QueryError(f"page too deep: offset + limit must stay within {_MAX_WINDOW}")
        self._ensure_index()
        filters = filter_clauses(query)
        if parsed.code:
            return self._code_search(query, parsed.code, filters)
        if query.mode == "bm25":
            return self._bm25(query, parsed, filters, query.offset, query.limit, query.facets)
        semantic = self._semantic(query, parsed, filters)
        if query.mode == "semantic":
            ranked = semantic
        else:
            ranked = fuse(self._bm25(query, any_word(parsed), filters, 0, query.depth, False,
                                     snippets=False, phrase_of=parsed).hits, semantic)
        page = self._page_snippets(ranked[query.offset:query.offset + query.limit], parsed)
        return SearchResult(query=query, total=len(ranked), hits=page,
                            facets=count_facets(ranked) if query.facets else {})

    def _bm25(self, query: SearchQuery, parsed: ParsedQuery, filters: list[dict[str, Any]],
              offset: int, limit: int, facets: bool, *, snippets: bool = True,
              phrase_of: ParsedQuery | None = None) -> SearchResult:
        body: dict[str, Any] = {
            "query": to_es_query(parsed, filters, phrase_of=phrase_of),
            "sort": [{"_score": "desc"}, {"entry_id": "asc"}],
            "track_total_hits": True,
        }
        if snippets:
            body["_source"] = {"excludes": ["vector"]}
            body["highlight"] = _highlight()
        else:  # a ranked list to fuse: snippets are made for the page only
            body["_source"] = list(_HIT_FIELDS)
        if facets:
            body["aggs"] = _FACET_AGGS
        with self._errors(f"query {query.text!r}", bad_request=QueryError):
            resp = self.es.search(index=self.alias, from_=offset, size=limit, **body)
        hits = [_hit(h["_source"], float(h["_score"] or 0.0), _snippet(h) if snippets else "")
                for h in resp["hits"]["hits"]]
        return SearchResult(query=query, total=int(resp["hits"]["total"]["value"]), hits=hits,
                            facets=_facets(resp.body) if facets else {})

    def _semantic(self, query: SearchQuery, parsed: ParsedQuery,
                  filters: list[dict[str, Any]]) -> list[Hit]:
        """The query.depth nearest entries that pass the filters, nearest first (ties by id)."""
        knn_filter = list(filters)
        negative = [c[0] for c in parsed.clauses if c[0].negated]
        if negative:
            knn_filter.append({"bool": {"must_not": [_term_query(t) for t in negative]}})
        if query.vector_model:
            knn_filter.append({"term": {"vector_model": query.vector_model}})
        k = nearest_window(query.depth)
        body: dict[str, Any] = {
            "knn": {"field": "vector", "query_vector": query.unit_vector().tolist(), "k": k,
                    "num_candidates": min(_MAX_CANDIDATES,
                                          max(_MIN_CANDIDATES, NUM_CANDIDATES_PER_RESULT * k)),
                    "filter": knn_filter},
            # The fields of a Hit only: snippets are made for the page (see _page_snippets).
            "_source": list(_HIT_FIELDS),
        }
        with self._errors(f"semantic query {query.text!r}", bad_request=QueryError):
            resp = self.es.search(index=self.alias, size=k, **body)
        # ES scores cosine similarity as (1 + cos) / 2: the embedded backend's score.
        hits = [_hit(h["_source"], float(h["_score"]), "") for h in resp["hits"]["hits"]]
        if not hits and query.vector_model:
            self._check_model(query.vector_model)
        return rank_nearest(hits, query.depth)

    def _page_snippets(self, hits: list[Hit], parsed: ParsedQuery) -> list[Hit]:
        """Snippets for a page of fused or semantic hits: the query's words marked where they
        occur, else the start of the entry's text (as the embedded backend does)."""
        missing = [h.entry_id for h in hits if not h.snippet]
        if not missing:
            return hits
        body: dict[str, Any] = {"query": {"ids": {"values": missing}},
                                "_source": ["text", "heading"]}
        positive = [t for c in parsed.clauses for t in c if not t.negated]
        if positive:
            body["highlight"] = {**_highlight(), "highlight_query": {"bool": {
                "should": [_term_query(t) for t in positive], "minimum_should_match": 1}}}
        with self._errors("making snippets", bad_request=QueryError):
            resp = self.es.search(index=self.alias, size=len(missing), **body)
        found = {h["_id"]: _snippet(h, lead(h["_source"]["text"] or h["_source"]["heading"]))
                 for h in resp["hits"]["hits"]}
        return [h if h.snippet else dataclasses.replace(h, snippet=found.get(h.entry_id, h.heading))
                for h in hits]

    def _check_model(self, model: str) -> None:
        """A query embedded with a model the index has no vectors of finds nothing: say why."""
        with self._errors("reading the embedding models"):
            resp = self.es.search(index=self.alias, size=0, aggs={
                "models": {"terms": {"field": "vector_model", "size": 100}}})
        models = sorted(b["key"] for b in resp["aggregations"]["models"]["buckets"])
        if models and model not in models:
            raise QueryError(
                f"the query was embedded with {model!r}, the index holds vectors of "
                f"{', '.join(models)}: run `exportwatch reindex` after embedding with one model")

    # -- alias and index management -------------------------------------------------------

    def rebuild(self, docs_by_source: Mapping[str, Iterable[IndexDoc]]) -> int:
        """Build a fresh index from `docs_by_source` and publish it by swapping the alias.

        Readers keep the old index until the one `update_aliases` call; if anything fails before
        it, the new index is deleted and the alias still serves the old one.
        """
        batch = uuid.uuid4().hex
        old: list[str] = []
        with self._errors("rebuild"):
            new = self._next_index_name()
            # No periodic refresh while loading: fewer, larger segments (one HNSW graph each),
            # built faster; the index is refreshed once before it is published.
            self._create_index(new, with_alias=False, refresh_interval="-1")
            try:
                docs = itertools.chain.from_iterable(docs_by_source.values())
                n = self._bulk(new, self._index_actions(new, docs, batch))
                self.es.indices.put_settings(index=new, settings={"refresh_interval": None})
                self.es.indices.refresh(index=new)
                old = self.live_indices()
                # must_exist: if another rebuild swapped the alias meanwhile, fail rather than
                # leave the alias on two indices. The whole call is atomic.
                self.es.indices.update_aliases(actions=[
                    *({"remove": {"index": o, "alias": self.alias, "must_exist": True}}
                      for o in old),
                    {"add": {"index": new, "alias": self.alias}},
                ])
            except BaseException:
                self._delete_quietly(new)
                raise
        self._ready = True
        for o in old:
            self._delete_quietly(o)
        return n

    def live_indices(self) -> list[str]:
        """The index (normally exactly one) the alias points at."""
        with self._errors("reading the alias"):
            try:
                return sorted(self.es.indices.get_alias(name=self.alias).body)
            except NotFoundError:
                return []

    def delete_all(self) -> None:
        """Delete the alias and every versioned index of this prefix."""
        with self._errors("deleting indices"):
            # By name: ES refuses wildcard deletes (action.destructive_requires_name).
            names = self._versioned_indices()
            if names:
                self.es.indices.delete(index=",".join(names), ignore_unavailable=True)
        self._ready = False

    def _versioned_indices(self) -> list[str]:
        existing = self.es.indices.get(index=f"{self.alias}-v*", expand_wildcards="all").body
        return sorted(n for n in existing if re.fullmatch(re.escape(self.alias) + r"-v\d+", n))

    def _ensure_index(self) -> None:
        if self._ready:
            return
        with self._errors("opening the index"):
            if live := self.live_indices():
                self._check_schema(live)
            else:
                if self.es.indices.exists(index=self.alias):
                    raise SearchError(
                        f"{self.alias} at {self.url} is an index, not an alias: delete it or "
                        "choose another EXPORTWATCH_ES_INDEX_PREFIX")
                try:
                    self._create_index(self._next_index_name(), with_alias=True)
                except BadRequestError as exc:
                    # Another process created it first: fine if the alias now exists.
                    if "resource_already_exists" not in str(exc) or not self.live_indices():
                        raise
        self._ready = True

    def _check_schema(self, live: list[str]) -> None:
        mappings = self.es.indices.get_mapping(index=",".join(live)).body
        for name, body in mappings.items():
            version = (body.get("mappings", {}).get("_meta") or {}).get("schema_version", 0)
            if version != SCHEMA_VERSION:
                raise SearchError(
                    f"index {name} at {self.url} has schema version {version}, this release needs "
                    f"{SCHEMA_VERSION}: run `exportwatch reindex` to rebuild it")

    def _next_index_name(self) -> str:
        versions = [int(name.rsplit("-v", 1)[1]) for name in self._versioned_indices()]
        return f"{self.alias}-v{max(versions, default=0) + 1}"

    def _create_index(self, name: str, *, with_alias: bool,
                      refresh_interval: str | None = None) -> None:
        aliases: dict[str, Any] = {self.alias: {}} if with_alias else {}
        errors = []
        for analysis in (_ANALYSIS_PLUGIN, _ANALYSIS_COMMON):
            settings: dict[str, Any] = {
                # One shard: BM25 statistics are exact, so scores and page order do not depend on
                # routing. Replicas follow the cluster size (0 on a single node: green).
                "number_of_shards": 1, "auto_expand_replicas": "0-1", "analysis": analysis}
            if refresh_interval is not None:
                settings["refresh_interval"] = refresh_interval
            try:
                self.es.indices.create(index=name, settings=settings, mappings=MAPPINGS,
                                       aliases=aliases)
                return
            except BadRequestError as exc:
                if not _MISSING_ANALYSIS.search(_reason(exc)):
                    raise
                errors.append(_reason(exc))
        raise SearchError(
            f"Elasticsearch at {self.url} lacks the analysis parts the index needs (either the "
            f"exportwatch-analysis plugin from scripts/elasticsearch.sh or the analysis-common "
            f"module): {'; '.join(errors)}")

    def _delete_quietly(self, index: str) -> None:
        try:
            self.es.indices.delete(index=index, ignore_unavailable=True)
        except (ApiError, elastic_transport.TransportError) as exc:
            # The alias no longer points at it (or never did): a leftover costs disk, not
            # correctness, and the next rebuild skips its version number.
            log.warning("could not delete index %s: %s", index, exc)

    # -- bulk ---------------------------------------------------------------------------------

    def _index_actions(self, index: str, docs: Iterable[IndexDoc], batch: str
                       ) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for doc in docs:
            if doc.entry_id in seen:
                # The embedded backend refuses this too (UNIQUE entry_id); ES would silently
                # keep the last one.
                raise SearchError(f"duplicate entry id {doc.entry_id} in one indexing batch")
            seen.add(doc.entry_id)
            yield {"_op_type": "index", "_index": index, "_id": doc.entry_id,
                   "_source": to_source(doc, batch)}

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]]) -> int:
        """Stream `actions`; 429s are retried with backoff. Returns the number that succeeded;
        raises BulkIndexError naming every document that failed."""
        done = 0
        failed: list[str] = []
        reasons: list[str] = []
        for ok, item in helpers.streaming_bulk(
                self.es, actions, index=index, chunk_size=self.chunk_size,
                max_retries=self.max_retries, initial_backoff=self.initial_backoff,
                max_backoff=self.max_backoff, raise_on_error=False, raise_on_exception=True):
            op, info = next(iter(item.items()))
            if ok or (op == "delete" and info.get("status") == 404):  # already gone: fine
                done += 1
                continue
            failed.append(str(info.get("_id")))
            error = info.get("error")
            reason = (f"{error.get('type')}: {error.get('reason')}" if isinstance(error, dict)
                      else str(error))
            reasons.append(f"{info.get('_id')} ({info.get('status')} {reason})")
        if failed:
            shown = "; ".join(reasons[:20]) + (f"; and {len(failed) - 20} more"
                                                if len(failed) > 20 else "")
            raise BulkIndexError(
                f"{len(failed)} document(s) failed to index into {index}: {shown}", failed)
        return done

    # -- code search ----------------------------------------------------------------------------

    def _code_search(self, query: SearchQuery, code: str, filters: list[dict[str, Any]]
                     ) -> SearchResult:
        should: list[dict[str, Any]] = []
        for c in code_variants(code):
            should.append({"term": {"code": {"value": c, "case_insensitive": True}}})
            should.extend({"prefix": {"code": {"value": c + sep, "case_insensitive": True}}}
                          for sep in (".", "("))
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [{"bool": {"should": should,
                                                    "minimum_should_match": 1}}, *filters]}},
            # The embedded order (shortest code first: the entry before its sub-items), with
            # entry_id last so pages never overlap.
            "sort": [{"code_len": "asc"}, {"jurisdiction": "asc"}, {"code": "asc"},
                     {"entry_id": "asc"}],
            "track_total_hits": True,
            "_source": {"excludes": ["vector"]},
        }
        if query.facets:
            body["aggs"] = _FACET_AGGS
        with self._errors(f"code search {code!r}", bad_request=QueryError):
            resp = self.es.search(index=self.alias, from_=query.offset, size=query.limit, **body)
        hits = [_hit(h["_source"], code_score(h["_source"]["code"], code),
                     h["_source"]["heading"]) for h in resp["hits"]["hits"]]
        return SearchResult(query=query, total=int(resp["hits"]["total"]["value"]), hits=hits,
                            facets=_facets(resp.body) if query.facets else {})

    # -- errors -----------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str, bad_request: type[SearchError] = SearchError
                ) -> Iterator[None]:
        """Translate client exceptions into ours, naming the node and what we were doing."""
        try:
            yield
        except SearchError:
            raise
        except UnsupportedProductError as exc:
            raise SearchError(f"the server at {self.url} is not Elasticsearch ({action})") from exc
        except (AuthenticationException, AuthorizationException) as exc:
            raise SearchError(f"Elasticsearch at {self.url} refused {action}: "
                              f"{_reason(exc)}") from exc
        except BadRequestError as exc:
            raise bad_request(f"Elasticsearch rejected {action}: {_reason(exc)}") from exc
        except NotFoundError as exc:
            self._ready = False
            raise SearchError(f"{action}: {_reason(exc)} at {self.url}; run `exportwatch "
                              "reindex` to rebuild the search index") from exc
        except ApiError as exc:
            raise SearchError(f"Elasticsearch at {self.url} failed {action}: HTTP "
                              f"{exc.meta.status} {_reason(exc)}") from exc
        except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
            raise SearchError(f"Elasticsearch at {self.url} is unreachable ({action}): "
                              f"{exc.message}") from exc
        except (elastic_transport.TransportError, helpers.ScanError) as exc:
            raise SearchError(f"Elasticsearch at {self.url} failed {action}: {exc}") from exc


# -- query translation --------------------------------------------------------------------------

def to_es_query(parsed: ParsedQuery, filters: list[dict[str, Any]] | None = None, *,
                phrase_of: ParsedQuery | None = None
                ) -> dict[str, Any]:
    """Translate a parsed user query into an ES bool query with the embedded backend's meaning:
    clauses ANDed, terms in a clause ORed, negated terms excluded."""
    positive = [c for c in parsed.clauses if not c[0].negated]
    negative = [c[0] for c in parsed.clauses if c[0].negated]
    exact = [q for clause in positive for t in clause if not t.prefix for q in _exact_boosts(t)]
    bool_q: dict[str, Any] = {
        "must": [_any([_term_query(t) for t in clause]) for clause in positive],
        "filter": filters or [],
    }
    if negative:
        bool_q["must_not"] = [_term_query(t) for t in negative]
    if exact:
        bool_q["should"] = exact  # with `must` present, should clauses only add score
    forms = phrase_forms(phrase_of or parsed)
    if not forms:
        return {"bool": bool_q}
    # The embedded backend's phrase factor: the words in order in the entry's own heading/text.
    phrase = _any([{"multi_match": {"query": f, "type": "phrase", "fields": ["heading.en", "text.en"]}}
                   for f in forms])
    return {"function_score": {"query": {"bool": bool_q},
                               "functions": [{"filter": phrase, "weight": PHRASE_BOOST}],
                               "score_mode": "multiply", "boost_mode": "multiply"}}


def filter_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    """The query's filters, case-insensitive like the embedded backend's COLLATE NOCASE."""
    out: list[dict[str, Any]] = []
    for field, attr in _FILTER_FIELDS:
        values = list(getattr(query, attr))
        if values:
            out.append(_any([{"term": {field: {"value": v, "case_insensitive": True}}}
                             for v in values]))
    if query.code_prefixes:
        patterns = {v for p in query.code_prefixes for v in prefix_variants(p.strip())}
        out.append(_any([{"regexp": {"code": {"value": _prefix_regexp(p),
                                              "case_insensitive": True}}}
                         for p in sorted(patterns)]))
    return out


def _prefix_regexp(prefix: str) -> str:
    """A Lucene regexp for codes starting with `prefix`, a number never cut in two."""
    escaped = _LUCENE_REGEXP_SPECIAL.sub(r"\\\1", prefix)
    return escaped + ("([^0-9].*)?" if prefix[-1:].isdigit() else ".*")


def _highlight() -> dict[str, Any]:
    return {"type": "unified", "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE],
            "fragment_size": 160, "number_of_fragments": 1,
            "fields": {f: {} for f in _SNIPPET_FIELDS}}


_FACET_AGGS: dict[str, Any] = {
    # size: every value (a facet has at most a few hundred: categories, sources).
    name: {"terms": {"field": field, "size": 10_000}} for name, field in FACETS.items()}


def _facets(resp: Mapping[str, Any]) -> dict[str, list[tuple[str, int]]]:
    aggs = resp.get("aggregations") or {}
    return sorted_facets({name: {str(b["key"]): int(b["doc_count"])
                                 for b in aggs.get(name, {}).get("buckets", [])}
                          for name in FACETS})


def _any(queries: list[dict[str, Any]]) -> dict[str, Any]:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _forms(term: Term) -> list[str]:
    """The spellings of a word or phrase (at most 6, as in the embedded backend)."""
    if len(term.words) > 1:
        options = itertools.islice(
            itertools.product(*[(w, *spelling_variants(w)) for w in term.words]), 6)
        return [" ".join(o) for o in options]
    return [term.words[0], *term.variants]


def _term_query(term: Term) -> dict[str, Any]:
    if term.prefix:
        # bool_prefix analyses the prefix with the field's analyzer, so it is stemmed as FTS5
        # stems a prefix query ("synthesizer*" looks for synthes*).
        return {"multi_match": {"query": term.words[0], "type": "bool_prefix",
                                "fields": _MATCH_FIELDS}}
    # A phrase query even for one word: a word the analyzer splits ("foo_bar") must then match
    # as adjacent tokens, exactly as FTS5 treats a quoted token.
    return _any([{"multi_match": {"query": form, "type": "phrase", "fields": _MATCH_FIELDS}}
                 for form in _forms(term)])


def _exact_boosts(term: Term) -> list[dict[str, Any]]:
    return [{"multi_match": {"query": form, "type": "phrase", "fields": _EXACT_FIELDS}}
            for form in _forms(term)]


def _snippet(hit: Mapping[str, Any], fallback: str | None = None) -> str:
    highlights: Mapping[str, list[str]] = hit.get("highlight") or {}
    fragments = [(highlights[f][0], i) for i, f in enumerate(_SNIPPET_FIELDS) if highlights.get(f)]
    if not fragments:
        return fallback if fallback is not None else str(hit["_source"]["heading"])
    # The fragment with the most marked words; on a tie, the earlier field.
    return max(fragments, key=lambda fi: (fi[0].count(MARK_OPEN), -fi[1]))[0]


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or []
        first = causes[0] if causes and isinstance(causes[0], dict) else error
        return f"{first.get('type', exc.message)}: {first.get('reason', '')}".rstrip(": ")
    return str(error or exc.message)


def _hit(src: Mapping[str, Any], score: float, snippet: str) -> Hit:
    return Hit(
        entry_id=src["entry_id"], source_id=src["source_id"], jurisdiction=src["jurisdiction"],
        code=src["code"], kind=src["kind"], heading=src["heading"], snippet=snippet,
        language=src["language"], version_date=dt.date.fromisoformat(src["version_date"]),
        score=round(score, 4), category=src["category"], status=src["status"],
        change_kind=src["change_kind"],
    )
