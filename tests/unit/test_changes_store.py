"""Change sets in the store, the "changes" processor, validity intervals and as-of lookups."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from crawlers.registry import Source
from exportwatch.errors import NotFoundError
from exportwatch.processors import VersionContext, run_processors
from exportwatch.processors.changes import detect_changes
from exportwatch.settings import Settings
from indexer.changes import chain, change_counts, list_changes
from indexer.embedded import EmbeddedBackend
from indexer.history import entry_as_of, timeline
from indexer.store import Store
from nlp.model import Note, ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser

EN_URL = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
FR_URL = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"


def entry(code: str, text: str, *, parent: str | None = "1A001", notes: tuple[Note, ...] = (),
          status: str = "active") -> ParsedEntry:
    path = ("1A001", code) if parent else (code,)
    return ParsedEntry(code=code, parent=parent, path=path, kind="item" if parent else "entry", heading=text,
                       text=text, language="en", notes=notes, status=status)  # type: ignore[arg-type]


HEAD = entry("1A001", "Components made from fluorinated compounds, as follows:", parent=None)
V2020 = (HEAD, entry("1A001.a", "Seals and gaskets made from more than 50 % by weight of any material;"),
         entry("1A001.b", "Piezoelectric polymers made from vinylidene fluoride, having a thickness of 200 µm;"))
V2021 = (HEAD, entry("1A001.a", "Seals and gaskets made from more than 60 % by weight of any material;"),
         entry("1A001.b", "Piezoelectric polymers made from vinylidene fluoride, having a thickness of 200 µm;"))
V2022 = (HEAD, V2021[1], entry("1A001.b", "Not used", status="not-used"))


def add(store: Store, day: dt.date, entries: tuple[ParsedEntry, ...], source: str = "src") -> int:
    crawl = store.begin_crawl(source)
    return store.add_version(source_id=source, jurisdiction="eu", primary_language="en",
                             bundle_sha256=f"{source}-{day}", crawl_id=crawl, files=[],
                             doc=ParsedDocument(day, "T", entries))


def version(store: Store, vid: int, source: str = "src"):  # type: ignore[no-untyped-def]
    return next(v for v in store.versions(source) if v.id == vid)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite")


def test_change_sets_are_recorded_once_and_never_rewritten(store: Store) -> None:
    a, b = add(store, dt.date(2020, 1, 1), V2020), add(store, dt.date(2021, 1, 1), V2021)
    detect_changes(store, "src", version(store, a))
    detect_changes(store, "src", version(store, b))
    detect_changes(store, "src", version(store, b))  # idempotent: a second run adds nothing
    assert store.db.execute("SELECT count(*) FROM change_sets").fetchone()[0] == 1
    [change] = list_changes(store)
    assert (change.kind, change.entry_id, change.change_set.from_version.id, change.change_set.to_version.id) == (
        "amended", "eu:1A001.a", a, b)
    assert change.detail["old"]["text"].startswith("Seals") and "60 %" in change.detail["new"]["text"]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE changes SET summary='x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM change_sets")


def test_a_version_stored_out_of_order_splits_the_link(store: Store) -> None:
    a, c = add(store, dt.date(2020, 1, 1), V2020), add(store, dt.date(2022, 1, 1), V2022)
    detect_changes(store, "src", version(store, c))
    first = change_counts(store, "src")
    assert [(p.from_date.year, p.to_date.year, p.counts["amended"], p.counts["removed"]) for p in first] == [
        (2020, 2022, 1, 1)]
    b = add(store, dt.date(2021, 1, 1), V2021)  # an older consolidation fetched late
    detect_changes(store, "src", version(store, b))
    counts = change_counts(store, "src")
    assert [(p.from_date.year, p.to_date.year, p.detected, p.counts["amended"], p.counts["removed"])
            for p in counts] == [(2020, 2021, True, 1, 0), (2021, 2022, True, 0, 1)]
    # The old link's set stays in the store (history is never lost) but is no longer read.
    assert store.db.execute("SELECT count(*) FROM change_sets").fetchone()[0] == 3
    assert [cs.to_version.id for _, _, cs in chain(store, "src") if cs] == [b, c]
    assert a


def test_filters(store: Store) -> None:
    for day, entries in ((dt.date(2020, 1, 1), V2020), (dt.date(2021, 1, 1), V2021), (dt.date(2022, 1, 1), V2022)):
        vid = add(store, day, entries)
        detect_changes(store, "src", version(store, vid))
    assert [c.kind for c in list_changes(store)] == ["amended", "removed"]
    assert [c.kind for c in list_changes(store, since=dt.date(2021, 6, 1))] == ["removed"]
    assert [c.kind for c in list_changes(store, kinds=["removed"])] == ["removed"]
    assert list_changes(store, jurisdictions=["us"]) == []
    assert [c.entry_id for c in list_changes(store, entry_ids=["eu:1A001.b"])] == ["eu:1A001.b"]


def test_validity_intervals_and_as_of(store: Store) -> None:
    ids = [add(store, day, entries) for day, entries in
           ((dt.date(2020, 1, 1), V2020), (dt.date(2021, 1, 1), V2021), (dt.date(2021, 6, 1), V2021),
            (dt.date(2022, 1, 1), V2022))]
    for vid in ids:
        detect_changes(store, "src", version(store, vid))
    intervals = timeline(store, "eu:1A001.a", "src")
    assert [(i.valid_from.isoformat(), i.valid_to and i.valid_to.isoformat(), len(i.versions)) for i in intervals] == [
        ("2020-01-01", "2021-01-01", 1), ("2021-01-01", None, 3)]
    assert intervals[1].change is not None and intervals[1].change.kind == "amended"
    b = timeline(store, "eu:1A001.b", "src")
    assert [(i.valid_from.year, i.entry.status if i.entry else None) for i in b] == [
        (2020, "active"), (2022, "not-used")]
    row, ver = entry_as_of(store, "eu:1A001.a", dt.date(2020, 12, 31))
    assert "50 %" in row.text and ver.version_date == dt.date(2020, 1, 1)
    row, ver = entry_as_of(store, "eu:1A001.a", dt.date(2021, 3, 1))
    assert "60 %" in row.text
    with pytest.raises(NotFoundError, match="no version on or before 2019-01-01"):
        entry_as_of(store, "eu:1A001.a", dt.date(2019, 1, 1))


def test_removed_entry_interval_ends(store: Store) -> None:
    for day, entries in ((dt.date(2020, 1, 1), V2020), (dt.date(2021, 1, 1), V2020[:2])):
        detect_changes(store, "src", version(store, add(store, day, entries)))
    intervals = timeline(store, "eu:1A001.b", "src")
    assert [(i.present, i.valid_from.year, i.valid_to and i.valid_to.year) for i in intervals] == [
        (True, 2020, 2021), (False, 2021, None)]
    with pytest.raises(NotFoundError, match="not in force on 2021-02-01"):
        entry_as_of(store, "eu:1A001.b", dt.date(2021, 2, 1))


def test_processor_runs_through_the_pipeline_hook(store: Store, tmp_path: Path) -> None:
    source = Source.model_validate({"id": "src", "name": "S", "jurisdiction": "eu", "format": "eurlex-pdf",
                                    "documents": [{"url": "https://x.test/a.pdf"}],
                                    "expected_entries": {"min": 1, "max": 10}})
    add(store, dt.date(2020, 1, 1), V2020)
    later = version(store, add(store, dt.date(2021, 1, 1), V2021))
    backend = EmbeddedBackend(tmp_path / "search.sqlite")
    ctx = VersionContext(store, backend, Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path)}), source, later)
    run_processors(ctx, only={"changes"})
    run_processors(ctx, only={"changes"}, force=True)
    backend.close()
    assert [c.kind for c in list_changes(store)] == ["amended"]


def _reflow(xml: bytes) -> bytes:
    """The same consolidation re-extracted: text wrapped onto new lines with indentation, straight
    quotes where the first had curly ones, and a new "current to" date (so new bytes)."""
    text = xml.decode("utf-8-sig").replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")

    def wrap(m: re.Match[str]) -> str:
        words = m.group(1).split(" ")
        return "<Text>" + "\n      ".join(" ".join(words[i:i + 6]) for i in range(0, len(words), 6)) + "</Text>"

    text = re.sub(r"<Text>([^<]*)</Text>", wrap, text)
    text = text.replace('lims:current-date="2025-07-24"', 'lims:current-date="2025-09-01"')
    return text.encode("utf-8")


def test_reingesting_identical_or_reflowed_copy_yields_no_change(store: Store, fixtures_dir: Path) -> None:
    en = (fixtures_dir / "justice_laws_xml" / "SOR-89-202_en.xml").read_bytes()
    fr = (fixtures_dir / "justice_laws_xml" / "DORS-89-202_fr.xml").read_bytes()
    parse = get_parser("justice-laws-xml")

    def parsed(en_bytes: bytes) -> ParsedDocument:
        return parse(Bundle("ca-ecl", "ca", (FetchedFile(EN_URL, en_bytes, language="en"),
                                             FetchedFile(FR_URL, fr, language="fr"))))

    first, second = parsed(en), parsed(_reflow(en))
    assert second.version_date == dt.date(2025, 9, 1) and first.entries != ()
    ids = []
    for doc in (first, second):
        crawl = store.begin_crawl("ca-ecl")
        ids.append(store.add_version(source_id="ca-ecl", jurisdiction="ca", primary_language="en",
                                     bundle_sha256=str(doc.version_date), crawl_id=crawl, files=[], doc=doc))
    detect_changes(store, "ca-ecl", version(store, ids[1], "ca-ecl"))
    [pair] = change_counts(store, "ca-ecl")
    assert pair.detected and pair.total == 0
    # And a real edit in the same kind of copy is found.
    third = parsed(_reflow(en).replace(b"Logs of all species", b"Logs of most species")
                   .replace(b'current-date="2025-09-01"', b'current-date="2025-10-01"'))
    crawl = store.begin_crawl("ca-ecl")
    vid = store.add_version(source_id="ca-ecl", jurisdiction="ca", primary_language="en", bundle_sha256="third",
                            crawl_id=crawl, files=[], doc=third)
    detect_changes(store, "ca-ecl", version(store, vid, "ca-ecl"))
    [amended] = list_changes(store, sources=["ca-ecl"])
    assert (amended.kind, amended.entry_id) == ("amended", "ca:5101")


def test_a_list_replayed_from_an_older_form_is_superseded_by_the_newer_source(store: Store) -> None:
    """The CCL paragraph history (to 2025) under the eCFR CCL (from 2026): an id only the history
    holds is not in force once the eCFR version exists; before it, the history answers."""
    junk = entry("1A001.if", "a paragraph only the derived history has")
    add(store, dt.date(2020, 1, 1), (*V2020, junk), source="history")
    add(store, dt.date(2021, 1, 1), V2021, source="ecfr")
    row, ver = entry_as_of(store, "eu:1A001.a", dt.date(2021, 6, 1))
    assert ver.source_id == "ecfr" and "60 %" in row.text
    assert entry_as_of(store, "eu:1A001.if", dt.date(2020, 6, 1))[1].source_id == "history"
    with pytest.raises(NotFoundError, match="superseded"):
        entry_as_of(store, "eu:1A001.if", dt.date(2021, 6, 1))
    assert entry_as_of(store, "eu:1A001.if", dt.date(2021, 6, 1), "history")[1].source_id == "history"
