"""Run one source's crawl in a child process and collect what it fetched."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.pipelines import FETCHES
from crawlers.registry import Source
from crawlers.spiders.base import ERRORS
from exportwatch.errors import FetchError


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

    @property
    def ok(self) -> bool:
        return bool(self.fetched) and not self.errors


def crawl_source(source: Source, *, mirror: str | None = None, date: str | None = None,
                 timeout_s: float | None = None) -> CrawlResult:
    """Crawl `source` in a child process. Raises FetchError if the child dies or hangs."""
    limit = timeout_s or (source.politeness.timeout_s * 4 + 60)
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


def _collect(source_id: str, out: Path) -> CrawlResult:
    result = CrawlResult(source_id)
    if (out / "stats.json").exists():
        result.stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
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


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
