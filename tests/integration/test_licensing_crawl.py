"""The whole path for the new sources: the replay mirror serves the corpus files at their
production URLs (config/mirror.yml), the spiders fetch them, the parsers store provisions, and
the licensing processor fills its tables during the crawl."""

from __future__ import annotations

import collections.abc
from pathlib import Path

import pytest

from crawlers.mirror import MirrorServer, load_catalog
from crawlers.registry import load_sources
from exportwatch.ingest import run_crawl
from exportwatch.settings import Settings
from indexer.base import SearchQuery
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from tests.licensing_store import REPO

pytestmark = pytest.mark.corpus


@pytest.fixture
def mirror(corpus_dir: Path) -> collections.abc.Iterator[MirrorServer]:
    sources = load_sources(REPO / "config" / "sources.yml")
    server = MirrorServer(load_catalog(REPO / "config" / "mirror.yml", corpus_dir, sources))
    server.start_background()
    yield server
    server.shutdown()
    server.server_close()


def test_crawl_us_ear_and_eu_reg_through_the_mirror(tmp_path: Path, mirror: MirrorServer) -> None:
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path)})
    sources = {s.id: s for s in load_sources(REPO / "config" / "sources.yml")}
    with Store(settings.store_path) as store:
        backend = EmbeddedBackend(settings.search_path)
        try:
            ear = run_crawl(sources["us-ear"], store, backend, settings, mirror=mirror.url)
            assert ear.status == "new-version", ear.message
            assert str(ear.version_date) == "2026-09-01" and ear.entries == 735
            eu = run_crawl(sources["eu-reg"], store, backend, settings, mirror=mirror.url)
            assert eu.status == "new-version", eu.message
            kinds = dict(store.db.execute("SELECT source_id, kind FROM licensing_versions").fetchall())
            assert kinds == {"us-ear": "chart", "eu-reg": "eu-gea"}
            roles = {r[0] for r in store.db.execute("SELECT role FROM version_files WHERE version_id=?",
                                                    (ear.version_id,))}
            assert roles == {"part-734", "part-738", "section-772.1"}
            # Provisions are searchable like entries.
            hits = backend.search(SearchQuery("de minimis", limit=50))
            assert any(h.entry_id.startswith("us:734.4") for h in hits.hits)
            again = run_crawl(sources["us-ear"], store, backend, settings, mirror=mirror.url)
            assert again.status == "unchanged"
        finally:
            backend.close()
