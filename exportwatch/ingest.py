"""One crawl of one source, end to end: fetch (child process), snapshot, parse (sandboxed),
check, store a new version if the content is new, and update the search projection.

Nothing already stored is ever changed: a failed fetch or parse records a failed crawl and the
previous version stays current.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import time
from dataclasses import dataclass, field

from crawlers.registry import Source
from crawlers.run import CrawlResult, crawl_source
from exportwatch.errors import ExportWatchError, ParseError
from exportwatch.processors import VersionContext, run_processors
from exportwatch.settings import Settings
from indexer.base import SearchBackend
from indexer.project import ensure_projected
from indexer.store import FileRef, Store
from nlp.parse import Bundle, FetchedFile
from nlp.parse.sandbox import parse_in_sandbox

# Fault injection for crash tests: the process SIGKILLs itself at the named checkpoint.
_KILL_AT = "EXPORTWATCH_FAULT_KILL_AT"


def _checkpoint(name: str) -> None:
    if os.environ.get(_KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class CrawlOutcome:
    source_id: str
    status: str  # new-version | unchanged | failed
    crawl_id: int
    version_id: int | None = None
    version_date: dt.date | None = None
    entries: int = 0
    new_snapshots: int = 0
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


def bundle_hash(result: CrawlResult) -> str:
    """Identity of what was fetched: the files' bytes with their language and role, not URLs
    (eCFR's URL carries the date asked for, the content may be the same)."""
    parts = sorted(f"{f.sha256}\t{f.language}\t{f.role}" for f in result.fetched)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def run_crawl(source: Source, store: Store, backend: SearchBackend, settings: Settings, *,
              mirror: str | None = None, date: str | None = None) -> CrawlOutcome:
    started = time.monotonic()
    crawl_id = store.begin_crawl(source.id)
    outcome = CrawlOutcome(source.id, "failed", crawl_id)
    try:
        _crawl_and_ingest(source, store, backend, settings, outcome, mirror=mirror, date=date)
    except ExportWatchError as exc:
        outcome.status, outcome.message = "failed", str(exc)
    outcome.seconds = round(time.monotonic() - started, 2)
    store.finish_crawl(crawl_id, outcome.status, version_id=outcome.version_id,
                       message=outcome.message or None, warnings=outcome.warnings,
                       stats={"entries": outcome.entries, "new_snapshots": outcome.new_snapshots,
                              "seconds": outcome.seconds})
    return outcome


def _crawl_and_ingest(source: Source, store: Store, backend: SearchBackend, settings: Settings,
                      outcome: CrawlOutcome, *, mirror: str | None, date: str | None) -> None:
    result = crawl_source(source, mirror=mirror, date=date)
    _checkpoint("fetched")
    # Fetch-level warnings (robots.txt unreachable, so the crawl failed open) reach the operator
    # whatever happens next.
    outcome.warnings.extend(result.warnings)
    for f in result.fetched:
        new = store.add_fetch(outcome.crawl_id, url=f.url, status=f.status, fetched_at=f.fetched_at,
                              headers=f.headers, content=f.content, sha256=f.sha256,
                              language=f.language, role=f.role)
        outcome.new_snapshots += int(new)
    _checkpoint("snapshots-stored")
    if result.errors:
        # A partial bundle would parse into a version that silently lacks documents.
        detail = "; ".join(f"{e['url']}: {e['error']}" for e in result.errors[:5])
        raise ExportWatchError(f"{len(result.errors)} fetch error(s): {detail}")
    if not result.fetched:
        raise ExportWatchError("nothing fetched")
    digest = bundle_hash(result)
    existing = store.find_version(source.id, digest)
    if existing is not None:
        outcome.status, outcome.version_id = "unchanged", existing.id
        outcome.version_date, outcome.entries = existing.version_date, existing.entry_count
        # Catch up on work a killed crawl (or a newly added processor) left undone.
        outcome.warnings += run_processors(VersionContext(store, backend, settings, source, existing))
        ensure_projected(store, backend, source.id, source.jurisdiction)
        return
    requested = result.fetched[0].requested_date
    bundle = Bundle(
        source_id=source.id, jurisdiction=source.jurisdiction,
        files=tuple(FetchedFile(f.url, f.content, f.headers.get("content-type", ""), f.language, f.role)
                    for f in result.fetched),
        requested_date=dt.date.fromisoformat(requested) if requested else None,
    )
    doc = parse_in_sandbox(source.format, bundle, timeout_s=settings.parse_timeout_s,
                           memory_bytes=settings.parse_memory_bytes)
    _checkpoint("parsed")
    outcome.warnings.extend(doc.warnings)
    outcome.entries = len(doc.entries)
    bounds = source.expected_entries
    if len(doc.entries) < bounds.min:
        raise ParseError(f"parse yielded {len(doc.entries)} entries, fewer than the expected minimum "
                         f"{bounds.min}: has the layout changed? The previous version stays current.")
    if len(doc.entries) > bounds.max:
        outcome.warnings.append(f"parse yielded {len(doc.entries)} entries, more than the expected "
                                f"maximum {bounds.max}")
    files = [FileRef(f.url, f.sha256, f.language, f.role) for f in result.fetched]
    outcome.version_id = store.add_version(
        source_id=source.id, jurisdiction=source.jurisdiction, primary_language=source.languages[0],
        bundle_sha256=digest, crawl_id=outcome.crawl_id, doc=doc, files=files)
    outcome.version_date = doc.version_date
    outcome.status = "new-version"
    _checkpoint("version-stored")
    version = store.find_version(source.id, digest)
    if version is not None:
        outcome.warnings += run_processors(VersionContext(store, backend, settings, source, version))
    _checkpoint("processed")
    ensure_projected(store, backend, source.id, source.jurisdiction)
    _checkpoint("indexed")
