"""The `search-embeddings` processor embeds a new version's entries for semantic search (when
EXPORTWATCH_EMBED_ON_INGEST is on), and the projection then indexes them with their vectors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import nlp.embed.registry
from crawlers.registry import Source
from exportwatch.processors import VersionContext
from exportwatch.processors.search_embeddings import PROCESSOR
from exportwatch.settings import Settings
from indexer.base import SearchQuery
from indexer.embedded import EmbeddedBackend
from indexer.entry_vectors import SEARCH_MODEL
from indexer.project import project_source, search_texts
from indexer.store import Store
from nlp.model import ParsedDocument, ParsedEntry

SOURCE = Source.model_validate({"id": "src", "name": "S", "jurisdiction": "eu", "format": "eurlex-pdf",
                                "documents": [{"url": "https://x.test/a.pdf"}],
                                "expected_entries": {"min": 1, "max": 10}})


class FakeEmbedder:
    """Stands in for the model: a vector per text from its hash (embedding is not under test)."""

    name = SEARCH_MODEL
    dim = 16
    languages = frozenset({"en"})

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.extend(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], np.uint8).astype(np.float32)
                + 1.0 for t in texts]
        m = np.stack(rows)
        out: np.ndarray = m / np.linalg.norm(m, axis=1, keepdims=True)
        return out


@pytest.mark.parametrize("enabled", [True, False])
def test_processor_embeds_entries_not_categories_and_projection_indexes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    fake = FakeEmbedder()
    monkeypatch.setattr(nlp.embed.registry, "get_embedder", lambda name, threads=None: fake)
    settings = dataclasses.replace(Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path)}),
                                   embed_on_ingest=enabled)
    with Store(tmp_path / "store.sqlite") as store:
        crawl = store.begin_crawl("src")
        entries = (
            ParsedEntry(code="1", parent=None, path=("1",), kind="category", heading="MATERIALS",
                        text="MATERIALS", language="en"),
            ParsedEntry(code="1A005", parent="1", path=("1", "1A005"), kind="entry",
                        heading="Body armour", text="Body armour and components therefor.",
                        language="en", position=1),
        )
        store.add_version(source_id="src", jurisdiction="eu", primary_language="en",
                          bundle_sha256="b1", crawl_id=crawl, files=[],
                          doc=ParsedDocument(version_date=dt.date(2025, 1, 1), title="t",
                                             entries=entries))
        version = store.versions("src")[0]
        backend = EmbeddedBackend(tmp_path / "search.sqlite")
        ctx = VersionContext(store, backend, settings, SOURCE, version)
        assert PROCESSOR.run(ctx) == []
        if not enabled:
            assert fake.calls == []
            return
        # the entry, with the heading above it; not the category
        assert fake.calls == ["MATERIALS / Body armour / Body armour and components therefor."]
        assert search_texts(store, version, "eu") == fake.calls
        PROCESSOR.run(ctx)  # idempotent: cached, nothing embedded again
        assert len(fake.calls) == 1
        project_source(store, backend, "src", "eu")
        query = fake.embed(["MATERIALS / Body armour / Body armour and components therefor."])[0]
        hits = backend.search(SearchQuery("armour", mode="semantic", vector=query,
                                          vector_model=SEARCH_MODEL)).hits
        assert [(h.entry_id, h.score) for h in hits] == [("eu:1A005", 1.0)]
        backend.close()
