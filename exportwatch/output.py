"""Output helpers for the CLI: stable JSON, and rich tables for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def _default(obj: Any) -> Any:
    if isinstance(obj, dt.date | dt.datetime):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def print_json(data: Any) -> None:
    """JSON on stdout, keys in a stable order, no colour: other tools read this."""
    print(json.dumps(data, default=_default, ensure_ascii=False, indent=2))
