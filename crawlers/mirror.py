"""Replay mirror: serves corpus files on 127.0.0.1 at the production URL paths.

Spiders run against it exactly as against the live hosts (through Scrapy's downloader, with
`--mirror URL`), and a chosen dated version can be served per source, so successive versions of a
list can be replayed in order. Index pages and eCFR's titles.json are generated from the version
being served, so document discovery is exercised too; so are the Federal Register API's pages
(crawlers/mirror_federal_register.py, corpus files reshaped to the API's schema).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, urlsplit

import yaml

from crawlers.mirror_federal_register import load_api as load_federal_register_api
from crawlers.registry import Source
from exportwatch.errors import ConfigError

_DATE_SLOT = "{date}"
_TITLES_PATH = "/api/versioner/v1/titles.json"
_MEDIA_TYPES = {
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


def url_key(url: str) -> str:
    """Path and query of a URL: what the mirror matches on (it answers for every host)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class MirrorFile:
    url: str  # production URL, possibly with {date}
    path: Path


@dataclass
class MirrorVersion:
    date: dt.date
    files: list[MirrorFile]


@dataclass
class MirrorSource:
    id: str
    versions: list[MirrorVersion]
    pinned: dt.date | None = None

    def active(self, at: dt.date | None = None) -> MirrorVersion | None:
        """The version served now: the pinned one (or the newest), or the newest on/before `at`."""
        limit = self.pinned
        if at is not None:
            limit = at if limit is None else min(limit, at)
        candidates = [v for v in self.versions if limit is None or v.date <= limit]
        return max(candidates, key=lambda v: v.date) if candidates else None


class GeneratedApi(Protocol):
    """An API answered from corpus files reshaped at load time (`generator:` in mirror.yml)."""

    def resolve(self, key: str, through: dt.date | None) -> tuple[bytes, str] | None: ...


# generator kind in mirror.yml -> loader(source id, spec, corpus dir, missing files list)
_GENERATORS = {"federal-register-api": load_federal_register_api}


@dataclass
class MirrorCatalog:
    """Everything the mirror can serve, and which version of each source it serves now."""

    sources: dict[str, MirrorSource]
    index_pages: dict[str, tuple[str, re.Pattern[str]]] = field(default_factory=dict)
    ecfr_sources: list[str] = field(default_factory=list)
    # source id -> generated API; it serves what was published on or before the source's date.
    generated: dict[str, GeneratedApi] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pin(self, source_id: str, date: dt.date | None) -> None:
        if source_id not in self.sources:
            raise ConfigError(f"mirror has no source {source_id!r}; it has {', '.join(self.sources)}")
        with self.lock:
            self.sources[source_id].pinned = date

    def dates(self, source_id: str) -> list[dt.date]:
        return sorted(v.date for v in self.sources[source_id].versions)

    def resolve(self, key: str) -> tuple[bytes, str] | None:
        """Body and media type for a request path+query, or None (404)."""
        with self.lock:
            if key in self.index_pages:
                return self._index_page(*self.index_pages[key])
            if key == _TITLES_PATH and self.ecfr_sources:
                return self._ecfr_titles()
            for sid, api in self.generated.items():
                if (answer := api.resolve(key, self._serving_date(sid))) is not None:
                    return answer
            for source in self.sources.values():
                found = self._find_file(source, key)
                if found is not None:
                    return found.read_bytes(), _MEDIA_TYPES.get(found.suffix.lower(), "application/octet-stream")
        return None

    def _serving_date(self, source_id: str) -> dt.date | None:
        """The date a generated API is replayed at: the pinned date, or the newest version's."""
        source = self.sources[source_id]
        if source.pinned is not None:
            return source.pinned
        return max((v.date for v in source.versions), default=None)

    def _find_file(self, source: MirrorSource, key: str) -> Path | None:
        for template_key, url_date in _candidate_templates(key):
            version = source.active(url_date)
            if version is None:
                continue
            for f in version.files:
                if url_key(f.url) == template_key:
                    return f.path
        return None

    def _index_page(self, source_id: str, pattern: re.Pattern[str]) -> tuple[bytes, str]:
        version = self.sources[source_id].active()
        links = [] if version is None else [f.url for f in version.files if pattern.search(f.url)]
        items = "\n".join(
            f'<li><a href="{html.escape(u)}">{html.escape(u.rsplit("/", 1)[-1])}</a></li>' for u in links
        )
        page = f"<!doctype html><html><body><h1>Documents</h1><ul>\n{items}\n</ul></body></html>"
        return page.encode("utf-8"), _MEDIA_TYPES[".html"]

    def _ecfr_titles(self) -> tuple[bytes, str]:
        # Several sources are parts of title 15: when some are pinned (a replay of a past date),
        # the title's issue date is theirs, not that of an unpinned part served at its newest.
        pinned = [sid for sid in self.ecfr_sources if self.sources[sid].pinned is not None]
        dates = [v.date for sid in pinned or self.ecfr_sources if (v := self.sources[sid].active())]
        latest = max(dates).isoformat() if dates else None
        body = {"titles": [{"number": 15, "name": "Commerce and Foreign Trade",
                            "latest_issue_date": latest, "up_to_date_as_of": latest}]}
        return json.dumps(body).encode(), _MEDIA_TYPES[".json"]


