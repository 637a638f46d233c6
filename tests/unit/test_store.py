"""Store of record: content-addressed snapshots, atomic append-only versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from exportwatch.errors import NotFoundError
from indexer.store import FileRef, Store
from nlp.model import Note, ParsedDocument, ParsedEntry


def doc(*codes: str, day: str = "2024-01-01") -> ParsedDocument:
    entries = [
        ParsedEntry(code=c, parent=None, path=(c,), kind="entry", heading=f"Heading {c}",
                    text=f"Text of {c}", language="en", notes=(Note("note", "Note 1", "n"),), position=i)
        for i, c in enumerate(codes)
    ]
    return ParsedDocument(version_date=dt.date.fromisoformat(day), title="T", entries=tuple(entries))


def add_snapshot(store: Store, crawl: int, content: bytes) -> tuple[bool, str]:
    sha = hashlib.sha256(content).hexdigest()
    new = store.add_fetch(crawl, url="https://x.test/a", status=200, fetched_at="2024-01-01T00:00:00+00:00",
                          headers={}, content=content, sha256=sha, language="en", role="list")
    return new, sha


def test_identical_bytes_are_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        crawl = store.begin_crawl("src")
        assert add_snapshot(store, crawl, b"abc")[0] is True
        assert add_snapshot(store, crawl, b"abc")[0] is False
        assert store.counts()["snapshots"] == 1
        assert store.counts()["fetches"] == 2
        assert store.snapshot(hashlib.sha256(b"abc").hexdigest()) == b"abc"


def test_versions_and_entries_cannot_be_rewritten(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        crawl = store.begin_crawl("src")
        _, sha = add_snapshot(store, crawl, b"abc")
        vid = store.add_version(source_id="src", jurisdiction="eu", primary_language="en", bundle_sha256="b1",
                                crawl_id=crawl, doc=doc("1A001"), files=[FileRef("u", sha, "en", "list")])
        for sql in ("UPDATE versions SET title='x'", "DELETE FROM versions",
                    "UPDATE entries SET text='x'", "DELETE FROM entries", "DELETE FROM snapshots"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.db.execute(sql)
        entry, version = store.entry("eu:1A001")
        assert version.id == vid and entry.text == "Text of 1A001"
        assert entry.notes == [{"kind": "note", "label": "Note 1", "text": "n"}]


def test_failed_version_write_stores_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        crawl = store.begin_crawl("src")
        _, sha = add_snapshot(store, crawl, b"abc")
        # The same code twice violates the entries primary key half-way through the insert.
        with pytest.raises(sqlite3.IntegrityError):
            store.add_version(source_id="src", jurisdiction="eu", primary_language="en", bundle_sha256="b1",
                              crawl_id=crawl, doc=doc("1A001", "1A001"), files=[FileRef("u", sha, "en", "list")])
        assert store.counts()["versions"] == 0
        assert store.counts()["entries"] == 0


def test_current_version_is_latest_by_date_and_secondary_language_ids(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        crawl = store.begin_crawl("src")
        _, sha = add_snapshot(store, crawl, b"abc")
        files = [FileRef("u", sha, "en", "list")]
        new = store.add_version(source_id="src", jurisdiction="ca", primary_language="en", bundle_sha256="b2",
                                crawl_id=crawl, doc=doc("5101", "5102", day="2025-01-01"), files=files)
        store.add_version(source_id="src", jurisdiction="ca", primary_language="en", bundle_sha256="b1",
                          crawl_id=crawl, doc=doc("5101", day="2020-01-01"), files=files)
        current = store.current_version("src")
        assert current is not None and current.id == new
        old = store.current_version("src", as_of=dt.date(2021, 1, 1))
        assert old is not None and old.entry_count == 1
        french = ParsedEntry(code="5101", parent=None, path=("5101",), kind="entry", heading="Billes",
                             text="Billes de bois", language="fr")
        fr_doc = ParsedDocument(version_date=dt.date(2025, 6, 1), title="T", entries=(french,))
        store.add_version(source_id="src", jurisdiction="ca", primary_language="en", bundle_sha256="b3",
                          crawl_id=crawl, doc=fr_doc, files=files)
        entry, _ = store.entry("ca:5101@fr")
        assert entry.text == "Billes de bois"
        with pytest.raises(NotFoundError, match="removed"):
            store.entry("ca:5102")  # in an older version only
        with pytest.raises(NotFoundError, match="no entry"):
            store.entry("ca:9999")
