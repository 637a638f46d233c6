"""Facet counts for a search page: hits per jurisdiction, source, language, category, kind,
status and change kind.

The backends count facets natively (`SearchQuery(facets=True)` -> `SearchResult.facets`), over
every hit with every filter applied. A page of checkboxes needs one more thing: a dimension the
user has filtered on must still list the values they could switch to, so that dimension is
counted again with its own filter lifted (one extra search of page size 1 per filtered dimension).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.base import SearchBackend, SearchQuery, SearchResult

# Facet name -> the SearchQuery field that filters on it.
FILTERED = {"jurisdiction": "jurisdictions", "source": "sources", "language": "languages",
            "category": "categories", "kind": "kinds", "status": "statuses",
            "change_kind": "change_kinds"}


def facet_counts(backend: SearchBackend, query: SearchQuery, result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    """`result` must come from `query` with facets=True."""
    counts = {name: list(values) for name, values in result.facets.items()}
    for name, field in FILTERED.items():
        if getattr(query, field):
            lifted = backend.search(_without(query, field))
            counts[name] = list(lifted.facets.get(name, []))
    return {name: [{"value": v, "count": n} for v, n in values] for name, values in counts.items()}


def _without(query: SearchQuery, field: str) -> SearchQuery:
    changes: dict[str, Any] = {field: (), "limit": 1, "offset": 0, "facets": True}
    return replace(query, **changes)
