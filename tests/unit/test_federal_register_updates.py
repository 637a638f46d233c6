"""Update records in the store (append-only, idempotent), the `updates` processor, and the links
from a rule to the CCL version it took effect in, on a small store built here."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crawlers.registry import Source
from exportwatch.errors import NotFoundError
from exportwatch.processors import VersionContext
from exportwatch.processors.updates import PROCESSOR
from indexer.store import FileRef, Store, VersionRow
from indexer.updates import ChangeCounter, add_updates, ccl_links, get_update, history, list_updates
from nlp.changes.model import Change
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.federal_register import read_pages

API = "https://www.federalregister.gov/api/v1/documents.json?conditions[type][]=RULE&per_page=2&order=newest"
FR_SOURCE = Source.model_validate({
    "id": "us-fr-bis", "name": "FR", "jurisdiction": "us", "format": "federal-register-json",
    "documents": [{"url": API, "kind": "api-pages"}], "expected_entries": {"min": 1, "max": 100}})
CCL_SOURCE = Source.model_validate({
    "id": "us-ecfr-ccl", "name": "CCL", "jurisdiction": "us", "format": "ecfr-xml",
    "documents": [{"url": "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774",
                   "kind": "ecfr-part"}], "expected_entries": {"min": 1, "max": 100}})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite")


@pytest.fixture
def pages(fixtures_dir: Path) -> list[dict[str, Any]]:
    fx = fixtures_dir / "federal_register"
    return [json.loads((fx / n).read_text(encoding="utf-8")) for n in ("page1.json", "page2.json")]


def store_fr_version(store: Store, pages: list[dict[str, Any]]) -> VersionRow:
    """A us-fr-bis version as a crawl stores it: the pages as snapshots and version files."""
    crawl = store.begin_crawl("us-fr-bis")
    files, fetched = [], []
    for i, page in enumerate(pages):
        body = json.dumps(page).encode()
        sha = hashlib.sha256(body).hexdigest()
        url = f"{API}&page={i + 1}"
        store.add_fetch(crawl, url=url, status=200, fetched_at="2026-01-01T00:00:00+00:00", headers={},
                        content=body, sha256=sha, language="en", role="list")
        files.append(FileRef(url, sha, "en", "list"))
        fetched.append(FetchedFile(url, body))
    doc = get_parser("federal-register-json")(Bundle("us-fr-bis", "us", tuple(fetched)))
    digest = hashlib.sha256("".join(f.sha256 for f in files).encode()).hexdigest()
    store.add_version(source_id="us-fr-bis", jurisdiction="us", primary_language="en", bundle_sha256=digest,
                      crawl_id=crawl, doc=doc, files=files)
    version = store.find_version("us-fr-bis", digest)
    assert version is not None
    return version


def store_ccl_version(store: Store, source_id: str, date: str) -> VersionRow:
    crawl = store.begin_crawl(source_id)
    entry = ParsedEntry("1C991", None, ("1C991",), "entry", "Vaccines", f"text as of {date}", "en")
    doc = ParsedDocument(dt.date.fromisoformat(date), "CCL", (entry,))
    store.add_version(source_id=source_id, jurisdiction="us", primary_language="en", bundle_sha256=date,
                      crawl_id=crawl, doc=doc, files=[])
    version = store.find_version(source_id, date)
    assert version is not None
    return version


def run_processor(store: Store, version: VersionRow, source: Source = FR_SOURCE) -> list[str]:
    # The processor reads only the store, the source and the version.
    return PROCESSOR.run(VersionContext(store, None, None, source, version))  # type: ignore[arg-type]


def test_the_processor_stores_every_document_once(store: Store, pages: list[dict[str, Any]]) -> None:
    version = store_fr_version(store, pages)
    assert run_processor(store, version) == []
    assert [u.document_number for u in list_updates(store)] == ["2020-27754", "2020-28776", "2020-07240"]
    civ = get_update(store, "2020-07240")
    assert civ.effective_on == dt.date(2020, 6, 29) and civ.citation == "85 FR 23470"
    assert civ.cfr_parts == [{"title": 15, "part": 740}, {"title": 15, "part": 774}]
    assert civ.supplements == ["1"] and civ.version_id == version.id
    assert civ.abstract is not None and civ.abstract.startswith("In this final rule, the Bureau of Industry")
    # Idempotent: run again (a crawl catching up, `reprocess --force`), nothing is added.
    assert run_processor(store, version) == []
    assert store.db.execute("SELECT count(*) FROM updates").fetchone()[0] == 3
    # Other formats are none of its business.
    assert run_processor(store, store_ccl_version(store, "us-ecfr-ccl", "2021-01-07"), CCL_SOURCE) == []
    assert store.db.execute("SELECT count(*) FROM updates").fetchone()[0] == 3


def test_a_corrected_record_is_a_new_row_and_history_is_kept(store: Store, pages: list[dict[str, Any]]) -> None:
    first = store_fr_version(store, pages)
    run_processor(store, first)
    corrected = copy.deepcopy(pages)
    corrected[0]["results"][1]["abstract"] = "Abstract published with the correction."
    corrected[0]["results"][1]["effective_on"] = "2021-01-08"
    corrected[1]["results"][0]["publication_date"] = "2021-01-09"  # moves the version date on
    second = store_fr_version(store, corrected)
    run_processor(store, second)
    assert store.db.execute("SELECT count(*) FROM updates").fetchone()[0] == 5  # 3 + 2 changed records
    now = get_update(store, "2020-28776")
    assert now.abstract == "Abstract published with the correction." and now.effective_on == dt.date(2021, 1, 8)
    assert [h.version_id for h in history(store, "2020-28776")] == [first.id, second.id]
    assert [h.abstract for h in history(store, "2020-28776")] == [None, "Abstract published with the correction."]
    assert get_update(store, "2020-27754").version_id == first.id  # unchanged: still its first row
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE updates SET title='x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM updates")


def test_filters_and_unknown_numbers(store: Store, pages: list[dict[str, Any]]) -> None:
    run_processor(store, store_fr_version(store, pages))
    assert [u.document_number for u in list_updates(store, since=dt.date(2021, 1, 7))] == ["2020-27754"]
    assert [u.document_number for u in list_updates(store, part=740)] == ["2020-07240"]
    # Part 774: a CFR reference, or a supplement to Part 774 (the corpus lists those instead).
    assert len(list_updates(store, part=774)) == 3
    assert list_updates(store, part=772) == []
    with pytest.raises(NotFoundError, match="no update record 2020-9; similar: 2020-28776, 2020-27754"):
        get_update(store, "2020-9")


def links_of(store: Store, number: str) -> dict[str, Any]:
    return {link.source_id: link for link in ccl_links(store, get_update(store, number))}


def test_a_rule_links_to_the_first_ccl_version_on_or_after_its_effective_date(
        store: Store, pages: list[dict[str, Any]]) -> None:
    run_processor(store, store_fr_version(store, pages))
    assert ccl_links(store, get_update(store, "2020-07240")) == []  # no CCL stored yet
    v2020 = store_ccl_version(store, "us-ecfr-ccl", "2020-03-01")
    v2020b = store_ccl_version(store, "us-ecfr-ccl", "2020-07-01")
    v2021 = store_ccl_version(store, "us-ecfr-ccl", "2021-01-07")

    civ = links_of(store, "2020-07240")["us-ecfr-ccl"]  # effective 2020-06-29
    assert (civ.status, civ.basis, civ.on) == ("linked", "effective_on", dt.date(2020, 6, 29))
    assert (civ.version_id, civ.previous_version_id) == (v2020b.id, v2020.id)
    assert civ.changes is None  # change detection has not compared that pair: unknown, not zero

    same_day = links_of(store, "2020-27754")["us-ecfr-ccl"]  # effective 2021-01-07: on the date counts
    assert (same_day.version_date, same_day.previous_version_date) == (dt.date(2021, 1, 7), dt.date(2020, 7, 1))
    assert links_of(store, "2020-28776")["us-ecfr-ccl"].version_id == v2021.id  # effective 2021-01-06

    # The paragraph history is linked the same way when it is stored as its own source.
    store_ccl_version(store, "us-ccl-history", "2019-12-31")
    history_link = links_of(store, "2020-07240")["us-ccl-history"]
    assert history_link.status == "pending" and history_link.version_id is None
    first = store_ccl_version(store, "us-ccl-history", "2020-12-01")
    assert links_of(store, "2020-07240")["us-ccl-history"].version_id == first.id


def test_baseline_and_fallback_to_the_publication_date(store: Store, pages: list[dict[str, Any]]) -> None:
    pages[1]["results"][0]["effective_on"] = None
    run_processor(store, store_fr_version(store, pages))
    only = store_ccl_version(store, "us-ecfr-ccl", "2026-06-25")
    link = links_of(store, "2020-27754")["us-ecfr-ccl"]
    # The first stored version holds the rule, but there is nothing before it to compare with.
    assert (link.status, link.version_id, link.previous_version_id, link.changes) == ("baseline", only.id, None, None)
    unknown = links_of(store, "2020-07240")["us-ecfr-ccl"]
    assert (unknown.basis, unknown.on) == ("publication_date", dt.date(2020, 4, 28))


def test_a_proposed_rule_is_not_linked(store: Store, pages: list[dict[str, Any]]) -> None:
    pages[0]["results"][0]["type"] = "Proposed Rule"
    run_processor(store, store_fr_version(store, pages))
    store_ccl_version(store, "us-ecfr-ccl", "2021-01-07")
    assert links_of(store, "2020-27754")["us-ecfr-ccl"].status == "not-a-rule"


def test_the_changes_of_the_linked_version_are_counted_at_read_time(
        store: Store, pages: list[dict[str, Any]]) -> None:
    from indexer.changes import record_change_set

    run_processor(store, store_fr_version(store, pages))
    before = store_ccl_version(store, "us-ecfr-ccl", "2020-03-01")
    after = store_ccl_version(store, "us-ecfr-ccl", "2020-07-01")
    assert links_of(store, "2020-07240")["us-ecfr-ccl"].changes is None
    changes = [Change(kind="amended", entry_id="us:1C991", summary="1C991 amended", old=None, new=None),
               Change(kind="added", entry_id="us:1C991.e", summary="1C991.e added", old=None, new=None)]
    record_change_set(store, source_id="us-ecfr-ccl", from_version=before, to_version=after, engine="test-1",
                      changes=changes, warnings=[])
    # Computed after the rule was stored, found without rewriting anything.
    assert links_of(store, "2020-07240")["us-ecfr-ccl"].changes == 2
    sample = ChangeCounter(store).sample(before.id, after.id)
    assert [(c.entry_id, c.kind) for c in sample] == [("us:1C991", "amended"), ("us:1C991.e", "added")]


def test_without_change_detection_tables_changes_are_unknown(store: Store, pages: list[dict[str, Any]]) -> None:
    # A store without change detection's tables (the feature removed or not installed).
    run_processor(store, store_fr_version(store, pages))
    store_ccl_version(store, "us-ecfr-ccl", "2020-03-01")
    store_ccl_version(store, "us-ecfr-ccl", "2020-07-01")
    store.db.executescript("PRAGMA foreign_keys=OFF; DROP TABLE changes; DROP TABLE change_sets;")
    assert not ChangeCounter(store).available
    assert links_of(store, "2020-07240")["us-ecfr-ccl"].changes is None


def test_records_read_back_equal_the_parsed_records(store: Store, pages: list[dict[str, Any]]) -> None:
    version = store_fr_version(store, pages)
    records = read_pages([(f"{API}&page={i + 1}", json.dumps(p).encode()) for i, p in enumerate(pages)]).records
    assert add_updates(store, version.id, records) == 3
    assert add_updates(store, version.id, records) == 0
    stored = get_update(store, "2020-28776")
    original = records[1]
    assert (stored.title, stored.abstract, stored.type, stored.action, stored.publication_date,
            stored.effective_on, stored.citation, stored.docket_ids, stored.agencies, stored.html_url) == (
        original.title, original.abstract, original.type, original.action, original.publication_date,
        original.effective_on, original.citation, list(original.docket_ids), list(original.agencies),
        original.html_url)
