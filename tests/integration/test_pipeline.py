"""The spine end to end on small fixtures: mirror -> Scrapy child process -> snapshots -> parse
-> version -> search. Real documents are exercised by the corpus tests and `make demo`."""

from __future__ import annotations

import pytest

from indexer.base import SearchQuery
from tests.integration.conftest import Env


def test_new_then_unchanged_then_next_version(env: Env) -> None:
    store = env.store
    first = env.crawl("2025-07-24")
    assert first.status == "new-version", first.message
    assert first.new_snapshots == 2 and first.entries > 10
    assert str(first.version_date) == "2025-07-24"

    again = env.crawl("2025-07-24")
    assert again.status == "unchanged" and again.new_snapshots == 0
    assert store.counts()["versions"] == 1 and store.counts()["snapshots"] == 2

    second = env.crawl("2025-09-01")
    assert second.status == "new-version" and second.new_snapshots == 1  # the French file is unchanged
    entry, version = store.entry("ca:5101")
    assert "timber" in entry.text and str(version.version_date) == "2025-09-01"
    french, _ = store.entry("ca:5101@fr")
    assert french.language == "fr"

    hits = env.backend.search(SearchQuery("timber logs")).hits
    assert hits[0].entry_id == "ca:5101"
    assert env.backend.search(SearchQuery("wood", jurisdictions=["ca"], languages=["en"])).total == 0


@pytest.mark.parametrize(("version", "message"), [
    ("2025-10-01", "malformed XML"),
    ("2025-11-01", "declares entities"),
])
def test_bad_document_fails_the_crawl_and_keeps_the_current_version(
        env: Env, version: str, message: str) -> None:
    store = env.store
    assert env.crawl("2025-07-24").status == "new-version"
    before = store.counts()
    bad = env.crawl(version)
    assert bad.status == "failed" and message in bad.message
    after = store.counts()
    assert after["versions"] == before["versions"] and after["entries"] == before["entries"]
    assert after["snapshots"] == before["snapshots"] + 1  # the raw bytes are kept for a later re-parse
    last = store.last_crawl("ca-ecl")
    assert last is not None and last.status == "failed" and message in (last.message or "")
    current = store.current_version("ca-ecl")
    assert current is not None and str(current.version_date) == "2025-07-24"


def test_too_few_entries_fails_the_crawl(env: Env) -> None:
    source = env.source
    bounds = source.expected_entries.model_copy(update={"min": 5000, "max": 9000})
    strict = source.model_copy(update={"expected_entries": bounds})
    outcome = env.crawl("2025-07-24", strict)
    assert outcome.status == "failed"
    assert "fewer than the expected minimum 5000" in outcome.message
    assert env.store.current_version("ca-ecl") is None
