"""Run one source's crawl in a child process and collect what it fetched."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawlers.pipelines import FETCHES
from crawlers.registry import Source
from crawlers.settings import scrapy_settings
from crawlers.spiders.base import ERRORS, TITLES_JSON
from exportwatch.errors import FetchError

_MARGIN_S = 60.0
# Scrapy's stat key: robotstxt/exception_count/<class 'scrapy.exceptions.DownloadTimeoutError'>
_ROBOTS_EXCEPTION = re.compile(r"robotstxt/exception_count/.*?(\w+)'?>?$")
_INDEX_LINKS = 10


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    language: str
    role: str
    fetched_at: str
    sha256: str
    size: int
    content: bytes
    requested_date: str | None = None


@dataclass
class CrawlResult:
    source_id: str
    fetched: list[Fetched] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    # Worth an operator's attention but not a failure (robots.txt unreachable: we crawled anyway).
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.fetched) and not self.errors


def crawl_source(source: Source, *, mirror: str | None = None, date: str | None = None,
                 timeout_s: float | None = None) -> CrawlResult:
    """Crawl `source` in a child process. Raises FetchError if the child dies or hangs."""
    limit = timeout_s or crawl_deadline(source)
    with tempfile.TemporaryDirectory(prefix=f"exportwatch-crawl-{source.id}-") as out_dir:
        args = {"source_json": source.model_dump_json(), "out_dir": out_dir, "mirror": mirror, "date": date}
        try:
            proc = subprocess.run([sys.executable, "-m", "crawlers.child", json.dumps(args)],
                                  capture_output=True, timeout=limit, check=False)
        except subprocess.TimeoutExpired as exc:
            raise FetchError(f"{source.id}: crawl did not finish within {limit:.0f} s") from exc
        if proc.returncode != 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise FetchError(f"{source.id}: crawl process failed (exit {proc.returncode}): " + " | ".join(tail))
        return _collect(source.id, Path(out_dir))


def crawl_deadline(source: Source) -> float:
    """Seconds a healthy child can take at worst, plus a margin: past that it is wedged.

    Every request may be tried RETRY_TIMES + 1 times, each attempt timing out and waiting out the
    longest Retry-After we honour; robots.txt is one more request per host, and an index page or
    titles.json one more per document (an index with `select: all` is assumed to link at most
    _INDEX_LINKS documents). A hanging robots.txt alone takes (RETRY_TIMES + 1) timeouts, so a
    deadline of one request's worst case would kill the crawl our fail-open policy lets go on.
    """
    s = scrapy_settings(source, "", mirror=None)
    attempt = s["DOWNLOAD_TIMEOUT"] + s["EXPORTWATCH_RETRY_AFTER_MAX"] + s["DOWNLOAD_DELAY"]
    hosts = {urlsplit(d.url).netloc for d in source.documents}
    requests = 0
    for doc in source.documents:
        if doc.kind == "file":
            requests += 1
        elif doc.kind == "index" and doc.select == "all":
            requests += 1 + _INDEX_LINKS
        elif doc.kind == "api-pages":
            requests += doc.max_pages
        else:  # an index page or titles.json, then the one document it names
            requests += 2
        if doc.kind == "ecfr-part":
            hosts.add(urlsplit(TITLES_JSON).netloc)
    return float((s["RETRY_TIMES"] + 1) * attempt * (len(hosts) + requests) + _MARGIN_S)


def _collect(source_id: str, out: Path) -> CrawlResult:
    result = CrawlResult(source_id)
    if (out / "stats.json").exists():
        result.stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
        result.warnings = robots_warnings(result.stats)
    for line in _lines(out / ERRORS):
        result.errors.append(json.loads(line))
    for line in _lines(out / FETCHES):
        rec = json.loads(line)
        result.fetched.append(Fetched(
            url=rec["url"], status=rec["status"], headers=rec["headers"], language=rec["language"],
            role=rec["role"], fetched_at=rec["fetched_at"], sha256=rec["sha256"], size=rec["size"],
            content=(out / rec["sha256"]).read_bytes(), requested_date=rec.get("requested_date"),
        ))
    return result


def robots_warnings(stats: dict[str, Any]) -> list[str]:
    """robots.txt fetches that failed (5xx, timeout, connection error): crawled without it.

    A 4xx (usually 404, no robots.txt) is the normal case of a site without rules, not a warning.
    """
    out = []
    for key, count in sorted(stats.items()):
        status = key.removeprefix("robotstxt/response_status_count/")
        if status != key and status.isdigit() and int(status) >= 500:
            out.append(f"robots.txt answered HTTP {status} (hosts: {count}); crawled without it "
                       "(fail-open policy, crawlers/settings.py)")
        elif match := _ROBOTS_EXCEPTION.match(key):
            out.append(f"robots.txt could not be fetched ({match.group(1)}, hosts: {count}); "
                       "crawled without it (fail-open policy, crawlers/settings.py)")
    return out


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
