"""The search backend interface. The embedded (SQLite FTS5 + numpy) backend implements it; an
Elasticsearch backend implements the same protocol and passes the same contract tests.

Three ranking modes share one query type:

- `bm25`: the query language of `indexer.query` (words, phrases, prefixes, OR, NOT, codes);
  every matching entry is a hit (`total` counts them all).
- `semantic`: the `depth` entries whose vector is nearest (cosine) to `SearchQuery.vector`. The
  caller embeds the query text: a backend never loads a model.
- `hybrid`: the `depth` best of each, fused by reciprocal rank (`indexer.fusion`, the same code
  for every backend).

In every mode the filters apply, NOT terms exclude, and a query that is a control code alone is a
code lookup (ordered by code, not by score).

Every document carries a `change_kind`: what the indexed version did to the entry compared with
the version of its source before it (`indexer.changes.version_change_kinds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from exportwatch.errors import QueryError

MODES = ("bm25", "semantic", "hybrid")
# Facet name -> the IndexDoc/Hit attribute it counts.
FACETS: dict[str, str] = {
    "jurisdiction": "jurisdiction", "source": "source_id", "category": "category",
    "language": "language", "kind": "kind", "status": "status", "change_kind": "change_kind",
}
# What the indexed version did to an entry, from the change set whose to-version it is:
# added/amended/moved/removed as the change engine reports them (removed: still listed, no longer
# in force, e.g. now reserved; an entry dropped from the list is not indexed at all); unchanged:
# none of those; initial: the source's first version (nothing to compare with); unknown: change
# detection has not run for the version (or the index predates change kinds: reindex).
CHANGE_KIND_VALUES = ("added", "amended", "moved", "removed", "unchanged", "initial", "unknown")
DEFAULT_DEPTH = 100
MAX_DEPTH = 1000
Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class IndexDoc:
    """One entry as the search index sees it (a projection of the store of record)."""

    entry_id: str
    source_id: str
    jurisdiction: str
    code: str
    kind: str
    heading: str
    text: str
    notes: str
    # Headings of the ancestors, top down: lets "frequency synthesizer" find a terse sub-item
    # whose own text says only "Frequency synthesizers;" and rank it by where it sits.
    context: str
    language: str
    category: str
    status: str
    version_id: int
    version_date: dt.date
    # L2-normalised embedding of the entry, and the model that made it (semantic search only
    # compares vectors of one model). None: the entry takes part in bm25 search only.
    vector: Vector | None = field(default=None, compare=False, repr=False)
    vector_model: str = ""
    change_kind: str = "unknown"  # one of CHANGE_KIND_VALUES


@dataclass(frozen=True)
class SearchQuery:
    text: str
    jurisdictions: Sequence[str] = ()
    sources: Sequence[str] = ()
    languages: Sequence[str] = ()
    limit: int = 10
    offset: int = 0
    mode: str = "bm25"
    # semantic/hybrid: the embedded query text (L2-normalised) and the model that embedded it.
    vector: Vector | None = field(default=None, compare=False, repr=False)
    vector_model: str = ""
    categories: Sequence[str] = ()
    # A control-code prefix, whole numbers only: "3A" finds 3A001 and 3.A.1; "ML1" finds ML1.a,
    # not ML10. EU/US and Wassenaar notations match each other.
    code_prefixes: Sequence[str] = ()
    kinds: Sequence[str] = ()
    statuses: Sequence[str] = ()
    facets: bool = False
    # semantic/hybrid: how many nearest entries (and, for hybrid, bm25 hits) are ranked.
    depth: int = DEFAULT_DEPTH
    change_kinds: Sequence[str] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise QueryError(f"unknown search mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.limit < 1 or self.offset < 0:
            raise QueryError("limit must be at least 1 and offset at least 0")
        if not 1 <= self.depth <= MAX_DEPTH:
            raise QueryError(f"depth must be between 1 and {MAX_DEPTH}")
        # A fixed vocabulary: a misspelt kind would silently match nothing.
        if unknown := [k for k in self.change_kinds if k.lower() not in CHANGE_KIND_VALUES]:
            raise QueryError(f"unknown change kind {', '.join(map(repr, unknown))}: use one of "
                             f"{', '.join(CHANGE_KIND_VALUES)}")
        if self.mode != "bm25" and self.vector is None:
            raise QueryError(f"{self.mode} search needs the query embedded: enable embeddings "
                             "(see docs/configuration.md) or use --mode bm25")

    def unit_vector(self) -> Vector:
        """The query vector as a float32 unit vector; QueryError if it is not a usable one."""
        v = np.asarray(self.vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(v))
        if v.size == 0 or not np.isfinite(norm) or norm == 0.0:
            raise QueryError("the query vector is empty, zero or not finite")
        out: Vector = v / norm
        return out


@dataclass(frozen=True)
class Hit:
    entry_id: str
    source_id: str
    jurisdiction: str
    code: str
    kind: str
    heading: str
    snippet: str
    language: str
    version_date: dt.date
    score: float
    category: str = ""
    status: str = ""
    change_kind: str = "unknown"


FacetCounts = dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit] = field(default_factory=list)
    # Only when query.facets: facet -> [(value, count)], most frequent first, then by value.
    # Counted over every hit of the query (all bm25 matches; the ranked set of semantic/hybrid).
    facets: FacetCounts = field(default_factory=dict)


def nearest_window(depth: int) -> int:
    """How many nearest neighbours a backend fetches to return `depth` of them: the extra ones
    decide ties at the cut (equal rounded scores are ordered by entry id), so that both backends
    keep the same entries."""
    return depth + max(16, depth // 4)


def rank_nearest(hits: Iterable[Hit], depth: int) -> list[Hit]:
    """The `depth` best of `hits` by (rounded) score, ties by entry id."""
    return sorted(hits, key=lambda h: (-h.score, h.entry_id))[:depth]


def sorted_facets(counts: Mapping[str, Mapping[str, int]]) -> FacetCounts:
    """The one facet order of every backend: count descending, then value."""
    return {name: sorted(((v, n) for v, n in counts.get(name, {}).items() if n),
                         key=lambda vn: (-vn[1], vn[0]))
            for name in FACETS}


def count_facets(hits: Iterable[Hit]) -> FacetCounts:
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for hit in hits:
        for name, attr in FACETS.items():
            value = str(getattr(hit, attr))
            counts[name][value] = counts[name].get(value, 0) + 1
    return sorted_facets(counts)


class SearchBackend(Protocol):
    name: str

    def replace_source(self, source_id: str, docs: Iterable[IndexDoc]) -> int:
        """Make `docs` the whole indexed content of `source_id`; returns the number indexed."""
        ...

    def rebuild(self, docs_by_source: Mapping[str, Iterable[IndexDoc]]) -> int:
        """Replace the whole index with `docs_by_source`, published at once: readers see the old
        index until the new one is complete, and keep it if the rebuild fails."""
        ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def close(self) -> None: ...