def _candidate_templates(key: str) -> list[tuple[str, dt.date | None]]:
    """The key itself, plus the key with a YYYY-MM-DD path segment turned back into {date}."""
    out: list[tuple[str, dt.date | None]] = [(key, None)]
    match = re.search(r"/(\d{4}-\d{2}-\d{2})/", key)
    if match:
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            return out
        out.append((key[: match.start(1)] + _DATE_SLOT + key[match.end(1):], day))
    return out


def load_catalog(config_path: Path, corpus_dir: Path, sources: list[Source]) -> MirrorCatalog:
    """Read config/mirror.yml; every file it names must exist in the corpus."""
    try:
        data: Any = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read mirror config {config_path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise ConfigError(f"{config_path}: expected a mapping 'sources:'")
    catalog = MirrorCatalog(sources={})
    missing: list[str] = []
    for sid, spec in data["sources"].items():
        versions = [_load_version(sid, v, corpus_dir, missing) for v in spec.get("versions", [])]
        catalog.sources[sid] = MirrorSource(sid, sorted(versions, key=lambda v: v.date))
        if generator := spec.get("generator"):
            loader = _GENERATORS.get(str(generator.get("kind")))
            if loader is None:
                raise ConfigError(f"{config_path}: source {sid}: unknown generator kind {generator.get('kind')!r};"
                                  f" known: {', '.join(_GENERATORS)}")
            if (api := loader(sid, generator, corpus_dir, missing)) is not None:
                catalog.generated[sid] = api
    if missing:
        raise ConfigError(f"{config_path}: corpus files not found under {corpus_dir}:\n  " + "\n  ".join(missing[:20]))
    for source in sources:
        for doc in source.documents:
            if doc.kind == "index" and doc.link_pattern and source.id in catalog.sources:
                catalog.index_pages[url_key(doc.url)] = (source.id, re.compile(doc.link_pattern))
            if doc.kind == "ecfr-part" and source.id in catalog.sources:
                catalog.ecfr_sources.append(source.id)
    return catalog


def _load_version(sid: str, spec: dict[str, Any], corpus_dir: Path, missing: list[str]) -> MirrorVersion:
    try:
        date = dt.date.fromisoformat(str(spec["date"]))
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"mirror source {sid}: version needs date: YYYY-MM-DD ({exc})") from exc
    files: list[MirrorFile] = []
    for url, rel in (spec.get("files") or {}).items():
        path = corpus_dir / rel
        if not path.is_file():
            missing.append(str(rel))
        files.append(MirrorFile(url, path))
    if glob := spec.get("glob"):
        matched = sorted(corpus_dir.glob(glob["pattern"]))
        if not matched:
            missing.append(glob["pattern"])
        files += [MirrorFile(glob["url"].format(name=quote(p.name)), p) for p in matched]
    return MirrorVersion(date, files)


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the crawl log records every fetch already."""

    def do_GET(self) -> None:
        key = self.path
        if urlsplit(key).path == "/robots.txt":
            return self._send(HTTPStatus.OK, b"User-agent: *\nAllow: /\n", "text/plain")
        found = self.server.catalog.resolve(key)
        if found is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not in mirror\n", "text/plain")
        body, media_type = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(HTTPStatus.NOT_MODIFIED, b"", media_type, etag)
        return self._send(HTTPStatus.OK, body, media_type, etag)

    def do_POST(self) -> None:
        # POST /_mirror/select?source=ID&version=YYYY-MM-DD|latest  pins what a source serves.
        parts = urlsplit(self.path)
        if parts.path != "/_mirror/select":
            return self._send(HTTPStatus.NOT_FOUND, b"unknown control path\n", "text/plain")
        query = parse_qs(parts.query)
        try:
            sid = query["source"][0]
            version = query.get("version", ["latest"])[0]
            date = None if version == "latest" else dt.date.fromisoformat(version)
            self.server.catalog.pin(sid, date)
        except (KeyError, ValueError, ConfigError) as exc:
            return self._send(HTTPStatus.BAD_REQUEST, f"{exc}\n".encode(), "text/plain")
        return self._send(HTTPStatus.OK, b"ok\n", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, media_type: str, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, catalog: MirrorCatalog, port: int = 0) -> None:
        # Loopback only: the mirror is a test and demo fixture, never a public server.
        super().__init__(("127.0.0.1", port), _Handler)
        self.catalog = catalog

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="mirror", daemon=True)
        thread.start()
        return thread
