"""Run external converters (pdftotext, antiword) with time and output limits."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from exportwatch.errors import ParseError

DEFAULT_TIMEOUT_S = 120.0
MAX_OUTPUT_BYTES = 64 * 1024 * 1024


def run_converter(
    argv_before_input: list[str],
    content: bytes,
    *,
    suffix: str,
    argv_after_input: list[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    what: str = "document",
) -> str:
    """Write `content` to a temporary file, run the tool on it and return its UTF-8 stdout.

    The tool must be on PATH (the Makefile installs it). A timeout, a non-zero exit or output over
    MAX_OUTPUT_BYTES become a ParseError naming the tool and the document.
    """
    tool = argv_before_input[0]
    if shutil.which(tool) is None:
        raise ParseError(f"{what}: the converter {tool!r} is not installed (run `make install`)")
    with tempfile.TemporaryDirectory(prefix="exportwatch-") as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(content)
        argv = [*argv_before_input, str(path), *(argv_after_input or [])]
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "LC_ALL": "C.UTF-8"},
            )
        except subprocess.TimeoutExpired as exc:
            raise ParseError(f"{what}: {tool} took longer than {timeout:.0f} s") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[:500]
        raise ParseError(f"{what}: {tool} failed (exit {proc.returncode}): {err}")
    if len(proc.stdout) > MAX_OUTPUT_BYTES:
        raise ParseError(f"{what}: {tool} output exceeds {MAX_OUTPUT_BYTES} bytes")
    return proc.stdout.decode("utf-8", "replace")


def pdf_to_layout_text(content: bytes, *, what: str = "PDF", timeout: float = DEFAULT_TIMEOUT_S) -> str:
    """`pdftotext -layout` of a PDF; pages are separated by form feeds."""
    if not content.startswith(b"%PDF-"):
        raise ParseError(f"{what}: not a PDF (no %PDF- header)")
    return run_converter(
        ["pdftotext", "-layout", "-enc", "UTF-8"],
        content,
        suffix=".pdf",
        argv_after_input=["-"],
        timeout=timeout,
        what=what,
    )


def doc_to_text(content: bytes, *, what: str = "Word document", timeout: float = 60.0) -> str:
    """`antiword` of a legacy binary Word .doc: tabs kept, headers and footers dropped."""
    if not content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError(f"{what}: not a legacy Word .doc (no OLE2 header)")
    return run_converter(["antiword", "-m", "UTF-8.txt", "-w", "0"], content, suffix=".doc",
                         timeout=timeout, what=what)
