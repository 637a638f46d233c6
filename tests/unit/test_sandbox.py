"""Document-reading code runs in a child process: a hang, a crash or a memory blow-up becomes a
ParseError, and the caller survives."""

from __future__ import annotations

import json
import time

import pytest

from exportwatch.errors import ParseError
from nlp.parse.sandbox import run_sandboxed


def test_result_comes_back() -> None:
    assert run_sandboxed(json.loads, '{"a": 1}', label="doc", what="parsing") == {"a": 1}


def test_hang_is_stopped_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match="doc: sleeping took longer than 1 s"):
        run_sandboxed(time.sleep, 30, label="doc", what="sleeping", timeout_s=1)
    assert time.monotonic() - started < 10


def test_crash_becomes_a_parse_error() -> None:
    with pytest.raises(ParseError, match="doc: parsing crashed: JSONDecodeError"):
        run_sandboxed(json.loads, "{not json", label="doc", what="parsing")


def test_memory_limit() -> None:
    with pytest.raises(ParseError, match="ran out of memory"):
        run_sandboxed(bytearray, 512 * 1024**2, label="doc", what="parsing", memory_bytes=256 * 1024**2)
