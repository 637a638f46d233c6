"""The reports through the API (exportwatch/api/routers/reports.py), on the API tests' small store
(tests/api/builder.py: two EU versions, one item reworded and one added; one Canadian version)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from exportwatch.api.app import create_app
from exportwatch.processors import VersionContext, run_processors
from exportwatch.service import Service
from tests.api.builder import build
from tests.reports import readback


@pytest.fixture(scope="module")
def client_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    settings, keys = build(tmp_path_factory.mktemp("reports-api") / "site")
    with Service.open(settings) as svc:  # change detection only: what the changes report reads
        for source in svc.sources:
            for version in svc.store.versions(source.id):
                assert not run_processors(VersionContext(svc.store, svc.backend, settings, source, version),
                                          only={"changes"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c, keys.readonly


def test_changes_report_download(client_key: tuple[TestClient, str]) -> None:
    client, key = client_key
    r = client.get("/api/reports/changes", params={"from": "2000-01-01", "to": "2100-12-31", "format": "csv"},
                   headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == 'attachment; filename="changes-2000-01-01-2100-12-31.zip"'
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        changes = z.read("changes.csv").decode()
    summary = readback.from_csv_zip(r.content)
    eu = next(row for row in summary if row[0] == "eu")
    assert (eu[1], eu[3]) == ("1", "1")  # the builder's EU versions: one item added, one reworded
    assert "above [-31-] {+43.5+} GHz" in changes  # 3A001.b.1's threshold, redlined
    html = client.get("/api/reports/changes", params={"from": "2000-01-01", "to": "2100-12-31"},
                      headers={"X-API-Key": key})
    assert html.headers["content-type"].startswith("text/html") and readback.from_html(html.content) == summary


def test_report_errors(client_key: tuple[TestClient, str]) -> None:
    client, key = client_key
    assert client.get("/api/reports/changes", params={"from": "2000-01-01", "to": "2100-12-31"}).status_code == 401
    bad = client.get("/api/reports/changes", params={"from": "2025-01-01", "to": "2024-01-01"},
                     headers={"X-API-Key": key})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"
    same = client.get("/api/reports/divergence", params=[("between", "eu"), ("between", "eu")],
                      headers={"X-API-Key": key})
    assert same.status_code == 400 and "twice" in same.json()["error"]["message"]
    unknown = client.get("/api/reports/divergence", params=[("between", "eu"), ("between", "zz")],
                         headers={"X-API-Key": key})
    assert unknown.status_code == 404


def test_divergence_report_download(client_key: tuple[TestClient, str], tmp_path: Path) -> None:
    client, key = client_key
    r = client.get("/api/reports/divergence", params=[("between", "eu"), ("between", "ca"), ("format", "xlsx")],
                   headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    summary = {row[0]: int(row[1]) for row in readback.from_xlsx(r.content)}
    assert summary["eu items compared"] > 0 and summary["ca items compared"] > 0


def test_web_form_and_download(client_key: tuple[TestClient, str]) -> None:
    client, key = client_key
    client.cookies.set("ewk", key)
    page = client.get("/reports")
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    for control in ("c-from", "c-to", "c-format", "d-left", "d-right", "d-cat", "d-format"):
        assert f'<label for="{control}"' in page.text
    r = client.get("/reports/changes", params={"from": "2000-01-01", "to": "2100-12-31", "format": "docx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert r.headers["content-disposition"].endswith('.docx"')
    client.cookies.clear()
