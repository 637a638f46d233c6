"""The `extract` processor: annotations stored per entry and version, unchanged entries reused,
idempotent, append-only, and shown by `exportwatch show`."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawlers.registry import Source
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.processors import VersionContext
from exportwatch.processors.extract import annotate
from exportwatch.settings import Settings
from indexer.annotations import entry_annotations, referencing, version_annotations
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from nlp.extract import EXTRACTOR_VERSION
from nlp.model import Note, ParsedDocument, ParsedEntry

register_all(cli)
SOURCE = Source.model_validate({"id": "eu-annex-i", "name": "EU", "jurisdiction": "eu", "format": "eurlex-pdf",
                                "documents": [{"url": "https://x.test/a.pdf"}],
                                "expected_entries": {"min": 1, "max": 10}})
# eu:1A002 and eu:1A202 as in the 2022-05-05 consolidation (Note 1 shortened).
NOTE_1 = ("1A002 does not control \"composite\" structures or laminates having all of the following: a. An area "
          "not exceeding 1 m2; b. A length not exceeding {length}; and c. A width exceeding 15 mm.")


def _doc(date: dt.date, length: str) -> ParsedDocument:
    e1 = ParsedEntry(code="1A002", parent=None, path=("1A002",), kind="entry",
                     heading="\"Composite\" structures or laminates, as follows:",
                     text="\"Composite\" structures or laminates, as follows:", language="en",
                     notes=(Note("nb", "N.B.", "SEE ALSO 1A202, 9A010 and 9A110."),
                            Note("note", "Note 1", NOTE_1.format(length=length))))
    e2 = ParsedEntry(code="1A202", parent=None, path=("1A202",), kind="entry", heading="Composite structures",
                     text="Composite structures, other than those specified in 1A002, in the form of tubes and "
                          "having both of the following characteristics:", language="en",
                     notes=(Note("nb", "N.B.", "SEE ALSO 9A010 AND 9A110."),))
    return ParsedDocument(date, "Annex I", (e1, e2))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    with Store(tmp_path / "store.sqlite") as store:
        crawl = store.begin_crawl(SOURCE.id)
        for n, length in enumerate(("2,5 m", "3,0 m")):
            store.add_version(source_id=SOURCE.id, jurisdiction="eu", primary_language="en",
                              bundle_sha256=f"b{n}", crawl_id=crawl, files=[],
                              doc=_doc(dt.date(2022, 1 + n, 7), length))
    return tmp_path


def _annotate(home: Path) -> list[tuple[int, int]]:
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(home)})
    with Store(home / "store.sqlite") as store:
        backend = EmbeddedBackend(home / "search.sqlite")
        out = [annotate(VersionContext(store, backend, settings, SOURCE, v)) for v in store.versions(SOURCE.id)]
        backend.close()
    return out


def test_annotations_per_field_reused_when_unchanged_and_idempotent(home: Path) -> None:
    # Version 1: both extracted; version 2: 1A002's note changed, 1A202 reused from version 1.
    assert _annotate(home) == [(2, 0), (1, 1)]
    assert _annotate(home) == [(0, 0), (0, 0)]  # a second run adds nothing
    with Store(home / "store.sqlite") as store:
        v1, v2 = store.versions(SOURCE.id)
        old = entry_annotations(store, v1.id, "eu:1A002")
        new = entry_annotations(store, v2.id, "eu:1A002")
        assert old is not None and new is not None
        assert old.decimal_comma and old.extractor == EXTRACTOR_VERSION
        assert old.text.terms == ("composite",) and old.text.parameters == ()
        assert [(r.kind, r.target) for r in old.notes[0].references] == [
            ("see-also", "1A202"), ("see-also", "9A010"), ("see-also", "9A110")]
        assert [(p.comparator, p.value, p.si_value) for p in old.notes[1].parameters] == [
            ("<=", 1.0, 1.0), ("<=", 2.5, 2.5), (">", 15.0, 0.015)]
        assert [p.value for p in new.parameters] == [1.0, 3.0, 15.0]
        note = NOTE_1.format(length="3,0 m")
        assert all(note[p.start:p.end] == p.text for p in new.notes[1].parameters)
        assert set(version_annotations(store, v2.id)) == {"eu:1A002", "eu:1A202"}
        assert referencing(store, v2.id, "1A002") == [("eu:1A002", "excluded"), ("eu:1A202", "excluded")]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.db.execute("UPDATE annotations SET terms='[]'")


def test_show_lists_what_was_extracted(home: Path) -> None:
    env = {"EXPORTWATCH_HOME": str(home)}
    result = CliRunner().invoke(cli, ["show", "eu:1A002", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["extractor"] is None  # not annotated yet: said so, not empty lists alone
    _annotate(home)
    data = json.loads(CliRunner().invoke(cli, ["show", "eu:1A002", "--json"], env=env).output)
    assert [(p["field"], p["comparator"], p["value"], p["unit"]) for p in data["parameters"]] == [
        ("notes[1]", "<=", 1.0, "m2"), ("notes[1]", "<=", 3.0, "m"), ("notes[1]", ">", 15.0, "mm")]
    assert [(r["field"], r["kind"], r["target"]) for r in data["references"]] == [
        ("notes[0]", "see-also", "1A202"), ("notes[0]", "see-also", "9A010"), ("notes[0]", "see-also", "9A110"),
        ("notes[1]", "excluded", "1A002")]
    assert data["terms"] == ["composite"]
    assert data["referenced_by"] == [{"entry_id": "eu:1A202", "kind": "excluded"}]
    text = CliRunner().invoke(cli, ["show", "eu:1A002"], env=env, terminal_width=200).output
    assert "length: <= 3 m" in text and "see-also: 1A202, 9A010, 9A110" in text and "[Note 1]" in text
