"""Wiring: build the store, the search backend and the source list from settings."""

from __future__ import annotations

from dataclasses import dataclass

from crawlers.registry import Source, load_sources
from exportwatch.settings import Settings
from indexer.base import SearchBackend
from indexer.embedded import EmbeddedBackend
from indexer.store import Store


@dataclass
class Service:
    settings: Settings
    store: Store
    backend: SearchBackend
    sources: list[Source]

    @classmethod
    def open(cls, settings: Settings | None = None) -> Service:
        settings = settings or Settings.from_env()
        sources = load_sources(settings.sources_file)
        store = Store(settings.store_path)
        backend: SearchBackend
        if settings.search_backend == "elasticsearch":
            # Imported only when chosen: the default install never loads the ES client.
            from indexer.elastic import ElasticBackend

            backend = ElasticBackend(settings.es_url, settings.es_index_prefix)
        else:
            backend = EmbeddedBackend(settings.search_path)
        return cls(settings, store, backend, sources)

    def source(self, source_id: str) -> Source:
        from crawlers.registry import select_sources

        return select_sources(self.sources, [source_id])[0]

    def close(self) -> None:
        self.backend.close()
        self.store.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
