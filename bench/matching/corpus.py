"""Parse corpus documents with the project's own parsers (as the crawl would), cached per run
directory so that repeated benchmark runs do not parse again. The cache key includes a digest of
the parsers' source, so a changed parser never serves an old parse."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import pickle
from pathlib import Path

from crawlers.mirror import load_catalog
from crawlers.registry import Source, load_sources
from exportwatch.settings import Settings
from indexer.store import entry_id_for
from nlp.match.documents import Node
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser


def corpus_files(settings: Settings, source_id: str, date: str) -> tuple[Source, tuple[FetchedFile, ...]]:
    """The source and the corpus files of one dated version, as the crawl would fetch them."""
    sources = {s.id: s for s in load_sources(settings.sources_file)}
    source = sources[source_id]
    catalog = load_catalog(settings.mirror_config, settings.corpus, list(sources.values()))
    version = next(v for v in catalog.sources[source_id].versions if v.date.isoformat() == date)
    lang = {d.url: d.language for d in source.documents}
    role = {d.url: d.role for d in source.documents}
    files = tuple(FetchedFile(f.url.replace("{date}", date), f.path.read_bytes(),
                              language=lang.get(f.url, "en"), role=role.get(f.url, "list"))
                  for f in version.files)
    if source_id == "eu-annex-i":  # the ALL page offers every consolidation; the spider takes the latest
        files = (max(files, key=lambda f: f.url),)
    return source, files


@functools.cache
def parsers_digest() -> str:
    """Digest of the parsing code (nlp/parse and the model it fills)."""
    root = Path(__file__).resolve().parents[2] / "nlp"
    digest = hashlib.sha256()
    for path in sorted([*root.joinpath("parse").rglob("*.py"), root / "model.py"]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def parse_version(settings: Settings, source_id: str, date: str, cache: Path) -> ParsedDocument:
    path = cache / f"{source_id}-{date}-{parsers_digest()}.pickle"
    if path.exists():
        doc: ParsedDocument = pickle.loads(path.read_bytes())  # our own cache file
        return doc
    source, files = corpus_files(settings, source_id, date)
    doc = get_parser(source.format)(Bundle(source_id, source.jurisdiction, files,
                                           requested_date=dt.date.fromisoformat(date)))
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(doc))
    return doc


def nodes_of(doc: ParsedDocument, jurisdiction: str, primary: str = "en",
             language: str | None = None) -> list[Node]:
    out = []
    for e in doc.entries:
        if language is not None and e.language != language:
            continue
        eid = entry_id_for(jurisdiction, e.code, e.language, primary)
        parent = entry_id_for(jurisdiction, e.parent, e.language, primary) if e.parent else None
        out.append(Node(eid, e.code, parent, e.kind, e.text or e.heading, e.language, e.position, e.status))
    return out
