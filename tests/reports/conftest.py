"""A small store replayed from real documents (parsers + store + the definitions and changes
processors, as a crawl would run them): Canada 2024-07-23 -> 2025-05-05, the US CCL 2026-06-25 ->
2026-09-01 and EU Annex I 2022-05-05. Built once per session; reports read it."""

from __future__ import annotations

import collections.abc
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawlers.registry import Source, load_sources
from exportwatch.processors import VersionContext, run_processors
from exportwatch.settings import REPO_ROOT, Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import FileRef, Store
from nlp.parse import Bundle, FetchedFile, get_parser

CA_DIR = "raw/canada-export-control-list-sor-89-202-justicecanada/versions"
US_DIR = "raw/us-ear-ecfr-xml-2026-09-01-caddy"
EU_DIR = "raw/km-stat-export-control-code-lists/eu dual use lists"
CA_EN = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
CA_FR = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"


@dataclass
class Replayed:
    store: Store
    sources: list[Source]
    files: dict[str, str]  # url of each stored document -> sha256 of the bytes parsed


def _ca(corpus: Path, date: str) -> Bundle:
    folder = corpus / CA_DIR
    [en] = folder.glob(f"SOR-89-202_current-{date}_commit-*.xml")
    [fr] = folder.glob(f"DORS-89-202_current-{date}_commit-*.xml")
    return Bundle("ca-ecl", "ca", (FetchedFile(CA_EN, en.read_bytes(), language="en"),
                                   FetchedFile(CA_FR, fr.read_bytes(), language="fr")))


def _us(corpus: Path, date: str) -> Bundle:
    path = corpus / US_DIR / f"title-15-part-774-{date}.xml"
    url = f"https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774"
    return Bundle("us-ecfr-ccl", "us", (FetchedFile(url, path.read_bytes()),),
                  requested_date=dt.date.fromisoformat(date))


def _eu(corpus: Path, date: str) -> Bundle:
    [path] = (corpus / EU_DIR).glob(f"{date} CELEX_*.pdf")
    url = f"https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-{date.replace('-', '')}"
    return Bundle("eu-annex-i", "eu", (FetchedFile(url, path.read_bytes(), "application/pdf"),))


@pytest.fixture(scope="session")
def replayed(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> collections.abc.Iterator[Replayed]:
    home = tmp_path_factory.mktemp("reports-home")
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(home)})
    sources = load_sources(REPO_ROOT / "config" / "sources.yml")
    by_id = {s.id: s for s in sources}
    store = Store(settings.store_path)
    backend = EmbeddedBackend(settings.search_path)
    files: dict[str, str] = {}
    plan = [(_ca, "2024-07-23"), (_ca, "2025-05-05"), (_us, "2026-06-25"), (_us, "2026-09-01"), (_eu, "2022-05-05")]
    for make, date in plan:
        bundle = make(corpus_dir, date)
        source = by_id[bundle.source_id]
        doc = get_parser(source.format)(bundle)
        refs = [FileRef(f.url, hashlib.sha256(f.content).hexdigest(), f.language, "list") for f in bundle.files]
        files.update({r.url: r.sha256 for r in refs})
        crawl = store.begin_crawl(source.id)
        for f, r in zip(bundle.files, refs, strict=True):
            store.add_fetch(crawl, url=f.url, status=200, fetched_at=f"{date}T00:00:00+00:00", headers={},
                            content=f.content, sha256=r.sha256, language=f.language, role="list")
        bundle_sha = hashlib.sha256("".join(r.sha256 for r in refs).encode()).hexdigest()
        vid = store.add_version(source_id=source.id, jurisdiction=source.jurisdiction,
                                primary_language=source.languages[0], bundle_sha256=bundle_sha, crawl_id=crawl,
                                doc=doc, files=refs)
        store.finish_crawl(crawl, "new-version", version_id=vid)
        version = next(v for v in store.versions(source.id) if v.id == vid)
        warnings = run_processors(VersionContext(store, backend, settings, source, version),
                                  only={"definitions", "changes"})
        assert not [w for w in warnings if "failed" in w], warnings
    yield Replayed(store, sources, files)
    store.close()
    backend.close()
