"""Project the store of record into a search backend: current versions, one IndexDoc per entry."""

from __future__ import annotations

from collections.abc import Iterator

from indexer.base import IndexDoc, SearchBackend
from indexer.store import EntryRow, Store, VersionRow


def index_docs(store: Store, version: VersionRow, jurisdiction: str) -> Iterator[IndexDoc]:
    entries = store.entries(version.id)
    headings = {e.entry_id: e.heading for e in entries}
    for e in entries:
        yield IndexDoc(
            entry_id=e.entry_id, source_id=version.source_id, jurisdiction=jurisdiction,
            code=e.code, kind=e.kind, heading=e.heading, text=e.text,
            notes=" ".join(n["text"] for n in e.notes),
            context=_context(e, headings, jurisdiction), language=e.language,
            category=e.path[0] if e.path else "", status=e.status, version_id=version.id,
            version_date=version.version_date,
        )


def _context(entry: EntryRow, headings: dict[str, str], jurisdiction: str) -> str:
    suffix = entry.entry_id[len(f"{jurisdiction}:{entry.code}"):]  # "@fr" or ""
    parts = [headings.get(f"{jurisdiction}:{code}{suffix}", "") for code in entry.path[:-1]]
    return " / ".join(p for p in parts if p)


def project_source(store: Store, backend: SearchBackend, source_id: str, jurisdiction: str) -> int:
    """Index the current version of one source; returns the number of entries indexed."""
    version = store.current_version(source_id)
    if version is None:
        return backend.replace_source(source_id, [])
    n = backend.replace_source(source_id, index_docs(store, version, jurisdiction))
    store.set_projected(backend.name, source_id, version.id)
    return n


def ensure_projected(store: Store, backend: SearchBackend, source_id: str, jurisdiction: str) -> bool:
    """Re-index a source if the backend does not hold its current version (e.g. a crawl was
    killed after storing a version and before indexing it). Returns True if it re-indexed."""
    version = store.current_version(source_id)
    if version is None or store.projected_version(backend.name, source_id) == version.id:
        return False
    project_source(store, backend, source_id, jurisdiction)
    return True
