"""The Federal Register API the mirror generates from the real corpus files (FORMATS.md section 10),
and a crawl of us-fr-bis through it into a store.

Expected numbers, from the files themselves (FORMATS.md, checked here independently of the
generator): the metadata file lists 284 rules; the 160 posts carry 156 distinct document numbers
(2026-00789 and 2026-01059 posted three times each: 160 - 2 x 2 = 156); 28 numbers are in both.
The generated API therefore holds 284 + 156 - 28 = 412 distinct documents. All 284 metadata
documents are of type Rule; the 128 known only from a post have no recorded type, so the
source's RULE query returns 284. Two posts say "No summary provided." (2022-03415, 2025-18127):
154 of the 156 post documents have an abstract.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawlers.mirror import MirrorServer, load_catalog
from crawlers.mirror_federal_register import FederalRegisterApi
from crawlers.registry import load_sources
from exportwatch.ingest import run_crawl
from exportwatch.settings import Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from indexer.updates import get_update, list_updates
from tests.conftest import REPO

pytestmark = pytest.mark.corpus

METADATA = "raw/us-ccl-history-2017-2025-ccl-trade/federal-register-documents.json"
POSTS = "raw/federal-register-bis-abstracts-deepseek-news/_posts"
RULES = ("/api/v1/documents.json?conditions%5Bagencies%5D%5B%5D=industry-and-security-bureau"
         "&conditions%5Btype%5D%5B%5D=RULE&per_page=1000")


@pytest.fixture(scope="module")
def api(corpus_dir: Path) -> FederalRegisterApi:
    catalog = load_catalog(REPO / "config" / "mirror.yml", corpus_dir, load_sources(REPO / "config" / "sources.yml"))
    generated = catalog.generated["us-fr-bis"]
    assert isinstance(generated, FederalRegisterApi)
    return generated


def page(api: FederalRegisterApi, key: str, through: dt.date | None = None) -> dict[str, Any]:
    answer = api.resolve(key, through)
    assert answer is not None
    data: dict[str, Any] = json.loads(answer[0])
    return data


def test_document_counts_match_the_files(api: FederalRegisterApi, corpus_dir: Path) -> None:
    # Independent count straight from the files.
    metadata = {d["documentNumber"] for d in json.loads((corpus_dir / METADATA).read_text("utf-8"))["documents"]}
    post_numbers = Counter(
        re.search(r"^item_id: federal_register:(\S+)$", p.read_text("utf-8"), re.M).group(1)  # type: ignore[union-attr]
        for p in (corpus_dir / POSTS).glob("*.md"))
    assert len(metadata) == 284
    assert sum(post_numbers.values()) == 160 and len(post_numbers) == 156
    assert {n for n, c in post_numbers.items() if c > 1} == {"2026-00789", "2026-01059"}
    assert len(metadata & set(post_numbers)) == 28

    merged = api.merged
    assert merged.from_metadata == metadata and merged.from_posts == set(post_numbers)
    assert len(merged.documents) == 284 + 156 - 28 == 412
    everything = page(api, "/api/v1/documents.json?per_page=1000")
    assert everything["count"] == 412 and len({d["document_number"] for d in everything["results"]}) == 412


def test_post_documents_carry_their_official_abstract(api: FederalRegisterApi) -> None:
    by_number = {d["document_number"]: d for d in api.merged.documents}
    posts = [by_number[n] for n in api.merged.from_posts]
    without = sorted(d["document_number"] for d in posts if not d["abstract"])
    assert without == ["2022-03415", "2025-18127"]  # "No summary provided." in the post
    assert not any(by_number[n]["abstract"] for n in api.merged.from_metadata - api.merged.from_posts)
    # A rule in both files: dates and citation from the metadata, abstract from the post.
    acs = by_number["2023-23055"]
    assert (acs["publication_date"], acs["effective_on"], acs["citation"]) == (
        "2023-10-25", "2023-11-17", "88 FR 73458")
    assert acs["abstract"].startswith("On October 7, 2022, the Bureau of Industry and Security (BIS) released the"
                                      " interim final rule (IFR)")
    assert acs["abstract"].endswith("the national security interests of the United States and its allies.")
    # FR plain-text conventions are kept as published ("--" for an em dash).
    assert "in its entirety--with the only exception" in by_number["2025-18992"]["abstract"]


def test_the_rule_query_and_dated_replays(api: FederalRegisterApi) -> None:
    rules = page(api, RULES)
    assert rules["count"] == 284 and {d["type"] for d in rules["results"]} == {"Rule"}
    assert sum(1 for d in rules["results"] if d["abstract"]) == 28
    dates = [d["publication_date"] for d in rules["results"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2025-09-30" and dates[-1] == "1996-01-25"
    # The two replay dates of config/mirror.yml.
    assert page(api, RULES, dt.date(2024, 12, 31))["count"] == 279
    assert page(api, RULES, dt.date(2025, 9, 30))["count"] == 284


def test_crawling_us_fr_bis_through_the_mirror_stores_every_rule(corpus_dir: Path, tmp_path: Path) -> None:
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path / "home"),
                                  "EXPORTWATCH_SOURCES": str(REPO / "config" / "sources.yml")})
    sources = load_sources(settings.sources_file)
    (source,) = [s for s in sources if s.id == "us-fr-bis"]
    catalog = load_catalog(REPO / "config" / "mirror.yml", corpus_dir, sources)
    server = MirrorServer(catalog)
    server.start_background()
    store, backend = Store(settings.store_path), EmbeddedBackend(settings.search_path)
    try:
        outcomes = []
        for date in catalog.dates("us-fr-bis"):
            catalog.pin("us-fr-bis", date)
            outcomes.append(run_crawl(source, store, backend, settings, mirror=server.url))
        again = run_crawl(source, store, backend, settings, mirror=server.url)
    finally:
        server.shutdown()
        server.server_close()
    assert [(o.status, str(o.version_date), o.entries, o.warnings) for o in outcomes] == [
        ("new-version", "2024-12-27", 279, []), ("new-version", "2025-09-30", 284, [])]
    assert again.status == "unchanged" and again.new_snapshots == 0
    updates = list_updates(store)
    assert len(updates) == 284 and sum(1 for u in updates if u.abstract) == 28
    # 279 records from the first version, 5 new ones from the second; none rewritten.
    assert store.db.execute("SELECT count(*) FROM updates").fetchone()[0] == 284
    firearms = get_update(store, "2025-18992")
    assert (firearms.effective_on, firearms.citation, firearms.supplements) == (dt.date(2025, 9, 30), "90 FR 47170",
                                                                               ["1"])
    store.close()
    backend.close()
