"""A small store for the alert tests: the lists of tests/fixtures/alerts/lists.json stored as
versions (through Store.add_version, as ingest does) and the change set between the two US
versions computed by the real change engine (exportwatch.processors.changes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from exportwatch import accounts
from exportwatch.processors.changes import detect_changes
from indexer.changes import ChangeSetRow, chain
from indexer.store import FileRef, Store
from nlp.model import ParsedDocument, ParsedEntry

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "alerts" / "lists.json"


def _path(code: str, codes: list[str]) -> tuple[str, ...]:
    return tuple(sorted((c for c in codes if c == code or code.startswith(c + ".")), key=len))


def _document(date: str, title: str, rows: list[list[str]]) -> ParsedDocument:
    codes = [r[0] for r in rows]
    entries = []
    for pos, (code, kind, heading, text) in enumerate(rows):
        path = _path(code, codes)
        entries.append(ParsedEntry(code=code, parent=path[-2] if len(path) > 1 else None, path=path,
                                   kind=kind, heading=heading, text=text, language="en", position=pos))  # type: ignore[arg-type]
    return ParsedDocument(version_date=dt.date.fromisoformat(date), title=title, entries=tuple(entries))


def build_store(path: Path) -> Store:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    store = Store(path)
    for source_id, src in data["sources"].items():
        for date, rows in src["versions"].items():
            crawl = store.begin_crawl(source_id)
            content = json.dumps(rows).encode()
            sha = hashlib.sha256(content).hexdigest()
            url = src["url"].format(date=date)
            store.add_fetch(crawl, url=url, status=200, fetched_at=f"{date}T06:00:00+00:00", headers={},
                            content=content, sha256=sha, language="en", role="list")
            version_id = store.add_version(source_id=source_id, jurisdiction=src["jurisdiction"], primary_language="en",
                                           bundle_sha256=sha, crawl_id=crawl, doc=_document(date, src["title"], rows),
                                           files=[FileRef(url, sha, "en", "list")])
            store.finish_crawl(crawl, "new-version", version_id=version_id)
    return store


def detect(store: Store, source_id: str = "us-ecfr-ccl") -> ChangeSetRow:
    for version in store.versions(source_id):
        detect_changes(store, source_id, version)
    sets = [cs for _a, _b, cs in chain(store, source_id) if cs is not None]
    assert len(sets) == 1
    return sets[0]


def make_team(store: Store, name: str = "acme") -> int:
    return accounts.create_team(store, name).id
