"""Run a definitions extractor in a child process with the parsers' time and memory limits
(`nlp/parse/sandbox.py`): the same documents, read by different code, cost at most the limits and
cannot take the crawl down."""

from __future__ import annotations

from exportwatch.errors import ParseError
from nlp.definitions import extract_definitions
from nlp.definitions.model import Extracted
from nlp.parse import FetchedFile
from nlp.parse.sandbox import run_sandboxed


def extract_in_sandbox(fmt: str, files: tuple[FetchedFile, ...], source_id: str, *,
                       timeout_s: float, memory_bytes: int) -> Extracted:
    result = run_sandboxed(extract_definitions, fmt, files, source_id, label=source_id,
                           what="extracting definitions", timeout_s=timeout_s, memory_bytes=memory_bytes)
    if not isinstance(result, Extracted):
        raise ParseError(f"{source_id}: definitions extractor returned {type(result).__name__}")
    return result
