"""A crawl killed with SIGKILL at any stage loses nothing and stores nothing twice; the next crawl
completes the work (RELIABILITY.md, test 4). The kill points are checkpoints in exportwatch/ingest.py
armed by EXPORTWATCH_FAULT_KILL_AT, so each stage is hit deterministically."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest

from indexer.base import SearchQuery
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from tests.integration.conftest import Env

pytestmark = pytest.mark.slow


def run_cli(env: Env, kill_at: str | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "EXPORTWATCH_HOME": str(env.settings.home),
                   "EXPORTWATCH_SOURCES": str(env.settings.sources_file)}
    environment.pop("EXPORTWATCH_FAULT_KILL_AT", None)
    if kill_at:
        environment["EXPORTWATCH_FAULT_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "exportwatch.cli", "crawl", "--mirror", env.server.url],
                          env=environment, capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("stage", ["fetched", "snapshots-stored", "parsed", "version-stored", "processed", "indexed"])
def test_sigkill_at_each_stage_then_restart(env: Env, stage: str) -> None:
    env.catalog.pin("ca-ecl", dt.date(2025, 7, 24))
    killed = run_cli(env, kill_at=stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()

    done = run_cli(env)
    assert done.returncode == 0, done.stderr.decode()
    again = run_cli(env)
    assert again.returncode == 0, again.stderr.decode()

    with Store(env.settings.store_path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.counts()["versions"] == 1
        assert store.counts()["snapshots"] == 2
        version = store.current_version("ca-ecl")
        assert version is not None
        assert len(store.entries(version.id)) == version.entry_count
        crawls = store.crawls("ca-ecl")
        assert [c.status for c in crawls][:2] == ["unchanged", "new-version" if stage in (
            "fetched", "snapshots-stored", "parsed") else "unchanged"]
        assert crawls[-1].status == "failed" and "interrupted" in (crawls[-1].message or "")
    # The search index holds the current version even when the kill came before indexing.
    backend = EmbeddedBackend(env.settings.search_path)
    try:
        assert backend.search(SearchQuery("logs", jurisdictions=["ca"])).total > 0
    finally:
        backend.close()
