"""The service's scheduler (RELIABILITY.md test 9): jobs rebuilt from config without duplicates,
a window missed during downtime runs once within the grace (or is recorded as missed beyond it),
a job whose function was renamed is recorded and skipped while the others run, failures are
recorded. Real APScheduler, real time (short waits), real store."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from alerts.config import AlertSettings
from alerts.scheduler import BuiltScheduler, JobSpec, add_jobs, build_scheduler, job_specs, record, shutdown, start
from exportwatch.settings import REPO_ROOT, Settings
from indexer.store import Store

UTC = dt.UTC


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path / "home"),
                              "EXPORTWATCH_SOURCES": str(REPO_ROOT / "config" / "sources.yml")})


def runs(settings: Settings, job_id: str) -> list[tuple[str, str | None]]:
    with Store(settings.store_path) as store:
        return [(r[0], r[1]) for r in store.db.execute(
            "SELECT status, message FROM job_runs WHERE job_id=? ORDER BY id", (job_id,))]


def wait_for(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_jobs_from_config_have_stable_ids_utc_and_explicit_policy(settings: Settings) -> None:
    specs = job_specs(settings)
    ids = [s.id for s in specs]
    assert "crawl:us-ecfr-ccl" in ids and "deliver" in ids and "digest:daily" in ids and "digest:weekly" in ids
    assert len(ids) == len(set(ids))
    built = build_scheduler(settings, AlertSettings(misfire_grace_s=1800), now=dt.datetime.now(UTC))
    built.scheduler.start(paused=True)  # job defaults apply when the scheduler starts
    try:
        jobs = built.scheduler.get_jobs()
        assert len(jobs) == len(specs)
        for job in jobs:
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 1800)
            assert str(job.trigger.timezone) == "UTC"
            assert job.func_ref == "alerts.scheduler:run_job"  # a textual reference, not a pickle
            assert job.args[1] == job.id and ":" in job.args[2]  # the job's own function, by name too
    finally:
        shutdown(built, wait=False)


def test_rebuilding_and_restarting_does_not_duplicate_jobs(settings: Settings) -> None:
    built = build_scheduler(settings, AlertSettings())
    start(built)
    try:
        n = len(built.scheduler.get_jobs())
        add_jobs(built, settings.store_path)  # rebuilt from config on a running scheduler
        add_jobs(built, settings.store_path)
        assert len(built.scheduler.get_jobs()) == n == len(job_specs(settings))
    finally:
        shutdown(built)
    again = build_scheduler(settings, AlertSettings())  # a restart
    assert sorted(j.id for j in again.scheduler.get_jobs()) == sorted(s.id for s in job_specs(settings))


def _hourly_half_an_hour_ago() -> CronTrigger:
    # Fires at a minute 30 minutes from now: the latest window is ~30 min in the past and the next
    # one ~30 min ahead, so nothing fires on its own during the test.
    return CronTrigger(minute=(dt.datetime.now(UTC).minute + 30) % 60, timezone=UTC)


def _downtime(settings: Settings, spec: JobSpec, grace_s: int, tmp: Path) -> BuiltScheduler:
    # The job last ran five hours ago: the service was down through five windows.
    record(settings.store_path, spec.id, "ok", scheduled_at=dt.datetime.now(UTC) - dt.timedelta(hours=5))
    return build_scheduler(settings, AlertSettings(misfire_grace_s=grace_s), [spec])


def test_window_missed_during_downtime_runs_once_within_grace(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "ran.txt"
    spec = JobSpec("test:hourly", "tests.alerts.jobfuncs:record", _hourly_half_an_hour_ago(), (str(out),))
    built = _downtime(settings, spec, 3 * 3600, tmp_path)
    start(built)
    try:
        wait_for(lambda: runs(settings, spec.id)[-1][0] == "ok" and len(runs(settings, spec.id)) == 2)
        time.sleep(1.0)
    finally:
        shutdown(built)
    assert lines(out) == 1  # five missed windows, coalesced into one run
    assert [r[0] for r in runs(settings, spec.id)] == ["ok", "ok"]


def test_window_missed_beyond_grace_is_recorded_not_run(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "ran.txt"
    spec = JobSpec("test:hourly", "tests.alerts.jobfuncs:record", _hourly_half_an_hour_ago(), (str(out),))
    built = _downtime(settings, spec, 60, tmp_path)
    start(built)
    try:
        wait_for(lambda: runs(settings, spec.id)[-1][0] == "missed")
    finally:
        shutdown(built)
    assert lines(out) == 0
    assert "beyond the misfire grace" in (runs(settings, spec.id)[-1][1] or ""), runs(settings, spec.id)


def test_renamed_job_function_is_recorded_and_the_others_run(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "ran.txt"
    soon = DateTrigger(dt.datetime.now(UTC) + dt.timedelta(milliseconds=300), timezone=UTC)
    specs = [JobSpec("test:renamed", "tests.alerts.jobfuncs:record_renamed_away", soon, (str(out),)),
             JobSpec("test:fine", "tests.alerts.jobfuncs:record", soon, (str(out),)),
             JobSpec("test:fails", "tests.alerts.jobfuncs:fail", soon, (str(out),))]
    built = build_scheduler(settings, AlertSettings(), specs)
    assert set(built.skipped) == {"test:renamed"}
    start(built)
    try:
        wait_for(lambda: bool(runs(settings, "test:fine")) and runs(settings, "test:fine")[-1][0] == "ok"
                 and bool(runs(settings, "test:fails")) and runs(settings, "test:fails")[-1][0] == "failed")
        assert built.scheduler.running
    finally:
        shutdown(built)
    assert lines(out) == 1
    [(status, message)] = runs(settings, "test:renamed")
    assert status == "failed" and "cannot be found" in (message or "")
    assert "failing on purpose" in (runs(settings, "test:fails")[-1][1] or "")


def test_dst_week_fires_once_a_day_at_the_same_utc_time() -> None:
    # Europe and the US change clocks in March; crawl schedules are read as UTC (as job_specs
    # does), so the week across the change has one run a day at 07:15 UTC: none skipped or doubled.
    trigger = CronTrigger.from_crontab("15 7 * * *", timezone=UTC)
    fires, t = [], dt.datetime(2026, 3, 26, tzinfo=UTC)
    while (t := trigger.get_next_fire_time(fires[-1] if fires else None, t)) < dt.datetime(2026, 4, 2, tzinfo=UTC):
        fires.append(t)
        t = t + dt.timedelta(seconds=1)
    assert [f.isoformat() for f in fires] == [f"2026-{d}T07:15:00+00:00" for d in (
        "03-26", "03-27", "03-28", "03-29", "03-30", "03-31", "04-01")]
