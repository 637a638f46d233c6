"""The replay mirror serves the version asked for, at production paths, and nothing else."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crawlers.mirror import MirrorCatalog, MirrorServer, load_catalog
from crawlers.registry import Source
from exportwatch.errors import ConfigError

ECFR = "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774"
SOURCES = [
    Source.model_validate({"id": "us-ecfr-ccl", "name": "CCL", "jurisdiction": "us", "format": "ecfr-xml",
                           "documents": [{"url": ECFR, "kind": "ecfr-part"}],
                           "expected_entries": {"min": 1, "max": 10}}),
    Source.model_validate({"id": "wa-dual-use", "name": "WA", "jurisdiction": "wa", "format": "wassenaar",
                           "documents": [{"url": "https://www.wassenaar.org/control-lists/", "kind": "index",
                                          "link_pattern": r"/app/uploads/\d{4}/[^/]+\.doc$"}],
                           "expected_entries": {"min": 1, "max": 10}}),
]


@pytest.fixture
def catalog(tmp_path: Path) -> MirrorCatalog:
    for name in ("a.xml", "b.xml", "wa15/Cat 1.doc", "wa15/ML.doc", "wa21/Cat 1.doc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    config = {"sources": {
        "us-ecfr-ccl": {"versions": [{"date": "2026-06-25", "files": {ECFR: "a.xml"}},
                                     {"date": "2026-09-01", "files": {ECFR: "b.xml"}}]},
        "wa-dual-use": {"versions": [
            {"date": "2015-12-03", "glob": {"pattern": "wa15/*.doc", "url": "https://www.wassenaar.org/app/uploads/2015/{name}"}},
            {"date": "2021-12-22", "glob": {"pattern": "wa21/*.doc", "url": "https://www.wassenaar.org/app/uploads/2021/{name}"}},
        ]},
    }}
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(config))
    return load_catalog(tmp_path / "mirror.yml", tmp_path, SOURCES)


@pytest.fixture
def server(catalog: MirrorCatalog) -> Iterator[MirrorServer]:
    srv = MirrorServer(catalog)
    srv.start_background()
    yield srv
    srv.shutdown()
    srv.server_close()


def get(server: MirrorServer, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def test_dated_urls_get_the_newest_version_on_or_before_the_date(server: MirrorServer) -> None:
    assert get(server, "/api/versioner/v1/full/2026-07-01/title-15.xml?part=774") == (200, b"a.xml")
    assert get(server, "/api/versioner/v1/full/2026-09-01/title-15.xml?part=774") == (200, b"b.xml")
    assert get(server, "/api/versioner/v1/full/2020-01-01/title-15.xml?part=774")[0] == 404
    titles = json.loads(get(server, "/api/versioner/v1/titles.json")[1])
    assert titles["titles"][0]["latest_issue_date"] == "2026-09-01"


def test_pinning_changes_what_is_served(server: MirrorServer, catalog: MirrorCatalog) -> None:
    catalog.pin("us-ecfr-ccl", dt.date(2026, 6, 25))
    assert get(server, "/api/versioner/v1/full/2026-09-01/title-15.xml?part=774") == (200, b"a.xml")
    titles = json.loads(get(server, "/api/versioner/v1/titles.json")[1])
    assert titles["titles"][0]["latest_issue_date"] == "2026-06-25"
    req = urllib.request.Request(server.url + "/_mirror/select?source=us-ecfr-ccl&version=latest", method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200
    assert get(server, "/api/versioner/v1/full/2026-09-01/title-15.xml?part=774") == (200, b"b.xml")


def test_index_page_lists_the_served_edition_only(server: MirrorServer, catalog: MirrorCatalog) -> None:
    page = get(server, "/control-lists/")[1].decode()
    assert "/app/uploads/2021/Cat%201.doc" in page and "2015" not in page
    catalog.pin("wa-dual-use", dt.date(2016, 1, 1))
    page = get(server, "/control-lists/")[1].decode()
    assert "/app/uploads/2015/Cat%201.doc" in page and "/app/uploads/2015/ML.doc" in page
    assert get(server, "/app/uploads/2015/ML.doc") == (200, b"wa15/ML.doc")
    assert get(server, "/app/uploads/2021/Cat%201.doc")[0] == 404  # not published yet at that date


def test_missing_corpus_files_are_listed(tmp_path: Path) -> None:
    (tmp_path / "mirror.yml").write_text(yaml.safe_dump(
        {"sources": {"us-ecfr-ccl": {"versions": [{"date": "2026-06-25", "files": {ECFR: "nope.xml"}}]}}}))
    with pytest.raises(ConfigError, match=r"nope\.xml"):
        load_catalog(tmp_path / "mirror.yml", tmp_path, SOURCES)


def test_unknown_source_pin_is_an_error(catalog: MirrorCatalog) -> None:
    with pytest.raises(ConfigError, match="no source 'xx'"):
        catalog.pin("xx", None)
