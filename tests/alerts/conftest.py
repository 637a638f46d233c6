"""Fixtures of the alert tests: a small store with a real change set (built once per session and
copied per test), a settings object that admits the loopback receiver, a fake clock."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from alerts.config import AlertSettings
from indexer.changes import ChangeSetRow, chain
from indexer.store import Store
from tests.alerts.builder import build_store, detect

# The Elasticsearch node of the contract suite, started once per session when a test asks for it.
from tests.contract.conftest import es_client, es_url  # noqa: F401


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts-template") / "store.sqlite"
    store = build_store(path)
    detect(store)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store(template_store: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "home" / "store.sqlite"
    path.parent.mkdir()
    shutil.copy(template_store, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture
def change_set(store: Store) -> ChangeSetRow:
    sets = [cs for _a, _b, cs in chain(store, "us-ecfr-ccl") if cs is not None]
    return sets[0]


@pytest.fixture
def settings() -> AlertSettings:
    return AlertSettings(allow_private=True, backoff_base_s=60, backoff_max_s=3600, dead_after_s=72 * 3600,
                         base_url="https://exportwatch.example")


@dataclass
class FakeClock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def timestamp(self) -> float:
        return self.now.timestamp()

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
