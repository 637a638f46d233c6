"""Elasticsearch search backend: the SearchBackend protocol on an Elasticsearch 8 node.

It accepts the same query language as the embedded backend (`indexer.query.parse_query`) and
passes the same contract tests (tests/contract). Layout:

- versioned indices `{prefix}entries-v{n}` behind the alias `{prefix}entries`; every read and
  write goes through the alias, and `rebuild` publishes a new index with one atomic alias swap;
- text fields analysed twice: `standard` for exact forms (scoring only) and an `.en` subfield that
  tokenizes, folds diacritics and Porter-stems like FTS5's `porter unicode61 remove_diacritics 2`,
  which decides what matches, so both backends find the same entries for the same query.

Every elasticsearch / transport exception is translated to SearchError or QueryError here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import elastic_transport
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
from indexer.base import Hit, IndexDoc, SearchQuery, SearchResult
from indexer.embedded import MARK_CLOSE, MARK_OPEN, _code_tokens, code_score, code_variants
from indexer.query import ParsedQuery, Term, parse_query, spelling_variants

log = logging.getLogger(__name__)

# Bumped when the mapping or analysis changes; recorded in the index's _meta.
SCHEMA_VERSION = 1
# The embedded backend's bm25() column weights, as field boosts.
BOOSTS: dict[str, float] = {"code_text": 10.0, "heading": 5.0, "text": 3.0, "context": 1.5,
                            "notes": 0.5}
_TEXT_FIELDS = ("heading", "text", "context", "notes")
# What decides a match: the stemmed subfields (and the code tokens, like FTS5's code column).
_MATCH_FIELDS = [f"{f}.en^{w}" if f in _TEXT_FIELDS else f"{f}^{w}" for f, w in BOOSTS.items()]
# Exact (unstemmed) forms only add score: "synthesisers" ranks the entries spelled so first.
_EXACT_FIELDS = [f"{f}^{w}" for f, w in BOOSTS.items() if f in _TEXT_FIELDS]
# Highlight order on ties: the body says more than the heading, which Hit carries anyway.
_SNIPPET_FIELDS = ("text.en", "heading.en", "context.en", "notes.en")
_FILTER_FIELDS = (("jurisdiction", "jurisdictions"), ("source_id", "sources"),
                  ("language", "languages"))
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
        "version_id": {"type": "long"},
        "version_date": {"type": "date", "format": "strict_date"},
        # Which replace_source call wrote the doc: the next call finds stale docs with it (the
        # distribution has no reindex module, so no _delete_by_query).
        "batch": _KEYWORD,
    },
}


class BulkIndexError(SearchError):
    """Some documents of a bulk request failed; `failed_ids` names them."""

    def __init__(self, message: str, failed_ids: list[str]) -> None:
        super().__init__(message)
        self.failed_ids = failed_ids


def to_source(doc: IndexDoc, batch: str) -> dict[str, Any]:
    """The indexed document for one entry."""
    return {
        "entry_id": doc.entry_id, "source_id": doc.source_id, "jurisdiction": doc.jurisdiction,
        "code": doc.code, "code_len": len(doc.code), "code_text": _code_tokens(doc.code),
        "kind": doc.kind, "heading": doc.heading, "text": doc.text, "notes": doc.notes,
        "context": doc.context, "language": doc.language, "category": doc.category,
        "status": doc.status, "version_id": doc.version_id,
        "version_date": doc.version_date.isoformat(), "batch": batch,
    }


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
        filters = [{"terms": {field: [v.lower() for v in getattr(query, attr)]}}
                   for field, attr in _FILTER_FIELDS if getattr(query, attr)]
        if parsed.code:
            return self._code_search(query, parsed.code, filters)
        body: dict[str, Any] = {
            "query": to_es_query(parsed, filters),
            "sort": [{"_score": "desc"}, {"entry_id": "asc"}],
            "track_total_hits": True,
            "highlight": {
                "type": "unified", "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE],
                "fragment_size": 160, "number_of_fragments": 1,
                "fields": {f: {} for f in _SNIPPET_FIELDS},
            },
        }
        with self._errors(f"query {query.text!r}", bad_request=QueryError):
            resp = self.es.search(index=self.alias, from_=query.offset, size=query.limit, **body)
        hits = [_hit(h["_source"], float(h["_score"] or 0.0), _snippet(h)) for h in
                resp["hits"]["hits"]]
        return SearchResult(query=query, total=int(resp["hits"]["total"]["value"]), hits=hits)

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
            self._create_index(new, with_alias=False)
            try:
                docs = itertools.chain.from_iterable(docs_by_source.values())
                n = self._bulk(new, self._index_actions(new, docs, batch))
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
            if not self.live_indices():
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

    def _next_index_name(self) -> str:
        versions = [int(name.rsplit("-v", 1)[1]) for name in self._versioned_indices()]
        return f"{self.alias}-v{max(versions, default=0) + 1}"

    def _create_index(self, name: str, *, with_alias: bool) -> None:
        aliases: dict[str, Any] = {self.alias: {}} if with_alias else {}
        errors = []
        for analysis in (_ANALYSIS_PLUGIN, _ANALYSIS_COMMON):
            settings = {
                # One shard: BM25 statistics are exact, so scores and page order do not depend on
                # routing. Replicas follow the cluster size (0 on a single node: green).
                "number_of_shards": 1, "auto_expand_replicas": "0-1", "analysis": analysis}
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
        }
        with self._errors(f"code search {code!r}", bad_request=QueryError):
            resp = self.es.search(index=self.alias, from_=query.offset, size=query.limit, **body)
        hits = [_hit(h["_source"], code_score(h["_source"]["code"], code),
                     h["_source"]["heading"]) for h in resp["hits"]["hits"]]
        return SearchResult(query=query, total=int(resp["hits"]["total"]["value"]), hits=hits)

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

def to_es_query(parsed: ParsedQuery, filters: list[dict[str, Any]] | None = None
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
    return {"bool": bool_q}


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


def _snippet(hit: Mapping[str, Any]) -> str:
    highlights: Mapping[str, list[str]] = hit.get("highlight") or {}
    fragments = [(highlights[f][0], i) for i, f in enumerate(_SNIPPET_FIELDS) if highlights.get(f)]
    if not fragments:
        return str(hit["_source"]["heading"])
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
        code=src["code"], kind=src["kind"], heading=src["heading"], snippet=snippet or src["heading"],
        language=src["language"], version_date=dt.date.fromisoformat(src["version_date"]),
        score=round(score, 4),
    )
