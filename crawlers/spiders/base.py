"""The one spider behaviour every format shares: fetch a source's documents, discover linked
documents on index pages, and yield each response as a fetch record.

Format spiders subclass it only to say what a valid document of their format looks like, so that
an error page or a changed site (HTML where a PDF was) is caught at fetch time.

Paged JSON APIs (`kind: api-pages`, e.g. the Federal Register's documents.json) are followed page
by page through each page's `next_page_url`, up to the document's `max_pages`; every page is one
file of the bundle.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawlers.pipelines import FETCHES
from crawlers.registry import Document, Source

ERRORS = "errors.jsonl"
# Download errors Scrapy raises with an empty message, and what they mean in our crawls (a timeout
# is a DownloadTimeoutError, so the only cancellation left is the size limit on a body sent
# without Content-Length; the one with Content-Length says so itself).
_UNEXPLAINED = {
    "ResponseDataLossError": "the connection closed before the whole body arrived "
                             "(fewer bytes than Content-Length)",
    "DownloadCancelledError": "download stopped: the body grew past the download max size "
                              "({maxsize} bytes)",
}
TITLES_JSON = "https://www.ecfr.gov/api/versioner/v1/titles.json"


def to_mirror(url: str, mirror: str | None) -> str:
    """Rewrite a production URL to the same path on the mirror (no-op without a mirror)."""
    if not mirror:
        return url
    m = urlsplit(mirror)
    u = urlsplit(url)
    return urlunsplit((m.scheme, m.netloc, u.path, u.query, ""))


def from_mirror(url: str, production: str) -> str:
    """The production URL a mirrored response stands for: production host, response path."""
    u = urlsplit(url)
    p = urlsplit(production)
    return urlunsplit((p.scheme, p.netloc, u.path, u.query, ""))


class SourceSpider(scrapy.Spider):
    name = "source"
    # Leading bytes a valid document of this format starts with (after an optional BOM).
    magic: ClassVar[tuple[bytes, ...]] = ()

    def __init__(self, source_json: str, out_dir: str, mirror: str | None = None,
                 date: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = Source.model_validate_json(source_json)
        self.out_dir = out_dir
        self.mirror = mirror
        self.date = date

    async def start(self) -> Any:
        for request in self._initial_requests():
            yield request

    def _initial_requests(self) -> Iterator[scrapy.Request]:
        for doc in self.source.documents:
            if doc.kind == "ecfr-part" and not self.date:
                yield self._request(TITLES_JSON, self.parse_ecfr_titles, doc)
            elif doc.kind == "ecfr-part":
                yield self._request(doc.url.replace("{date}", self.date or ""), self.parse_document, doc)
            elif doc.kind == "index":
                yield self._request(doc.url, self.parse_index, doc)
            elif doc.kind == "api-pages":
                yield self._request(doc.url, self.parse_api_page, doc, page=1, seen=(doc.url,))
            else:
                yield self._request(doc.url, self.parse_document, doc)

    def _request(self, url: str, callback: Any, doc: Document, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            to_mirror(url, self.mirror),
            callback=callback,
            errback=self.on_error,
            meta={"doc": doc, "production_url": url, **meta},
            dont_filter=True,
        )

    # --- callbacks -----------------------------------------------------------------------------
    def parse_ecfr_titles(self, response: Response) -> Iterator[scrapy.Request]:
        doc: Document = response.meta["doc"]
        if not self._ok(response):
            return
        try:
            titles = json.loads(response.body)["titles"]
            latest = next(t["latest_issue_date"] for t in titles if int(t["number"]) == 15)
            dt.date.fromisoformat(latest)
        except (ValueError, KeyError, StopIteration, TypeError) as exc:
            self._record_error(response.meta["production_url"], f"titles.json has no title 15 date: {exc}")
            return
        self.date = latest
        yield self._request(doc.url.replace("{date}", latest), self.parse_document, doc)

    def parse_index(self, response: Response) -> Iterator[scrapy.Request]:
        doc: Document = response.meta["doc"]
        if not self._ok(response):
            return
        production = response.meta["production_url"]
        pattern = re.compile(doc.link_pattern or "")
        links = []
        for href in response.css("a::attr(href)").getall():
            absolute = urljoin(production, href)
            if pattern.search(absolute) and absolute not in links:
                links.append(absolute)
        if not links:
            self._record_error(production, f"index page has no link matching {doc.link_pattern!r} "
                                           "(has the page layout changed?)")
            return
        if doc.select == "latest":
            links = [max(links)]
        for link in links:
            yield self._request(link, self.parse_document, doc)

    def parse_api_page(self, response: Response) -> Iterator[dict[str, Any] | scrapy.Request]:
        """One page of a paged JSON API: keep it, then follow its `next_page_url` (same host only,
        never a page already fetched, at most `max_pages` pages)."""
        doc: Document = response.meta["doc"]
        page: int = response.meta["page"]
        production = response.meta["production_url"]
        if not self._ok(response) or not self._has_magic(response):
            return
        try:
            data = json.loads(response.body)
        except (ValueError, RecursionError) as exc:
            self._record_error(production, f"API page {page} is not valid JSON: {exc}")
            return
        if not isinstance(data, dict) or not isinstance(data.get("results", []), list):
            shape = sorted(data) if isinstance(data, dict) else type(data).__name__
            self._record_error(production, f"API page {page} has no 'results' list (got {shape})")
            return
        next_url = data.get("next_page_url")
        if next_url is not None and not isinstance(next_url, str):
            self._record_error(production, f"API page {page}: next_page_url is not a URL: {next_url!r}")
            return
        yield self._fetch_record(response, doc)
        if not next_url or page >= doc.max_pages:
            return  # the last page, or the page limit (the parser reports what was left out)
        absolute = urljoin(production, next_url)
        seen: tuple[str, ...] = response.meta["seen"]
        if urlsplit(absolute).netloc != urlsplit(doc.url).netloc:
            self._record_error(production, f"API page {page}: next_page_url leaves {urlsplit(doc.url).netloc}: "
                                           f"{absolute}")
        elif absolute in seen:
            self._record_error(production, f"API page {page}: next_page_url points back to a page already "
                                           f"fetched ({absolute}): the API is looping")
        else:
            yield self._request(absolute, self.parse_api_page, doc, page=page + 1, seen=(*seen, absolute))

    def parse_document(self, response: Response) -> Iterator[dict[str, Any]]:
        doc: Document = response.meta["doc"]
        if not self._ok(response) or not self._has_magic(response):
            return
        yield self._fetch_record(response, doc)

    def _has_magic(self, response: Response) -> bool:
        body = response.body
        if self.magic and not body.lstrip(b"\xef\xbb\xbf").startswith(self.magic):
            self._record_error(response.meta["production_url"],
                               f"not a {self.source.format} document: starts with {body[:40]!r}")
            return False
        return True

    def _fetch_record(self, response: Response, doc: Document) -> dict[str, Any]:
        return {
            "url": response.meta["production_url"],
            "fetched_from": response.url,
            "status": response.status,
            "headers": _headers(response),
            "language": doc.language,
            "role": doc.role,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "requested_date": self.date,
            "body": response.body,
        }

    # --- errors --------------------------------------------------------------------------------
    def _ok(self, response: Response) -> bool:
        if 200 <= response.status < 300:
            return True
        self._record_error(response.meta["production_url"], f"HTTP {response.status}")
        return False

    def on_error(self, failure: Any) -> None:
        request = failure.request
        url = request.meta.get("production_url", request.url)
        name, message = failure.type.__name__, failure.getErrorMessage().strip()
        if not message and name in _UNEXPLAINED:
            maxsize = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
            message = _UNEXPLAINED[name].format(maxsize=maxsize)
        self._record_error(url, f"{name}: {message}")

    def _record_error(self, url: str, message: str) -> None:
        with open(f"{self.out_dir}/{ERRORS}", "a", encoding="utf-8") as fh:  # noqa: PTH123
            fh.write(json.dumps({"url": url, "error": message}) + "\n")


def _headers(response: Response) -> dict[str, str]:
    keep = ("content-type", "etag", "last-modified", "content-length", "date")
    out: dict[str, str] = {}
    for key, values in response.headers.items():
        name = key.decode("latin-1").lower()
        if name in keep and values:
            out[name] = values[-1].decode("latin-1")
    return out


__all__ = ["ERRORS", "FETCHES", "SourceSpider"]
