"""Paging a JSON API (`kind: api-pages`) through the real crawl path: Scrapy in a child process,
against a local server that answers the production path with pages we choose. No mocks.

Each crawl is one child process (about a second).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers.registry import Source
from crawlers.run import crawl_source
from crawlers.spiders import spider_for
from crawlers.spiders.federal_register import FederalRegisterSpider

API = "https://www.federalregister.gov/api/v1/documents.json"
FIRST = f"{API}?conditions[type][]=RULE&per_page=2&order=newest"


class PageServer(ThreadingHTTPServer):
    """Serves `pages[n]` for `?page=n` (page 1 when absent) at any path; records the pages asked."""

    def __init__(self, pages: dict[int, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages = pages
        self.asked: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            return self._send(404, b"")
        page = int(parse_qs(parts.query).get("page", ["1"])[0])
        self.server.asked.append(page)
        body = self.server.pages.get(page)
        return self._send(200, body) if body is not None else self._send(404, b"{}")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def source(max_pages: int = 10) -> Source:
    return Source.model_validate({
        "id": "us-fr-bis", "name": "FR", "jurisdiction": "us", "format": "federal-register-json",
        "documents": [{"url": FIRST, "kind": "api-pages", "max_pages": max_pages}],
        "politeness": {"download_delay": 0, "timeout_s": 5},
        "expected_entries": {"min": 1, "max": 100},
    })


@pytest.fixture
def fixture_pages(fixtures_dir: Path) -> dict[int, bytes]:
    fx = fixtures_dir / "federal_register"
    return {1: (fx / "page1.json").read_bytes(), 2: (fx / "page2.json").read_bytes()}


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[PageServer] = []

    def start(pages: dict[int, bytes]) -> PageServer:
        server = PageServer(pages)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_format_has_its_own_spider() -> None:
    assert spider_for("federal-register-json") is FederalRegisterSpider


def test_pages_are_followed_through_next_page_url(serve: Any, fixture_pages: dict[int, bytes]) -> None:
    server = serve(fixture_pages)
    result = crawl_source(source(), mirror=server.url)
    assert result.errors == []
    assert server.asked == [1, 2]
    # Each page is one file of the bundle, under its production URL (the one the API named).
    assert [f.url for f in result.fetched] == [FIRST, json.loads(fixture_pages[1])["next_page_url"]]
    assert [f.content for f in result.fetched] == [fixture_pages[1], fixture_pages[2]]


def test_max_pages_bounds_the_crawl(serve: Any, fixture_pages: dict[int, bytes]) -> None:
    server = serve(fixture_pages)
    result = crawl_source(source(max_pages=1), mirror=server.url)
    assert result.errors == [] and server.asked == [1]
    assert [f.content for f in result.fetched] == [fixture_pages[1]]


def test_a_malformed_page_is_a_clear_fetch_error(serve: Any, fixture_pages: dict[int, bytes]) -> None:
    server = serve({1: fixture_pages[1], 2: b'{"count": 3, "results": [truncated'})
    result = crawl_source(source(), mirror=server.url)
    assert not result.ok
    (error,) = result.errors
    assert error["url"].endswith("page=2&per_page=2")
    assert error["error"].startswith("API page 2 is not valid JSON")
    # An HTML error page instead of JSON is caught by the format's check before parsing.
    html = b"<html><body>Service Unavailable</body></html>"
    server = serve({1: html})
    (error,) = crawl_source(source(), mirror=server.url).errors
    assert error == {"url": FIRST, "error": f"not a federal-register-json document: starts with {html[:40]!r}"}


def test_a_looping_or_off_site_next_page_is_refused(serve: Any, fixture_pages: dict[int, bytes]) -> None:
    page2 = json.loads(fixture_pages[2])
    page2["next_page_url"] = json.loads(fixture_pages[1])["next_page_url"]  # page 2 names itself
    server = serve({1: fixture_pages[1], 2: json.dumps(page2).encode()})
    result = crawl_source(source(), mirror=server.url)
    assert server.asked == [1, 2]
    assert len(result.errors) == 1 and "the API is looping" in result.errors[0]["error"]
    page2["next_page_url"] = "https://elsewhere.example/api/v1/documents.json?page=3"
    server = serve({1: fixture_pages[1], 2: json.dumps(page2).encode()})
    result = crawl_source(source(), mirror=server.url)
    assert server.asked == [1, 2]
    assert "next_page_url leaves www.federalregister.gov" in result.errors[0]["error"]
