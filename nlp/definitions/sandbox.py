"""Run a definitions extractor in a child process with a time and memory limit, as parsers are
run (`nlp/parse/sandbox.py`): the same documents, read by different code, cost at most the limits
and cannot take the crawl down."""

from __future__ import annotations

import multiprocessing as mp
import resource
from multiprocessing.connection import Connection

from exportwatch.errors import ExportWatchError, ParseError
from nlp.definitions import extract_definitions
from nlp.definitions.model import Extracted
from nlp.parse import FetchedFile


def _child(fmt: str, files: tuple[FetchedFile, ...], source_id: str, memory: int, conn: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        conn.send(("ok", extract_definitions(fmt, files, source_id)))
    except ExportWatchError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", f"definitions extractor ran out of memory (limit {memory // 1024**2} MiB)"))
    except Exception as exc:  # an extractor bug must become a recorded failure, not a dead crawl
        conn.send(("error", f"definitions extractor crashed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def extract_in_sandbox(fmt: str, files: tuple[FetchedFile, ...], source_id: str, *,
                       timeout_s: float, memory_bytes: int) -> Extracted:
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fmt, files, source_id, memory_bytes, sender), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise ParseError(f"{source_id}: extracting definitions took longer than {timeout_s:.0f} s; stopped")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise ParseError(f"{source_id}: definitions extractor process died (exit {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    if status != "ok" or not isinstance(payload, Extracted):
        raise ParseError(f"{source_id}: {payload}")
    return payload
