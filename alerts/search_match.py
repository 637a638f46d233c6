"""Saved searches against a change set, through the search backend in use.

The changed entries, each side of the change (the text before and the text after: a search for
"unmanned aerial vehicle" must hear about an entry whose wording about UAVs was struck), are
indexed into a scratch index of the same backend (embedded: a temporary SQLite FTS5 file;
Elasticsearch: a temporary index under the configured prefix), and every distinct saved search
runs there with its filters. So the query language, analysis (stemming, spelling variants, code
notations) and filters are exactly those of `exportwatch search`, the search runs over the changed
rows only, and it does not depend on which version the live index holds (processors run before
the new version is projected, and `reprocess` runs them on old versions).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alerts.model import SearchSpec
from alerts.subscriptions import Subscription
from exportwatch.settings import Settings
from indexer.base import IndexDoc, SearchBackend, SearchQuery
from indexer.changes import ChangeRow
from indexer.embedded import EmbeddedBackend
from indexer.project import context
from indexer.store import Store

# Opens a scratch backend and disposes of it afterwards.
BackendFactory = Callable[[], "ScratchBackend"]


class ScratchBackend:
    """A search backend used for one match run, then deleted."""

    def __init__(self, backend: SearchBackend, dispose: Callable[[], None]) -> None:
        self.backend = backend
        self._dispose = dispose

    def close(self) -> None:
        self._dispose()


def scratch_factory(settings: Settings) -> BackendFactory:
    """Scratch backends of the kind `settings` selects."""
    if settings.search_backend == "elasticsearch":
        return lambda: elastic_scratch(settings.es_url, settings.es_index_prefix)
    return embedded_scratch


def embedded_scratch() -> ScratchBackend:
    tmp = tempfile.TemporaryDirectory(prefix="exportwatch-alerts-")
    backend = EmbeddedBackend(Path(tmp.name) / "match.sqlite")

    def dispose() -> None:
        backend.close()
        tmp.cleanup()

    return ScratchBackend(backend, dispose)


def elastic_scratch(url: str, prefix: str) -> ScratchBackend:
    from indexer.elastic import ElasticBackend  # only when Elasticsearch is the backend

    backend = ElasticBackend(url, f"{prefix}alerts-{uuid.uuid4().hex[:12]}-")

    def dispose() -> None:
        try:
            backend.delete_all()
        finally:
            backend.close()

    return ScratchBackend(backend, dispose)


def _notes(notes: Sequence[dict[str, Any]]) -> str:
    return " ".join(str(n.get("text", "")) for n in notes)


class EntryPlaces:
    """Context (ancestor headings) and category of stored entries, as the live index has them,
    loaded once per version."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self._versions: dict[int, dict[str, tuple[str, str]]] = {}

    def get(self, version_id: int, entry_id: str, jurisdiction: str) -> tuple[str, str] | None:
        if self.store is None:
            return None
        if version_id not in self._versions:
            entries = self.store.entries(version_id)
            headings = {e.entry_id: e.heading for e in entries}
            self._versions[version_id] = {
                e.entry_id: (context(e, headings, jurisdiction), e.path[0] if e.path else "") for e in entries}
        return self._versions[version_id].get(entry_id)


def change_docs(changes: Sequence[ChangeRow], places: EntryPlaces | None = None) -> Iterator[tuple[IndexDoc, int]]:
    """One scratch document per side (old, new) of each entry change, with its change's seq.
    Definition changes are matched by term subscriptions, not searches."""
    places = places or EntryPlaces(None)
    for change in changes:
        if change.kind == "definition":
            continue
        cs = change.change_set
        for side, version in (("old", cs.from_version), ("new", cs.to_version)):
            entry = change.detail.get(side)
            if not entry:
                continue
            jurisdiction = str(entry["entry_id"]).split(":", 1)[0]
            code = str(entry.get("code", ""))
            place = places.get(version.id, str(entry["entry_id"]), jurisdiction)
            ctx, category = place if place is not None else ("", _category(code))
            yield IndexDoc(
                entry_id=f"{change.seq}|{side}", source_id=cs.source_id, jurisdiction=jurisdiction, code=code,
                kind=str(entry.get("kind", "item")), heading=str(entry.get("heading", "")),
                text=str(entry.get("text", "")), notes=_notes(entry.get("notes") or []),
                context=ctx, language=str(entry.get("language", "en")), category=category,
                status=str(entry.get("status", "active")),
                version_id=version.id, version_date=version.version_date,
                # both sides carry the change's kind: "removed" finds the old side of a removal
                change_kind=change.kind), change.seq


def _category(code: str) -> str:
    """The category a code sits in, as the live index files it (the first path element)."""
    if code.startswith("ML"):
        return "ML"
    return code[0] if code[:1].isdigit() else ""


def _query_key(spec: SearchSpec) -> str:
    return json.dumps(spec.model_dump(), sort_keys=True)


def match_searches(factory: BackendFactory, changes: Sequence[ChangeRow], subscriptions: Sequence[Subscription],
                   store: Store | None = None) -> dict[int, dict[int, str]]:
    """subscription id -> {change seq: reason} for the saved searches that match a changed entry.
    Subscriptions with the same search share one query."""
    docs = list(change_docs(changes, EntryPlaces(store)))
    if not docs or not subscriptions:
        return {}
    groups: dict[str, list[Subscription]] = {}
    for sub in subscriptions:
        groups.setdefault(_query_key(sub.spec), []).append(sub)
    out: dict[int, dict[int, str]] = {}
    with _opened(factory) as backend:
        by_source: dict[str, list[IndexDoc]] = {}
        for doc, _seq in docs:
            by_source.setdefault(doc.source_id, []).append(doc)
        for source_id, items in by_source.items():
            backend.replace_source(source_id, items)
        limit = len(docs)
        for members in groups.values():
            spec: SearchSpec = members[0].spec
            query = SearchQuery(spec.query, jurisdictions=spec.jurisdictions, sources=spec.sources,
                                languages=spec.languages, categories=spec.categories,
                                code_prefixes=spec.code_prefixes, change_kinds=spec.change_kinds,
                                limit=limit, mode="bm25")
            seqs = sorted({int(hit.entry_id.split("|", 1)[0]) for hit in backend.search(query).hits})
            for sub in members:
                for seq in seqs:
                    out.setdefault(sub.id, {})[seq] = f"saved search {spec.query!r}"
    return out


@contextmanager
def _opened(factory: BackendFactory) -> Iterator[SearchBackend]:
    scratch = factory()
    try:
        yield scratch.backend
    finally:
        scratch.close()
