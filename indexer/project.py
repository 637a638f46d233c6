"""Project the store of record into a search backend: current versions, one IndexDoc per entry.

Entry vectors come from the embedding cache in the store (indexer.embeddings, filled by the
"embeddings" processor) when that module is installed: an entry whose text has no cached vector
is indexed without one (found by bm25, not by semantic search) until the processor has run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from indexer.base import IndexDoc, SearchBackend
from indexer.changes import version_change_kinds
from indexer.entry_vectors import UNEMBEDDED_KINDS, EntryVectors, entry_vectors, search_text
from indexer.store import EntryRow, Store, VersionRow


def index_docs(store: Store, version: VersionRow, jurisdiction: str,
               vectors: EntryVectors | None = None) -> Iterator[IndexDoc]:
    entries = store.entries(version.id)
    headings = {e.entry_id: e.heading for e in entries}
    contexts = {e.entry_id: context(e, headings, jurisdiction) for e in entries}
    found = (vectors or entry_vectors(store)).lookup(entries, contexts)
    kinds = version_change_kinds(store, version)
    for e in entries:
        vec = found.get(e.entry_id)
        yield IndexDoc(
            entry_id=e.entry_id, source_id=version.source_id, jurisdiction=jurisdiction,
            code=e.code, kind=e.kind, heading=e.heading, text=e.text,
            notes=" ".join(n["text"] for n in e.notes), context=contexts[e.entry_id],
            language=e.language, category=e.path[0] if e.path else "", status=e.status,
            version_id=version.id, version_date=version.version_date,
            vector=vec[1] if vec else None, vector_model=vec[0] if vec else "",
            change_kind=kinds.of(e.entry_id),
        )


def search_texts(store: Store, version: VersionRow, jurisdiction: str) -> list[str]:
    """The texts embedded for the entries of a version (indexer.entry_vectors.search_text)."""
    entries = store.entries(version.id)
    headings = {e.entry_id: e.heading for e in entries}
    return [search_text(e, context(e, headings, jurisdiction)) for e in entries
            if e.kind not in UNEMBEDDED_KINDS]


def context(entry: EntryRow, headings: Mapping[str, str], jurisdiction: str) -> str:
    """The headings of the entry's ancestors, top down."""
    suffix = entry.entry_id[len(f"{jurisdiction}:{entry.code}"):]  # "@fr" or ""
    parts = [headings.get(f"{jurisdiction}:{code}{suffix}", "") for code in entry.path[:-1]]
    return " / ".join(p for p in parts if p)


_context = context  # the name used before


def project_source(store: Store, backend: SearchBackend, source_id: str, jurisdiction: str) -> int:
    """Index the current version of one source; returns the number of entries indexed."""
    version = store.current_version(source_id)
    if version is None:
        return backend.replace_source(source_id, [])
    n = backend.replace_source(source_id, index_docs(store, version, jurisdiction))
    store.set_projected(backend.name, source_id, version.id)
    return n


def rebuild_index(store: Store, backend: SearchBackend, sources: Sequence[tuple[str, str]],
                  progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Replace the whole index with the current version of every (source_id, jurisdiction),
    published at once (Elasticsearch: one alias swap). Returns entries indexed per source. If it
    fails, the index stays as it was and the error propagates. `progress` is called with the
    number of documents handed to the backend since its last call."""
    vectors = entry_vectors(store)
    counts: dict[str, int] = {}
    versions: dict[str, VersionRow] = {}
    for source_id, _ in sources:
        counts[source_id] = 0
        if (version := store.current_version(source_id)) is not None:
            versions[source_id] = version

    def counted(source_id: str, docs: Iterator[IndexDoc]) -> Iterator[IndexDoc]:
        for doc in docs:
            counts[source_id] += 1
            if progress is not None and counts[source_id] % 500 == 0:
                progress(500)
            yield doc
        if progress is not None:
            progress(counts[source_id] % 500)

    jurisdictions = dict(sources)
    backend.rebuild({sid: counted(sid, index_docs(store, v, jurisdictions[sid], vectors))
                     for sid, v in versions.items()})
    for sid, v in versions.items():
        store.set_projected(backend.name, sid, v.id)
    return counts


def ensure_projected(store: Store, backend: SearchBackend, source_id: str, jurisdiction: str) -> bool:
    """Re-index a source if the backend does not hold its current version (e.g. a crawl was
    killed after storing a version and before indexing it). Returns True if it re-indexed."""
    version = store.current_version(source_id)
    if version is None or store.projected_version(backend.name, source_id) == version.id:
        return False
    project_source(store, backend, source_id, jurisdiction)
    return True
