"""API test fixtures: one small store per session (tests/api/builder.py), apps over it with
regulatory data key-only (the default) and public."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from exportwatch.api.app import create_app
from exportwatch.settings import Settings
from tests.api.builder import Keys, build


@pytest.fixture(scope="session")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Keys]:
    return build(tmp_path_factory.mktemp("api") / "site", processed=True)


@pytest.fixture(scope="session")
def settings(api_store: tuple[Settings, Keys]) -> Settings:
    return api_store[0]


@pytest.fixture(scope="session")
def keys(api_store: tuple[Settings, Keys]) -> Keys:
    return api_store[1]


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """Key-only data (EXPORTWATCH_PUBLIC_DATA=false)."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def public_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(dataclasses.replace(settings, public_data=True)),
                    raise_server_exceptions=False) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@pytest.fixture
def fresh_home(tmp_path: Path) -> tuple[Settings, Keys]:
    """A store of its own, for tests that change accounts."""
    return build(tmp_path / "site")
