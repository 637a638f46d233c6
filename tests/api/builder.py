"""A small store for API and browser tests, built through the store's own write path
(`Store.add_fetch`, `Store.add_version`) and projected into the embedded search index.

Two EU versions (one item reworded, one added), one Canadian version in English and French, and
a source never crawled. Texts are written for these tests (not copied from the lists); one entry
carries HTML-like text so pages can be checked for escaping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from exportwatch import accounts
from exportwatch.settings import Settings
from indexer.embedded import EmbeddedBackend
from indexer.project import project_source
from indexer.store import FileRef, Store
from nlp.model import Note, ParsedDocument, ParsedEntry

EU_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-{date}"
CA_EN = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
CA_FR = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"
HOSTILE = "<script>alert('x')</script> & <b>bold</b> frequency converters"

SOURCES = {"sources": [
    {"id": "eu-annex-i", "name": "EU dual-use list", "jurisdiction": "eu", "format": "eurlex-pdf",
     "expected_entries": {"min": 1, "max": 100},
     "documents": [{"url": "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=CELEX:32021R0821",
                    "kind": "index", "link_pattern": "PDF"}]},
    {"id": "ca-ecl", "name": "Canada Export Control List", "jurisdiction": "ca", "languages": ["en", "fr"],
     "format": "justice-laws-xml", "expected_entries": {"min": 1, "max": 100},
     "documents": [{"url": CA_EN, "language": "en"}, {"url": CA_FR, "language": "fr"}]},
    {"id": "au-dsgl", "name": "Australia DSGL", "jurisdiction": "au", "format": "dsgl-docx",
     "expected_entries": {"min": 1, "max": 100},
     "documents": [{"url": "https://www.legislation.gov.au/F2024L01024/asmade/text/original/word"}]},
]}


def _e(code: str, kind: str, heading: str, text: str = "", *, lang: str = "en", notes: tuple[Note, ...] = (),
       status: str = "active", pos: int = 0) -> ParsedEntry:
    path = _path(code)
    return ParsedEntry(code=code, parent=path[-2] if len(path) > 1 else None, path=path, kind=kind,  # type: ignore[arg-type]
                       heading=heading, text=text or heading, language=lang, notes=notes,
                       status=status, position=pos)  # type: ignore[arg-type]


def _path(code: str) -> tuple[str, ...]:
    known = {"3": ("3",), "3A": ("3", "3A"), "3A001": ("3", "3A", "3A001"),
             "group-5": ("group-5",), "5504": ("group-5", "5504"), "5504(2)": ("group-5", "5504", "5504(2)")}
    if code in known:
        return known[code]
    if code.startswith("3A001.b."):
        return ("3", "3A", "3A001", "3A001.b", code)
    if code == "3A001.b":
        return ("3", "3A", "3A001", "3A001.b")
    return ("group-5", "5504", "5504(2)", code)


def eu_doc(version: int) -> ParsedDocument:
    threshold = "31 GHz" if version == 1 else "43.5 GHz"
    entries = [
        _e("3", "category", "Electronics"),
        _e("3A", "group", "Systems, equipment and components"),
        _e("3A001", "entry", "Electronic items as follows:"),
        _e("3A001.b", "item", "Microwave or millimetre wave items as follows:"),
        _e("3A001.b.1", "item", "Vacuum electronic devices",
           f"Vacuum electronic devices operating at frequencies above {threshold}.",
           notes=(Note("note", "Note 1", "3A001.b.1 does not control devices for bands allocated by the ITU."),)),
        _e("3A001.b.11", "item", "Frequency synthesiser electronic assemblies",
           "A frequency synthesiser with a frequency switching time of less than 312 ps."),
    ]
    if version == 2:
        entries.append(_e("3A001.b.12", "item", "Converters", HOSTILE))
    entries = [ParsedEntry(**{**e.__dict__, "position": i}) for i, e in enumerate(entries)]
    day = "2022-01-07" if version == 1 else "2022-05-05"
    return ParsedDocument(version_date=dt.date.fromisoformat(day), title=f"Regulation (EU) 2021/821 Annex I ({day})",
                          entries=tuple(entries))


def ca_doc() -> ParsedDocument:
    entries = []
    for lang, words in (("en", ("Group 5", "Electronics", "Frequency synthesizers", "Synthesizers for radar")),
                        ("fr", ("Groupe 5", "Électronique", "Synthétiseurs de fréquence", "Synthétiseurs pour radar"))):
        entries += [_e("group-5", "group", words[0], lang=lang), _e("5504", "entry", words[1], lang=lang),
                    _e("5504(2)", "item", words[2], lang=lang), _e("5504(2)(d)", "item", words[3], lang=lang)]
    entries = [ParsedEntry(**{**e.__dict__, "position": i}) for i, e in enumerate(entries)]
    return ParsedDocument(version_date=dt.date(2025, 7, 24), title="Export Control List", entries=tuple(entries))


def _store_version(store: Store, source_id: str, jurisdiction: str, doc: ParsedDocument,
                   files: list[tuple[str, str, bytes]]) -> int:
    crawl = store.begin_crawl(source_id)
    refs = []
    for url, lang, content in files:
        sha = hashlib.sha256(content).hexdigest()
        store.add_fetch(crawl, url=url, status=200, fetched_at="2026-01-01T00:00:00+00:00", headers={},
                        content=content, sha256=sha, language=lang, role="list")
        refs.append(FileRef(url, sha, lang, "list"))
    bundle = hashlib.sha256(b"".join(c for _, _, c in files)).hexdigest()
    vid = store.add_version(source_id=source_id, jurisdiction=jurisdiction, primary_language="en",
                            bundle_sha256=bundle, crawl_id=crawl, doc=doc, files=refs)
    store.finish_crawl(crawl, "new-version", version_id=vid)
    return vid


def _process(store: Store, settings: Settings) -> None:
    from exportwatch.processors import VersionContext, run_processors
    from exportwatch.service import Service

    with Service.open(settings) as svc:
        for source in svc.sources:
            for version in store.versions(source.id):
                ctx = VersionContext(store, svc.backend, settings, source, version)
                warnings = run_processors(ctx, only={"extract", "changes"})
                assert not warnings, warnings


@dataclass(frozen=True)
class Keys:
    admin: str
    member: str
    readonly: str
    other_admin: str  # team "globex"


def eu_bytes(version: int) -> bytes:
    return f"eu annex i fixture, version {version}".encode()


def build(root: Path, *, processed: bool = False) -> tuple[Settings, Keys]:
    """Write sources.yml, store and search index under `root`; create teams acme and globex.
    `processed`: also run the extraction and change-detection processors, as a crawl does."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.yml").write_text(yaml.safe_dump(SOURCES), encoding="utf-8")
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(root / "home"),
                                  "EXPORTWATCH_SOURCES": str(root / "sources.yml"),
                                  "EXPORTWATCH_PUBLIC_DATA": "false"})
    with Store(settings.store_path) as store:
        for v in (1, 2):
            day = eu_doc(v).version_date.isoformat()
            _store_version(store, "eu-annex-i", "eu", eu_doc(v), [(EU_URL.format(date=day.replace("-", "")), "en",
                                                                    eu_bytes(v))])
        _store_version(store, "ca-ecl", "ca", ca_doc(),
                       [(CA_EN, "en", b"ca en fixture"), (CA_FR, "fr", b"ca fr fixture")])
        if processed:  # before indexing, as a crawl does: the index reads the change sets
            _process(store, settings)
        backend = EmbeddedBackend(settings.search_path)
        try:
            project_source(store, backend, "eu-annex-i", "eu")
            project_source(store, backend, "ca-ecl", "ca")
        finally:
            backend.close()
        accounts.create_team(store, "acme")
        accounts.create_team(store, "globex")
        keys = Keys(admin=accounts.create_key(store, "acme", "admin", "tests").token,
                    member=accounts.create_key(store, "acme", "member").token,
                    readonly=accounts.create_key(store, "acme", "read-only").token,
                    other_admin=accounts.create_key(store, "globex", "admin").token)
    return settings, keys
