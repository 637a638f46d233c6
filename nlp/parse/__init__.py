"""Format parsers: one module per format, each registered under the format name used in
`config/sources.yml`.

A parser is a function `parse(bundle: Bundle) -> ParsedDocument`. It is strict: structure it
does not recognise becomes a warning in the result (or a ParseError when nothing sensible can be
made of the input); it never silently drops text into a default bucket.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exportwatch.errors import ConfigError, ParseError
from nlp.model import ParsedDocument


@dataclass(frozen=True)
class FetchedFile:
    """One downloaded file of a bundle."""

    url: str
    content: bytes
    media_type: str = ""
    language: str = "en"
    # The role the source config gives the file (e.g. "list", "definitions", "munitions").
    role: str = "list"


@dataclass(frozen=True)
class Bundle:
    """Everything one crawl of a source fetched: the parser's whole input."""

    source_id: str
    jurisdiction: str
    files: tuple[FetchedFile, ...]
    # The date the crawl asked for (eCFR serves a date you name; the file carries none itself).
    requested_date: dt.date | None = None
    options: dict[str, str] = field(default_factory=dict)


Parser = Callable[[Bundle], ParsedDocument]

# format name -> "module:function"; imported lazily so that a broken parser only breaks its source.
_PARSERS: dict[str, str] = {
    "justice-laws-xml": "nlp.parse.justice_laws_xml:parse",
    "ecfr-xml": "nlp.parse.ecfr_xml:parse",
    "eurlex-pdf": "nlp.parse.eurlex_pdf:parse",
    "dsgl-docx": "nlp.parse.dsgl_docx:parse",
    "wassenaar": "nlp.parse.wassenaar:parse",
    "ecfr-ear": "nlp.parse.ecfr_ear:parse",
    "justice-laws-provisions": "nlp.parse.justice_laws_provisions:parse",
    "eu-annex-json": "nlp.parse.eu_annex_json:parse",
    "country-groups-json": "nlp.parse.country_groups_json:parse",
    "federal-register-json": "nlp.parse.federal_register:parse",
}


def register_parser(fmt: str, target: str) -> None:
    """Register a parser for a format by dotted path (`package.module:function`)."""
    _PARSERS[fmt] = target


def known_formats() -> list[str]:
    return sorted(_PARSERS)


def get_parser(fmt: str) -> Parser:
    try:
        target = _PARSERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r}; known: {', '.join(known_formats())}") from None
    try:
        func: Parser = import_target(target)
    except ImportError as exc:
        raise ParseError(f"parser for {fmt!r} cannot be loaded: {exc}") from exc
    return func


def import_target(target: str) -> Any:
    """The object a `package.module:name` registry target names, imported on first use (so a
    broken parser or extractor only breaks its own source). Raises ImportError."""
    module_name, _, name = target.partition(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, name)
    except AttributeError as exc:
        raise ImportError(f"{module_name} has no {name!r}") from exc
