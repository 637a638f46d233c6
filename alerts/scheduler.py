"""The service's one scheduler (APScheduler 3.x, in the `exportwatch serve` process).

Jobs are rebuilt from config at every start (memory job store), with stable ids and
`replace_existing=True`, so a restart never duplicates them, and nothing is unpickled from a
database (the SQLAlchemy job store silently deletes jobs it cannot unpickle). Every job runs
`alerts.scheduler:run_job`, which records the run and calls the job's function by its stable
textual reference ("alerts.jobs:crawl_job"); a reference that no longer resolves (a renamed
function) is recorded as a failed job and skipped, and the other jobs run.

- `crawl:<source>` on the source's cron schedule (config/sources.yml): the crawl runs Scrapy in a
  child process, then ingest, processors (change detection, alert matching) and a delivery pass;
- `deliver` every minute; `digest:daily` at 00:05 UTC and `digest:weekly` on Mondays 00:10 UTC.

Explicit policy, not APScheduler's defaults (whose 1 s misfire grace skips late runs silently):
UTC triggers (no DST surprises), `coalesce=True` (after downtime, missed windows run once),
`max_instances=1`, `misfire_grace_time` = EXPORTWATCH_SCHEDULER_MISFIRE_GRACE. Downtime is seen
across restarts: the last run of each job is in the store (`job_runs`), and a window missed since
then is scheduled at once; it runs if it is within the grace, else it is recorded as missed.
Every start, finish, failure and missed window is recorded (`exportwatch jobs`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import ref_to_obj

from alerts.config import AlertSettings
from alerts.subscriptions import now_iso
from crawlers.registry import load_sources
from exportwatch.settings import Settings
from indexer.store import Store

log = logging.getLogger("exportwatch.scheduler")
UTC = dt.UTC


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", resolved when the job is added
    trigger: BaseTrigger
    args: tuple[Any, ...] = ()
    description: str = ""


@dataclass
class BuiltScheduler:
    scheduler: BackgroundScheduler
    specs: list[JobSpec]
    skipped: dict[str, str] = field(default_factory=dict)  # job id -> why it was not added


def job_specs(settings: Settings) -> list[JobSpec]:
    specs = [JobSpec(f"crawl:{s.id}", "alerts.jobs:crawl_job", CronTrigger.from_crontab(s.schedule, timezone=UTC),
                     (s.id,), f"crawl {s.id} ({s.schedule} UTC), ingest, match alerts, deliver")
             for s in load_sources(settings.sources_file)]
    specs += [
        JobSpec("deliver", "alerts.jobs:deliver_job", IntervalTrigger(minutes=1, timezone=UTC),
                description="deliver due alert messages (retries included)"),
        JobSpec("digest:daily", "alerts.jobs:digest_job", CronTrigger(hour=0, minute=5, timezone=UTC),
                description="batch daily digests, then deliver"),
        JobSpec("digest:weekly", "alerts.jobs:digest_job", CronTrigger(day_of_week="mon", hour=0, minute=10,
                                                                          timezone=UTC),
                description="batch weekly digests, then deliver"),
    ]
    return specs


# --- run records ----------------------------------------------------------------------------------

def _store(store_path: Path) -> Store:
    return Store(store_path)


def record(store_path: Path, job_id: str, status: str, *, scheduled_at: dt.datetime | None = None,
           message: str | None = None) -> int:
    with _store(store_path) as store, store.transaction() as db:
        cur = db.execute("INSERT INTO job_runs(job_id, scheduled_at, started_at, finished_at, status, message)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         (job_id, now_iso(scheduled_at) if scheduled_at else None, now_iso(),
                          None if status == "running" else now_iso(), status, message))
        return int(cur.lastrowid or 0)


def last_run(store: Store, job_id: str) -> dt.datetime | None:
    """When the job last ran or was due (scheduled time if known): the reference for catching up."""
    row = store.db.execute("SELECT max(coalesce(scheduled_at, started_at)) FROM job_runs WHERE job_id=?",
                           (job_id,)).fetchone()
    return dt.datetime.fromisoformat(row[0]) if row and row[0] else None


def run_job(store_path: str, job_id: str, func: str, *args: Any) -> Any:
    """What the scheduler calls for every job: resolve the job's function by its textual reference
    now (a renamed one fails this run, recorded, and nothing else), record the start, run it,
    record the outcome. Runs in the executor thread, so start and finish are recorded in order."""
    path = Path(store_path)
    run_id = record(path, job_id, "running")
    try:
        result = ref_to_obj(func)(*args)
    except Exception as exc:
        _finish(path, run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    _finish(path, run_id, "ok", str(result)[:500] if result is not None else None)
    return result


def _finish(store_path: Path, run_id: int, status: str, message: str | None) -> None:
    with _store(store_path) as store, store.transaction() as db:
        db.execute("UPDATE job_runs SET status=?, finished_at=?, message=? WHERE id=?",
                   (status, now_iso(), message, run_id))


def _listener(store_path: Path) -> Any:
    def on_missed(event: JobExecutionEvent) -> None:
        try:
            log.warning("job %s missed its run at %s (beyond the misfire grace)", event.job_id,
                        event.scheduled_run_time)
            record(store_path, event.job_id, "missed", scheduled_at=event.scheduled_run_time,
                   message="missed: the scheduler was down or busy beyond the misfire grace")
        except Exception:  # a bookkeeping failure must not stop the scheduler
            log.exception("cannot record the missed run of job %s", event.job_id)

    return on_missed


# --- building ---------------------------------------------------------------------------------------

def build_scheduler(settings: Settings, alert_settings: AlertSettings | None = None,
                    specs: Sequence[JobSpec] | None = None, *, now: dt.datetime | None = None) -> BuiltScheduler:
    """A scheduler with every job of `specs` (default: from config), not started."""
    alert_settings = alert_settings or AlertSettings.from_env()
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": alert_settings.misfire_grace_s})
    scheduler.add_listener(_listener(settings.store_path), EVENT_JOB_MISSED)
    built = BuiltScheduler(scheduler, list(job_specs(settings) if specs is None else specs))
    add_jobs(built, settings.store_path, now=now)
    return built


def add_jobs(built: BuiltScheduler, store_path: Path, *, now: dt.datetime | None = None) -> None:
    """(Re)add every job of `built.specs` under its stable id, replacing one of that id: running
    this again, on a running scheduler or after a restart, never duplicates a job."""
    now = now or dt.datetime.now(UTC)
    with _store(store_path) as store:
        for spec in built.specs:
            try:
                ref_to_obj(spec.func)
            except (LookupError, ValueError, TypeError) as exc:
                why = f"job function {spec.func!r} cannot be found ({exc}): job not scheduled"
                log.error("job %s: %s", spec.id, why)
                built.skipped[spec.id] = why
                record(store_path, spec.id, "failed", message=why)
                continue
            options: dict[str, Any] = {}
            if (last := last_run(store, spec.id)) is not None:
                missed = spec.trigger.get_next_fire_time(None, last + dt.timedelta(seconds=1))
                if missed is not None and missed <= now:
                    # Down through a window: schedule it now; APScheduler runs it once (coalesced)
                    # if within the grace, else reports it missed.
                    options["next_run_time"] = missed
            built.scheduler.add_job("alerts.scheduler:run_job", spec.trigger,
                                    args=[str(store_path), spec.id, spec.func, *spec.args], id=spec.id,
                                    name=spec.description or spec.id, replace_existing=True, **options)


def start(built: BuiltScheduler) -> None:
    built.scheduler.start()
    log.info("scheduler started with %d job(s)", len(built.scheduler.get_jobs()))


def shutdown(built: BuiltScheduler, *, wait: bool = True) -> None:
    if built.scheduler.running:
        built.scheduler.shutdown(wait=wait)


def job_table(settings: Settings, store: Store, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each configured job: its trigger, next run, and its last runs' outcome (`exportwatch jobs`)."""
    now = now or dt.datetime.now(UTC)
    out = []
    for spec in job_specs(settings):
        runs = store.db.execute("SELECT * FROM job_runs WHERE job_id=? ORDER BY id DESC LIMIT 1", (spec.id,)).fetchone()
        counts = {r[0]: r[1] for r in store.db.execute(
            "SELECT status, count(*) FROM job_runs WHERE job_id=? GROUP BY status", (spec.id,))}
        nxt = spec.trigger.get_next_fire_time(None, now)
        out.append({
            "id": spec.id, "function": spec.func, "trigger": str(spec.trigger), "description": spec.description,
            "next_run": now_iso(nxt) if nxt else None,
            "last_run": dict(runs) if runs else None,
            "runs": {s: counts.get(s, 0) for s in ("ok", "failed", "missed", "running")},
        })
    return out


def recent_runs(store: Store, *, statuses: Sequence[str] = (), limit: int = 50) -> list[dict[str, Any]]:
    sql = "SELECT * FROM job_runs"
    args: list[Any] = []
    if statuses:
        sql += f" WHERE status IN ({','.join('?' * len(statuses))})"
        args += list(statuses)
    return [dict(r) for r in store.db.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])]
