"""Shared fixtures. Real documents are read from the shared corpus, never copied into the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def corpus_root() -> Path:
    return Path(os.environ.get("EXPORTWATCH_CORPUS", REPO.parent / "shared" / "corpus")).resolve()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    root = corpus_root()
    if not (root / "MANIFEST.tsv").is_file():
        # The corpus is part of the test environment (CI lays it beside the checkout): a missing
        # corpus is a broken setup, not a reason to pass quietly.
        pytest.fail(f"corpus not found at {root}; set EXPORTWATCH_CORPUS")
    return root


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
