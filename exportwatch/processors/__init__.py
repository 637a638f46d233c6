"""Post-version processors: work done on a stored version after it is parsed (extraction,
definitions, change detection, embeddings, alerts).

Each module in this package that defines `PROCESSOR` is a processor; they run in `order`. A
processor must be idempotent (it may run again after a crash, or through `exportwatch reprocess`)
and must not rewrite history: it adds rows, it never changes a stored version. A processor error
is recorded as a warning on the crawl and the version stays stored; the next crawl retries it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from crawlers.registry import Source
from exportwatch.errors import ExportWatchError
from exportwatch.plugins import plugin_modules
from exportwatch.settings import Settings
from indexer.base import SearchBackend
from indexer.store import Store, VersionRow


@dataclass(frozen=True)
class VersionContext:
    store: Store
    backend: SearchBackend
    settings: Settings
    source: Source
    version: VersionRow

    @property
    def previous(self) -> VersionRow | None:
        """The version this one follows (by version date), or None for the first."""
        earlier = [v for v in self.store.versions(self.source.id)
                   if (v.version_date, v.id) < (self.version.version_date, self.version.id)]
        return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Processor:
    name: str
    order: int  # extract 10, definitions 20, changes 30, embeddings 40, alerts 90
    run: Callable[[VersionContext], list[str]]  # returns warnings


def processors() -> list[Processor]:
    found = []
    for module in plugin_modules(__name__, __path__):
        if isinstance(proc := getattr(module, "PROCESSOR", None), Processor):
            found.append(proc)
    return sorted(found, key=lambda p: (p.order, p.name))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def run_processors(ctx: VersionContext, *, only: set[str] | None = None, force: bool = False) -> list[str]:
    """Run every processor not yet done on this version; return their warnings."""
    warnings: list[str] = []
    db = ctx.store.db
    for proc in processors():
        if only is not None and proc.name not in only:
            continue
        row = db.execute("SELECT status FROM processing WHERE version_id=? AND processor=?",
                         (ctx.version.id, proc.name)).fetchone()
        if row is not None and row[0] == "done" and not force:
            continue
        try:
            warnings += [f"{proc.name}: {w}" for w in proc.run(ctx)]
            status, message = "done", None
        except ExportWatchError as exc:
            status, message = "failed", str(exc)
            warnings.append(f"{proc.name} failed: {exc}")
        with ctx.store.transaction() as tx:
            tx.execute("INSERT INTO processing(version_id, processor, status, finished_at, message)"
                       " VALUES (?, ?, ?, ?, ?) ON CONFLICT(version_id, processor) DO UPDATE SET"
                       " status=excluded.status, finished_at=excluded.finished_at, message=excluded.message",
                       (ctx.version.id, proc.name, status, _now(), message))
    return warnings
