"""Job functions for the scheduler tests, referenced by text as the service's jobs are."""

from __future__ import annotations

from pathlib import Path


def record(path: str) -> str:
    with Path(path).open("a", encoding="utf-8") as f:
        f.write("ran\n")
    return "recorded"


def fail(path: str) -> None:
    raise RuntimeError(f"failing on purpose ({path})")
