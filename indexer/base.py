"""The search backend interface. The embedded (SQLite FTS5) backend implements it; an
Elasticsearch backend implements the same protocol and passes the same contract tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


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


@dataclass(frozen=True)
class SearchQuery:
    text: str
    jurisdictions: Sequence[str] = ()
    sources: Sequence[str] = ()
    languages: Sequence[str] = ()
    limit: int = 10
    offset: int = 0


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


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit] = field(default_factory=list)


class SearchBackend(Protocol):
    name: str

    def replace_source(self, source_id: str, docs: Iterable[IndexDoc]) -> int:
        """Make `docs` the whole indexed content of `source_id`; returns the number indexed."""
        ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def close(self) -> None: ...
