"""Test helper: put documents into a store as versions of a configured source (parsed by the
source's own parser, raw bytes kept as snapshots) and run the licensing processor on them,
without a crawl. Used by the licensing unit and corpus tests."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from crawlers.registry import Source, load_sources
from exportwatch.processors import VersionContext
from exportwatch.processors.licensing import run as run_licensing
from exportwatch.settings import Settings
from indexer.base import SearchBackend
from indexer.store import FileRef, Store, VersionRow
from nlp.parse import Bundle, FetchedFile, get_parser

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Doc:
    url: str
    content: bytes
    role: str = "list"
    language: str = "en"


class LicensingStore:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.settings = Settings.from_env({"EXPORTWATCH_HOME": str(home)})
        self.store = Store(self.settings.store_path)
        self.sources = {s.id: s for s in load_sources(REPO / "config" / "sources.yml")}

    def add(self, source_id: str, docs: list[Doc], requested: dt.date | None = None,
            process: bool = True) -> tuple[VersionRow, list[str]]:
        source: Source = self.sources[source_id]
        crawl = self.store.begin_crawl(source_id)
        files = []
        for d in docs:
            sha = hashlib.sha256(d.content).hexdigest()
            self.store.add_fetch(crawl, url=d.url, status=200, fetched_at="2026-09-01T00:00:00+00:00",
                                 headers={}, content=d.content, sha256=sha, language=d.language, role=d.role)
            files.append(FileRef(d.url, sha, d.language, d.role))
        bundle = Bundle(source_id, source.jurisdiction,
                        tuple(FetchedFile(d.url, d.content, "", d.language, d.role) for d in docs),
                        requested_date=requested)
        doc = get_parser(source.format)(bundle)
        digest = hashlib.sha256("".join(f.sha256 for f in files).encode()).hexdigest()
        self.store.add_version(source_id=source_id, jurisdiction=source.jurisdiction,
                               primary_language=source.languages[0], bundle_sha256=digest, crawl_id=crawl,
                               doc=doc, files=files)
        self.store.finish_crawl(crawl, "new-version")
        version = self.store.find_version(source_id, digest)
        assert version is not None
        warnings = self.process(source_id, version) if process else []
        return version, warnings

    def process(self, source_id: str, version: VersionRow) -> list[str]:
        ctx = VersionContext(self.store, cast(SearchBackend, _NoBackend()), self.settings, self.sources[source_id],
                             version)
        return run_licensing(ctx)

    def close(self) -> None:
        self.store.close()


class _NoBackend:
    """The licensing processor never touches the search backend."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"licensing processor used the search backend ({name})")
