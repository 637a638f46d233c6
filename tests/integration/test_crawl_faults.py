"""The crawler against a local server that misbehaves on purpose (tests/faultserver.py), no mocks.

RELIABILITY.md items 1 and 2 (hang, timeout, 5xx, 429 with Retry-After, truncated body, dropped
connection, oversized body, gzip bomb, robots.txt denying / failing / hanging), TLS verification,
and at the ingest level items 1, 3 and 5: a failed crawl keeps the current version.

Each crawl runs in its own child process (about a second); timeouts are kept at a few seconds
(half a second where a test has to wait them out four times) so the whole file stays fast.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.registry import Source
from crawlers.run import CrawlResult, crawl_deadline, crawl_source
from crawlers.settings import scrapy_settings
from exportwatch.ingest import run_crawl
from exportwatch.settings import Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from tests.conftest import REPO
from tests.faultserver import OK_PDF, OK_XML, FaultServer, RobotsMode, make_tls_files

# Production-looking URLs: the spider rewrites them to the fault server (`mirror=`), path kept.
SITE = "https://regulator.example"
ATTEMPTS = scrapy_settings(Source.model_validate({
    "id": "x-probe", "name": "x", "jurisdiction": "ca", "format": "justice-laws-xml",
    "documents": [{"url": f"{SITE}/x"}], "expected_entries": {"min": 1, "max": 1},
}), "", mirror=None)["RETRY_TIMES"] + 1
CHILD_START_S = 10.0  # generous allowance for spawning the crawl process on a busy machine


def make_source(*paths: str, fmt: str = "justice-laws-xml", timeout_s: float = 3.0,
                max_bytes: int = 256 * 1024, min_entries: int = 1, concurrency: int = 1) -> Source:
    return Source.model_validate({
        "id": "fault-test", "name": "Fault test", "jurisdiction": "ca", "format": fmt,
        "documents": [{"url": f"{SITE}{p}"} for p in paths],
        "politeness": {"download_delay": 0, "timeout_s": timeout_s, "max_bytes": max_bytes,
                       "concurrency": concurrency},
        "expected_entries": {"min": min_entries, "max": 1000},
    })


def crawl(server: FaultServer, *paths: str, **options: Any) -> tuple[CrawlResult, float]:
    started = time.monotonic()
    result = crawl_source(make_source(*paths, **options), mirror=server.url)
    return result, time.monotonic() - started


def only_error(result: CrawlResult, path: str) -> str:
    assert not result.fetched, result.fetched
    assert [e["url"] for e in result.errors] == [f"{SITE}{path}"], result.errors
    return result.errors[0]["error"]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


# --- the good case, so that every fault below is the fault and not the setup ---------------------
def test_a_good_document_is_fetched() -> None:
    # A site without robots.txt (404) is the common case: no rules, and nothing to warn about.
    with FaultServer(robots="missing") as server:
        result, _ = crawl(server, "/ok.xml")
    assert result.errors == [] and result.warnings == []
    assert [(f.url, f.content) for f in result.fetched] == [(f"{SITE}/ok.xml", OK_XML)]
    assert [h.path for h in server.hits()] == ["/robots.txt", "/ok.xml"]


# --- time ----------------------------------------------------------------------------------------
def test_a_stalled_server_times_out_at_the_configured_timeout(server: FaultServer) -> None:
    # No answer at all, and headers then a stalled body: both in one crawl, side by side.
    timeout = 0.5
    result, elapsed = crawl(server, "/hang", "/slow-body", timeout_s=timeout, concurrency=2)
    assert not result.fetched
    assert sorted(e["url"] for e in result.errors) == [f"{SITE}/hang", f"{SITE}/slow-body"]
    for error in result.errors:
        assert error["error"].startswith("DownloadTimeoutError"), error
        assert f"took longer than {timeout} seconds" in error["error"], error
    for path in ("/hang", "/slow-body"):
        # Each attempt gives up after the source's timeout (not Scrapy's default 180 s) ...
        arrivals = [h.at for h in server.hits(path)]
        assert len(arrivals) == ATTEMPTS, path
        gaps = [b - a for a, b in itertools.pairwise(arrivals)]
        assert all(0.8 * timeout <= gap <= timeout + 2 for gap in gaps), (path, gaps)
    # ... and the crawl ends once the retries are spent, long before the child's deadline.
    assert elapsed < ATTEMPTS * timeout + CHILD_START_S


# --- retries -------------------------------------------------------------------------------------
def test_5xx_then_success_is_retried_and_fetched(server: FaultServer) -> None:
    result, _ = crawl(server, "/flaky")
    assert result.errors == []
    assert [f.content for f in result.fetched] == [OK_XML]
    assert server.count("/flaky") == 3  # 500, 500, 200
    assert result.stats["retry/count"] == 2


def test_429_waits_for_retry_after_then_fetches(server: FaultServer) -> None:
    result, _ = crawl(server, "/throttle")
    assert result.errors == []
    assert [f.content for f in result.fetched] == [OK_XML]
    first, second = (h.at for h in server.hits("/throttle"))
    # The server said Retry-After: 1; Scrapy alone would retry within milliseconds.
    assert second - first >= 0.95 * server.retry_after_s


def test_429_asking_longer_than_we_wait_is_not_retried() -> None:
    with FaultServer(retry_after_s=3600) as server:
        result, elapsed = crawl(server, "/throttle", timeout_s=2.0)
    assert only_error(result, "/throttle") == "HTTP 429"
    assert server.count("/throttle") == 1
    assert elapsed < CHILD_START_S


# --- broken transfers ----------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "expected"), [
    ("/truncated", "fewer bytes than Content-Length"),
    ("/drop", "ConnectionDone"),
])
def test_a_broken_transfer_is_an_error_after_retries(server: FaultServer, path: str,
                                                     expected: str) -> None:
    result, _ = crawl(server, path)
    assert expected in only_error(result, path)
    assert server.count(path) >= ATTEMPTS  # retried (Twisted may add one on a reused connection)


# --- size ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_an_oversized_body_is_refused(server: FaultServer, path: str) -> None:
    limit = 64 * 1024
    result, elapsed = crawl(server, path, max_bytes=limit)
    error = only_error(result, path)
    assert "max size" in error and str(limit) in error
    assert server.count(path) == 1  # a size error is not retried
    assert elapsed < CHILD_START_S


# Runs one crawl in a fresh interpreter, which then reports its children's peak memory: the
# crawl child's own, not that of whatever other test's children ran in this pytest process.
_PROBE = """
import json, resource, sys
from crawlers.registry import Source
from crawlers.run import crawl_source
result = crawl_source(Source.model_validate_json(sys.argv[1]), mirror=sys.argv[2])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"errors": result.errors, "fetched": len(result.fetched), "peak": peak}))
"""


def test_a_gzip_bomb_is_stopped_during_decompression() -> None:
    limit = 512 * 1024
    bomb = 256 * 1024 * 1024  # ~250 KiB on the wire, under the limit: only decompression tells
    source = make_source("/gzip-bomb", max_bytes=limit)
    with FaultServer(bomb_bytes=bomb) as server:
        started = time.monotonic()
        probe = subprocess.run([sys.executable, "-c", _PROBE, source.model_dump_json(), server.url],
                               capture_output=True, check=True, cwd=REPO, timeout=60)
        elapsed = time.monotonic() - started
    report = json.loads(probe.stdout)
    assert report["fetched"] == 0 and len(report["errors"]) == 1
    error = report["errors"][0]["error"]
    assert "decompression" in error and f"DOWNLOAD_MAXSIZE ({limit} B)" in error
    assert elapsed < CHILD_START_S
    # The crawl child never held the decompressed bomb (a Scrapy child is ~90 MiB at rest).
    assert report["peak"] < bomb // 2, f"the crawl child peaked at {report['peak'] // 2**20} MiB"


# --- wrong content -------------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "good", "content"), [
    ("justice-laws-xml", "/ok.xml", OK_XML),
    ("eurlex-pdf", "/ok.pdf", OK_PDF),
])
def test_an_html_page_instead_of_the_format_is_an_error(server: FaultServer, fmt: str, good: str,
                                                        content: bytes) -> None:
    result, _ = crawl(server, good, "/html-instead", fmt=fmt)
    assert [f.content for f in result.fetched] == [content]  # the real thing passes the check
    assert result.errors == [{"url": f"{SITE}/html-instead",
                              "error": f"not a {fmt} document: starts with "
                                       "b'<!doctype html><html><head><title>Servic'"}]


# --- robots.txt ----------------------------------------------------------------------------------
def test_robots_disallow_is_obeyed_and_recorded() -> None:
    with FaultServer(robots="deny") as server:
        result, _ = crawl(server, "/ok.xml", "/robots-deny")
    assert [f.url for f in result.fetched] == [f"{SITE}/ok.xml"]
    assert result.errors == [{"url": f"{SITE}/robots-deny", "error": "IgnoreRequest: Forbidden by robots.txt"}]
    assert server.count("/robots-deny") == 0
    assert result.stats["robotstxt/forbidden"] == 1


@pytest.mark.parametrize(("robots", "warning"), [
    ("error", "robots.txt answered HTTP 500"),
    ("hang", "robots.txt could not be fetched (DownloadTimeoutError"),
])
def test_unreachable_robots_fails_open_with_a_warning(robots: RobotsMode, warning: str) -> None:
    # Policy (crawlers/settings.py): robots.txt that cannot be fetched does not stop the crawl.
    with FaultServer(robots=robots) as server:
        result, _ = crawl(server, "/robots-deny", timeout_s=0.5)
    assert result.errors == []
    assert [f.content for f in result.fetched] == [OK_XML]
    assert server.count("/robots.txt") == ATTEMPTS  # retried like any request, then given up
    assert len(result.warnings) == 1 and result.warnings[0].startswith(warning), result.warnings


def test_the_child_deadline_outlasts_a_hanging_robots_txt_plus_every_document() -> None:
    source = make_source("/a.xml", "/b.xml", timeout_s=120)
    worst = ATTEMPTS * 120 * (1 + 2)  # robots.txt and both documents, each timing out every time
    assert crawl_deadline(source) > worst


# --- TLS -----------------------------------------------------------------------------------------
def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    with FaultServer(tls=make_tls_files(tmp_path)) as server:
        result, _ = crawl(server, "/ok.xml")
    assert "certificate verify failed" in only_error(result, "/ok.xml")
    assert server.hits() == []  # no request was ever sent over the unverified connection


def test_a_trusted_certificate_for_another_host_is_refused(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    tls = make_tls_files(tmp_path, names=("localhost",))
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_pem))  # the crawl child trusts our CA
    with FaultServer(tls=tls) as server:
        result, _ = crawl(server, "/ok.xml")
    assert "IPAddressMismatch" in only_error(result, "/ok.xml")
    assert server.hits() == []


def test_a_trusted_certificate_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The control for the two tests above: the same server, its CA trusted, works.
    tls = make_tls_files(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_pem))
    with FaultServer(tls=tls) as server:
        result, _ = crawl(server, "/ok.xml")
    assert result.errors == [] and [f.content for f in result.fetched] == [OK_XML]


# --- ingest: a failed crawl leaves the current version alone ------------------------------------
LIST_PATH = "/eng/XML/ecl.xml"


@pytest.fixture
def ingest_env(tmp_path: Path) -> Iterator[tuple[Store, EmbeddedBackend, Settings]]:
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path)})
    store, backend = Store(settings.store_path), EmbeddedBackend(settings.search_path)
    yield store, backend, settings
    backend.close()
    store.close()


def _serve_list(server: FaultServer, fixtures_dir: Path, text: bytes | None = None) -> None:
    body = text if text is not None else (fixtures_dir / "faults" / "ecl_en.xml").read_bytes()
    server.files[LIST_PATH] = (body, "application/xml")


def test_a_failed_crawl_keeps_the_current_version(
        ingest_env: tuple[Store, EmbeddedBackend, Settings], fixtures_dir: Path) -> None:
    store, backend, settings = ingest_env
    source = make_source(LIST_PATH, min_entries=6)
    good_xml = (fixtures_dir / "faults" / "ecl_en.xml").read_bytes()
    with FaultServer() as server:
        _serve_list(server, fixtures_dir)
        first = run_crawl(source, store, backend, settings, mirror=server.url)
        assert first.status == "new-version" and first.entries == 8, first.message
        current = store.current_version(source.id)
        assert current is not None
        entries, indexed = store.entries(current.id), backend.count()

        # RELIABILITY 1: a transport fault; 3: a layout change that parses to too few entries.
        shrunk = good_xml.split(b'<Heading level="1"><Label>GROUP 5')[0] + b"</Schedule></Regulation>"
        cases = [("/truncated", "fewer bytes than Content-Length"),
                 ("shrunk", "fewer than the expected minimum 6")]
        for fault, message in cases:
            if fault == "shrunk":
                server.alias.pop(LIST_PATH)
                _serve_list(server, fixtures_dir, shrunk)
            else:
                server.alias[LIST_PATH] = fault
            outcome = run_crawl(source, store, backend, settings, mirror=server.url)
            last = store.last_crawl(source.id)
            assert outcome.status == "failed" and last is not None and last.status == "failed"
            assert last.message is not None and message in last.message, (fault, last.message)
            assert store.current_version(source.id) == current, fault
            assert store.entries(current.id) == entries and backend.count() == indexed
    assert len(store.versions(source.id)) == 1


def test_the_same_document_again_is_no_new_version(
        ingest_env: tuple[Store, EmbeddedBackend, Settings], fixtures_dir: Path) -> None:
    # RELIABILITY 5: fetched again unchanged -> no version, nothing for an alert to report.
    store, backend, settings = ingest_env
    source = make_source(LIST_PATH, min_entries=6)
    with FaultServer() as server:
        _serve_list(server, fixtures_dir)
        first = run_crawl(source, store, backend, settings, mirror=server.url)
        again = run_crawl(source, store, backend, settings, mirror=server.url)
    assert (first.status, again.status) == ("new-version", "unchanged")
    assert again.version_id == first.version_id and len(store.versions(source.id)) == 1
