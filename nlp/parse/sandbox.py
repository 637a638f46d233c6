"""Run a parser in a child process with a time and memory limit.

A hostile or pathological document (a PDF that loops, a decompression bomb) can then cost at most
the limits, and the calling process — which holds the store — is never taken down with it.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
from multiprocessing.connection import Connection
from typing import Any

from exportwatch.errors import ExportWatchError, ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, get_parser

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_BYTES = 4 * 1024**3


def _child(fmt: str, bundle: Bundle, memory: int, conn: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        conn.send(("ok", get_parser(fmt)(bundle)))
    except ExportWatchError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", f"parser ran out of memory (limit {memory // 1024**2} MiB)"))
    except Exception as exc:  # a parser bug must become a recorded failure, not a dead crawl
        conn.send(("error", f"parser crashed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def parse_in_sandbox(fmt: str, bundle: Bundle, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                     memory_bytes: int = DEFAULT_MEMORY_BYTES) -> ParsedDocument:
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fmt, bundle, memory_bytes, sender), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise ParseError(f"{bundle.source_id}: parsing took longer than {timeout_s:.0f} s; stopped")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise ParseError(f"{bundle.source_id}: parser process died (exit {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    if status != "ok":
        raise ParseError(f"{bundle.source_id}: {payload}")
    result: Any = payload
    return result  # type: ignore[no-any-return]
