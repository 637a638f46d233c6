"""Integration fixtures: a replay mirror serving small Justice Laws XML fixtures, and a store."""

from __future__ import annotations

import collections.abc
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from crawlers.mirror import MirrorCatalog, MirrorServer, load_catalog
from crawlers.registry import Source, load_sources
from exportwatch.ingest import CrawlOutcome, run_crawl
from exportwatch.settings import Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import Store

EN_URL = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
FR_URL = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"


@dataclass
class Env:
    settings: Settings
    source: Source
    catalog: MirrorCatalog
    server: MirrorServer
    store: Store
    backend: EmbeddedBackend

    def crawl(self, version: str, source: Source | None = None) -> CrawlOutcome:
        self.catalog.pin("ca-ecl", dt.date.fromisoformat(version))
        return run_crawl(source or self.source, self.store, self.backend, self.settings, mirror=self.server.url)


@pytest.fixture
def env(tmp_path: Path, fixtures_dir: Path) -> collections.abc.Iterator[Env]:
    fx = fixtures_dir / "justice_laws_xml"
    corpus = tmp_path / "corpus"
    en = (fx / "SOR-89-202_en.xml").read_bytes()
    fr = (fx / "DORS-89-202_fr.xml").read_bytes()
    versions = {
        "v1": (en, fr),
        # A later consolidation: one item reworded, the date moved on.
        "v2": (en.replace(b"Logs of all species of wood", b"Logs of all species of timber")
                 .replace(b'lims:current-date="2025-07-24"', b'lims:current-date="2025-09-01"'), fr),
        "broken": (en[: len(en) // 2], fr),
        "bomb": ((fx / "entity_bomb.xml").read_bytes(), fr),
    }
    for name, (e, f) in versions.items():
        (corpus / name).mkdir(parents=True)
        (corpus / name / "en.xml").write_bytes(e)
        (corpus / name / "fr.xml").write_bytes(f)
    dates = {"v1": "2025-07-24", "v2": "2025-09-01", "broken": "2025-10-01", "bomb": "2025-11-01"}
    mirror_cfg = {"sources": {"ca-ecl": {"versions": [
        {"date": d, "files": {EN_URL: f"{n}/en.xml", FR_URL: f"{n}/fr.xml"}} for n, d in dates.items()]}}}
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(mirror_cfg), encoding="utf-8")
    sources_cfg = {"sources": [{
        "id": "ca-ecl", "name": "Canada ECL", "jurisdiction": "ca", "languages": ["en", "fr"],
        "format": "justice-laws-xml", "expected_entries": {"min": 10, "max": 500},
        "documents": [{"url": EN_URL, "language": "en"}, {"url": FR_URL, "language": "fr"}],
    }]}
    (tmp_path / "sources.yml").write_text(yaml.safe_dump(sources_cfg), encoding="utf-8")
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path / "home"),
                                  "EXPORTWATCH_SOURCES": str(tmp_path / "sources.yml")})
    sources = load_sources(settings.sources_file)
    catalog = load_catalog(tmp_path / "mirror.yml", corpus, sources)
    server = MirrorServer(catalog)
    server.start_background()
    store = Store(settings.store_path)
    backend = EmbeddedBackend(settings.search_path)
    yield Env(settings, sources[0], catalog, server, store, backend)
    store.close()
    backend.close()
    server.shutdown()
    server.server_close()
