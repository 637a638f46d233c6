"""The scheduler's job functions, referenced by text ("alerts.jobs:crawl_job"): keep these names
stable (alerts/scheduler.py). Each opens its own store connection (SQLite connections belong to
one thread) and raises JobFailed when the work failed, so the run is recorded as failed."""

from __future__ import annotations

from alerts.config import AlertSettings
from alerts.deliver import deliver
from alerts.outbox import build_digests
from exportwatch.errors import ExportWatchError
from exportwatch.ingest import run_crawl
from exportwatch.service import Service
from indexer.store import Store


class JobFailed(ExportWatchError):
    """A scheduled job ran and failed (the message says why)."""


def crawl_job(source_id: str) -> str:
    """Crawl one source (Scrapy in a child process), ingest, run processors (change detection,
    alert matching), then deliver what they queued."""
    with Service.open() as svc:
        outcome = run_crawl(svc.source(source_id), svc.store, svc.backend, svc.settings)
        if outcome.status == "failed":
            raise JobFailed(f"crawl {source_id} failed: {outcome.message}")
        report = deliver(svc.store, AlertSettings.from_env())
        return (f"{outcome.status} {outcome.version_date or ''}: {report.delivered} delivered, "
                f"{report.failed} failed").strip()


def deliver_job() -> str:
    from exportwatch.settings import Settings

    with Store(Settings.from_env().store_path) as store:
        report = deliver(store, AlertSettings.from_env())
    if report.attempted and not report.delivered:
        raise JobFailed(f"{report.failed} attempt(s) failed: " + "; ".join(report.errors[:3]))
    return f"{report.delivered} delivered, {report.failed} failed, {report.dead} dead-lettered"


def digest_job() -> str:
    from exportwatch.settings import Settings

    with Store(Settings.from_env().store_path) as store:
        made = build_digests(store)
        report = deliver(store, AlertSettings.from_env())
    return f"{made} digest(s) built; {report.delivered} delivered, {report.failed} failed"
