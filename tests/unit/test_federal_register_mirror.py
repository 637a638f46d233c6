"""The replay mirror's Federal Register API, generated from the corpus shapes (camelCase metadata
JSON + Jekyll posts) in tests/fixtures/federal_register/corpus/ and served at the API's paths."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from crawlers.mirror import MirrorCatalog, MirrorServer, load_catalog
from crawlers.mirror_federal_register import FIELDS, FederalRegisterApi, load_corpus
from exportwatch.errors import ConfigError

RULES = "/api/v1/documents.json?conditions[agencies][]=industry-and-security-bureau&conditions[type][]=RULE"
GENERATOR = {"kind": "federal-register-api", "metadata": "federal-register-documents.json", "posts": "_posts/*.md"}


@pytest.fixture
def corpus(fixtures_dir: Path) -> Path:
    return fixtures_dir / "federal_register" / "corpus"


@pytest.fixture
def api(corpus: Path) -> FederalRegisterApi:
    return FederalRegisterApi(load_corpus(corpus / "federal-register-documents.json",
                                          sorted((corpus / "_posts").glob("*.md"))))


def get(api: FederalRegisterApi, key: str, through: dt.date | None = None) -> dict[str, Any]:
    answer = api.resolve(key, through)
    assert answer is not None, key
    body, media_type = answer
    assert media_type.startswith("application/json")
    data: dict[str, Any] = json.loads(body)
    return data


def test_metadata_and_posts_merge_by_number(api: FederalRegisterApi) -> None:
    merged = api.merged
    # 3 metadata documents + 4 post files holding 3 distinct numbers, 1 of them in both: 5 documents.
    assert merged.post_files == 4 and len(merged.from_posts) == 3
    assert merged.from_metadata & merged.from_posts == {"2020-27754"}
    assert [d["document_number"] for d in merged.documents] == [
        "2026-01059", "2025-18127", "2021-05481", "2020-27754", "2020-07240"]  # newest first
    for doc in merged.documents:
        assert tuple(doc) == FIELDS  # the API's names, never the corpus' camelCase


def test_a_document_in_both_files_gets_the_metadata_and_the_posts_abstract(api: FederalRegisterApi) -> None:
    doc = get(api, "/api/v1/documents/2020-27754.json")
    assert doc["type"] == "Rule" and doc["action"] == "Final rule." and doc["citation"] == "86 FR 944"
    assert doc["publication_date"] == "2021-01-07" and doc["effective_on"] == "2021-01-07"
    assert doc["docket_ids"] == ["Docket No. 201208-0330"] and doc["cfr_references"] == []
    assert doc["agency_names"] == ["Commerce Department", "Industry and Security Bureau"]
    assert doc["ccl_supplements"] == ["1"]
    assert doc["abstract"].startswith("The Bureau of Industry and Security (BIS) publishes this final rule")
    assert doc["json_url"] == "https://www.federalregister.gov/api/v1/documents/2020-27754.json"


def test_a_document_known_only_from_a_post_says_what_it_does_not_know(api: FederalRegisterApi) -> None:
    drone = get(api, "/api/v1/documents/2026-01059.json")
    assert drone["title"] == "Streamlining Export Controls for Drone Exports"
    assert drone["publication_date"] == "2026-01-21"  # original_published, not the post's own date
    assert drone["abstract"].startswith("The Bureau of Industry and Security (BIS) is easing export controls")
    assert drone["html_url"].endswith("/2026/01/21/2026-01059/streamlining-export-controls-for-drone-exports")
    assert (drone["type"], drone["action"], drone["effective_on"], drone["citation"]) == (None, None, None, None)
    # The generated wrapper (author, significance, "Context") never leaks into the record.
    assert "DeepSeek" not in json.dumps(drone) and "8.00" not in json.dumps(drone)
    # "No summary provided." is the post generator's placeholder, not an abstract.
    assert get(api, "/api/v1/documents/2025-18127.json")["abstract"] is None


def test_rule_pages_follow_next_page_url(api: FederalRegisterApi) -> None:
    first = get(api, RULES + "&per_page=2&order=newest")
    # The two post-only documents have no recorded type: a RULE query does not return them.
    assert first["count"] == 3 and first["total_pages"] == 2
    assert [d["document_number"] for d in first["results"]] == ["2021-05481", "2020-27754"]
    assert set(first["results"][0]) == {"document_number", "title", "type", "abstract", "html_url",
                                        "publication_date", "ccl_supplements"}  # API defaults + ours
    nxt = urlsplit(first["next_page_url"])
    assert (nxt.scheme, nxt.netloc, nxt.path) == ("https", "www.federalregister.gov", "/api/v1/documents.json")
    assert parse_qs(nxt.query)["page"] == ["2"]
    second = get(api, nxt.path + "?" + nxt.query)
    assert [d["document_number"] for d in second["results"]] == ["2020-07240"]
    assert "next_page_url" not in second and "previous_page_url" in second
    oldest = get(api, RULES + "&per_page=1&order=oldest&fields[]=document_number&fields[]=effective_on")
    assert oldest["results"] == [{"document_number": "2020-07240", "effective_on": "2020-06-29",
                                  "ccl_supplements": ["1"]}]


def test_a_dated_replay_serves_only_what_was_published_by_then(api: FederalRegisterApi) -> None:
    page = get(api, "/api/v1/documents.json?per_page=20", through=dt.date(2021, 1, 6))
    assert [d["document_number"] for d in page["results"]] == ["2020-07240"]
    assert api.resolve("/api/v1/documents/2020-27754.json", dt.date(2021, 1, 6)) is None
    assert get(api, "/api/v1/documents.json?per_page=20")["count"] == 5


def test_queries_the_mirror_cannot_answer_are_not_guessed(api: FederalRegisterApi) -> None:
    other_agency = get(api, "/api/v1/documents.json?conditions[agencies][]=state-department")
    assert other_agency["count"] == 0 and other_agency["results"] == []
    assert api.resolve("/api/v1/documents.json?conditions[term]=drones", None) is None
    assert api.resolve("/api/v1/documents.json?conditions[type][]=MEMO", None) is None
    assert api.resolve("/api/v1/documents.json?order=sideways", None) is None
    assert api.resolve("/api/v1/documents/2099-99999.json", None) is None


def test_posts_of_one_number_that_disagree_are_refused(corpus: Path, tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    shutil.copytree(corpus / "_posts", posts)
    copy = posts / "2026-01-21-21-09-12-streamlining-export-controls-for-drone-exports-d4e5f6.md"
    copy.write_text(copy.read_text(encoding="utf-8").replace("is easing", "is tightening"), encoding="utf-8")
    with pytest.raises(ConfigError, match="document 2026-01059 differs from its other post"):
        load_corpus(corpus / "federal-register-documents.json", sorted(posts.glob("*.md")))
    (tmp_path / "bad.json").write_text('{"documents": [{"title": "no number"}]}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json: document #0 is malformed"):
        load_corpus(tmp_path / "bad.json", sorted((corpus / "_posts").glob("*.md")))


# --- through the mirror server, configured in mirror.yml -------------------------------------------
@pytest.fixture
def served(corpus: Path, tmp_path: Path) -> Iterator[tuple[MirrorServer, MirrorCatalog]]:
    config = {"sources": {"us-fr-bis": {"generator": GENERATOR,
                                        "versions": [{"date": "2021-01-06"}, {"date": "2026-02-04"}]}}}
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    catalog = load_catalog(tmp_path / "mirror.yml", corpus, [])
    server = MirrorServer(catalog)
    server.start_background()
    yield server, catalog
    server.shutdown()
    server.server_close()


def fetch(server: MirrorServer, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, None


def test_the_mirror_serves_the_api_at_production_paths_for_the_pinned_date(
        served: tuple[MirrorServer, MirrorCatalog]) -> None:
    server, catalog = served
    assert catalog.dates("us-fr-bis") == [dt.date(2021, 1, 6), dt.date(2026, 2, 4)]
    # Percent-encoded brackets, as Scrapy sends them.
    encoded = RULES.replace("[", "%5B").replace("]", "%5D") + "&per_page=100&order=newest"
    status, page = fetch(server, encoded)
    assert status == 200 and page["count"] == 3  # unpinned: the newest version's date
    catalog.pin("us-fr-bis", dt.date(2021, 1, 6))
    assert fetch(server, encoded)[1]["count"] == 1
    catalog.pin("us-fr-bis", dt.date(2019, 1, 1))  # before every document: an empty list, not a 404
    assert fetch(server, encoded)[1] == {"count": 0, "description": page["description"], "total_pages": 0,
                                         "results": []}
    assert fetch(server, "/api/v1/documents/2020-07240.json")[0] == 404


def test_missing_corpus_files_and_unknown_generators_are_config_errors(corpus: Path, tmp_path: Path) -> None:
    config = {"sources": {"us-fr-bis": {"generator": {**GENERATOR, "posts": "nowhere/*.md"}, "versions": []}}}
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"nowhere/\*\.md"):
        load_catalog(tmp_path / "mirror.yml", corpus, [])
    config["sources"]["us-fr-bis"]["generator"] = {"kind": "telex"}
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown generator kind 'telex'"):
        load_catalog(tmp_path / "mirror.yml", corpus, [])
