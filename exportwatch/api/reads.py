"""What the API and the web pages read, built on the functions the CLI uses (Store, the search
backend, `source_status`), so the three interfaces show the same data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exportwatch.api.facets import facet_counts
from exportwatch.commands.entries import entry_json
from exportwatch.commands.search import result_json
from exportwatch.commands.sources import source_status
from exportwatch.errors import QueryError
from exportwatch.service import Service
from indexer.base import DEFAULT_DEPTH, SearchQuery
from indexer.entry_vectors import embed_query
from indexer.history import as_of_index, entry_as_of
from indexer.store import EntryRow, VersionRow

MAX_PAGE = 500


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# --- sources -------------------------------------------------------------------------------------

def source_health(svc: Service) -> list[dict[str, Any]]:
    """`exportwatch sources` plus lag, the warnings themselves and the search index state."""
    out = []
    for row in source_status(svc):
        current = svc.store.current_version(row["id"])
        warnings = list(current.warnings) if current else []
        if row["last_error"]:
            warnings.insert(0, f"last crawl failed: {row['last_error']}")
        lag = None
        if current is not None:
            lag = max(0, (today() - current.version_date).days)
        out.append({**row, "warnings": warnings, "lag_days": lag,
                    "index": index_status(svc, row["id"], current)})
    return out


def index_status(svc: Service, source_id: str, current: VersionRow | None) -> dict[str, Any]:
    row = svc.store.db.execute("SELECT version_id, updated_at FROM projections WHERE backend=? AND source_id=?",
                               (svc.backend.name, source_id)).fetchone()
    indexed = int(row["version_id"]) if row else None
    return {"backend": svc.backend.name, "indexed_version_id": indexed,
            "up_to_date": current is None or indexed == current.id,
            "updated_at": row["updated_at"] if row else None}


# --- entries -------------------------------------------------------------------------------------

def load_entry(svc: Service, entry_id: str, as_of: dt.date | None = None) -> tuple[EntryRow, VersionRow]:
    """The entry in the version in force now, or on `as_of` (as `exportwatch show` finds it)."""
    if as_of is not None:
        return entry_as_of(svc.store, entry_id, as_of)
    return svc.store.entry(entry_id)


def entry_view(svc: Service, entry_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """`exportwatch show --json` (text, notes, extraction, validity), with the sub-items' headings,
    the source's name and a citation added."""
    data = entry_json(svc, entry_id, as_of)
    version_id = data["source"]["version_id"]
    source = next((s for s in svc.sources if s.id == data["source"]["id"]), None)
    data["children"] = [{"entry_id": c.entry_id, "code": c.code, "heading": c.heading, "status": c.status}
                        for c in svc.store.children(version_id, data["entry_id"])]
    data["source"].update(name=source.name if source else data["source"]["id"],
                          jurisdiction=source.jurisdiction if source else entry_id.split(":", 1)[0])
    data["as_of"] = as_of
    data["citation"] = citation(data)
    return data


def citation(entry: dict[str, Any]) -> str:
    """`{title}, {code}, version of {date}. {url} (sha256 {sha})`: enough to find the exact text again."""
    src = entry["source"]
    docs = "; ".join(f"{d['url']} (sha256 {d['sha256']})" for d in src["documents"])
    return f"{src['title']}, {entry['code']}, version of {src['version_date']}. {docs}".strip()


# --- search --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchParams:
    q: str
    jurisdictions: Sequence[str] = ()
    sources: Sequence[str] = ()
    languages: Sequence[str] = ()
    categories: Sequence[str] = ()
    code_prefixes: Sequence[str] = ()
    kinds: Sequence[str] = ()
    statuses: Sequence[str] = ()
    mode: str = "bm25"
    depth: int = DEFAULT_DEPTH
    as_of: dt.date | None = None
    limit: int = 20
    offset: int = 0
    facets: bool = False
    change_kinds: Sequence[str] = ()


def search_page(svc: Service, p: SearchParams) -> dict[str, Any]:
    """One page of hits as `exportwatch search --json` gives them (same query building: mode,
    filters, --as-of index), with facets counted for a page of checkboxes if asked."""
    _check_filters(svc, p.jurisdictions, p.sources, p.languages)
    if p.as_of is not None and p.mode != "bm25":
        raise QueryError("as_of searches words (mode=bm25) only: past versions carry no embeddings")
    backend = svc.backend if p.as_of is None else as_of_index(
        svc.store, p.as_of, svc.settings.home / "asof", {s.id: s.jurisdiction for s in svc.sources})
    try:
        model, vector = ("", None) if p.mode == "bm25" else embed_query(svc.store, p.q)
        query = SearchQuery(p.q, tuple(p.jurisdictions), tuple(p.sources), tuple(p.languages), p.limit, p.offset,
                            mode=p.mode, vector=vector, vector_model=model, categories=tuple(p.categories),
                            code_prefixes=tuple(p.code_prefixes), kinds=tuple(p.kinds),
                            statuses=tuple(p.statuses), change_kinds=tuple(p.change_kinds), facets=p.facets,
                            depth=p.depth)
        result = backend.search(query)
        data = result_json(result)
        data["facets"] = facet_counts(backend, query, result) if p.facets else None
    finally:
        if backend is not svc.backend:
            backend.close()
    data["as_of"] = p.as_of
    return data


def check_source(svc: Service, source_id: str) -> None:
    """An unknown source id is a 400 that lists the known ones, not an empty answer."""
    known = [s.id for s in svc.sources]
    if source_id not in known:
        raise QueryError(f"unknown source {source_id!r}; known: {', '.join(known)}")


def _check_filters(svc: Service, jurisdictions: Sequence[str], sources: Sequence[str],
                   languages: Sequence[str]) -> None:
    """Unknown filter values would just match nothing; say so instead (strict interpretation)."""
    known = {"jurisdiction": sorted({s.jurisdiction for s in svc.sources}),
             "source": sorted(s.id for s in svc.sources),
             "language": sorted({lang for s in svc.sources for lang in s.languages})}
    for name, values in (("jurisdiction", jurisdictions), ("source", sources), ("language", languages)):
        unknown = [v for v in values if v.lower() not in known[name]]
        if unknown:
            raise QueryError(f"unknown {name} {', '.join(map(repr, unknown))}; known: {', '.join(known[name])}")
