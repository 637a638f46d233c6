"""Run document-reading code (a parser, a definitions extractor) in a child process with a time
and memory limit.

A hostile or pathological document (a PDF that loops, a decompression bomb) can then cost at most
the limits, and the calling process — which holds the store — is never taken down with it.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from exportwatch.errors import ExportWatchError, ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, get_parser

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_BYTES = 4 * 1024**3


def _child(func: Callable[..., Any], args: tuple[Any, ...], what: str, memory: int, conn: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        conn.send(("ok", func(*args)))
    except ExportWatchError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", f"{what} ran out of memory (limit {memory // 1024**2} MiB)"))
    except Exception as exc:  # a bug in the reading code must become a recorded failure, not a dead crawl
        conn.send(("error", f"{what} crashed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_sandboxed(func: Callable[..., Any], *args: Any, label: str, what: str,
                  timeout_s: float = DEFAULT_TIMEOUT_S, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Any:
    """`func(*args)` in a spawned process; ParseError (prefixed with `label`) on error, timeout or
    death. `func` must be importable by name (a module-level function) and its result picklable."""
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(func, args, what, memory_bytes, sender), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise ParseError(f"{label}: {what} took longer than {timeout_s:.0f} s; stopped")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise ParseError(f"{label}: {what} process died (exit {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    if status != "ok":
        raise ParseError(f"{label}: {payload}")
    return payload


def _parse(fmt: str, bundle: Bundle) -> ParsedDocument:
    return get_parser(fmt)(bundle)


def parse_in_sandbox(fmt: str, bundle: Bundle, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                     memory_bytes: int = DEFAULT_MEMORY_BYTES) -> ParsedDocument:
    result = run_sandboxed(_parse, fmt, bundle, label=bundle.source_id, what="parsing",
                           timeout_s=timeout_s, memory_bytes=memory_bytes)
    if not isinstance(result, ParsedDocument):
        raise ParseError(f"{bundle.source_id}: parser returned {type(result).__name__}, not a ParsedDocument")
    return result
