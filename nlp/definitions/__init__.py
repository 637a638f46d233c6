"""Defined terms: one extractor per source format, registered under the format name used in
`config/sources.yml` (as the parsers are in `nlp/parse/__init__.py`).

An extractor is a function `extract(files, source_id) -> Extracted` reading the raw files of one
stored version. Like the parsers it is strict: what it cannot place becomes a warning, a document
it cannot read at all a ParseError. `extract_definitions` runs the one registered for a format and
makes the term keys unique within the version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from exportwatch.errors import ParseError
from nlp.definitions.keys import term_key
from nlp.definitions.model import Definition, DefinitionNote, Extracted
from nlp.parse import FetchedFile, import_target

__all__ = ["Definition", "DefinitionNote", "Extracted", "Extractor", "extract_definitions", "get_extractor",
           "has_extractor", "known_formats", "register_extractor"]

Extractor = Callable[[tuple[FetchedFile, ...], str], Extracted]

# format name -> "module:function"; imported lazily so that a broken extractor only breaks its source.
_EXTRACTORS: dict[str, str] = {
    "eurlex-pdf": "nlp.definitions.eurlex_pdf:extract",
    "wassenaar": "nlp.definitions.wassenaar:extract",
    "dsgl-docx": "nlp.definitions.dsgl_docx:extract",
    "ecfr-ear": "nlp.definitions.ecfr_ear:extract",
    "justice-laws-xml": "nlp.definitions.justice_laws_xml:extract",
    # Canada's Act and general export permits (the licensing sources): the same <Body> definitions.
    "justice-laws-provisions": "nlp.definitions.justice_laws_xml:extract",
    "eu-annex-json": "nlp.definitions.eu_annex_json:extract",
}


def register_extractor(fmt: str, target: str) -> None:
    """Register a definitions extractor for a format by dotted path (`package.module:function`)."""
    _EXTRACTORS[fmt] = target


def known_formats() -> list[str]:
    return sorted(_EXTRACTORS)


def has_extractor(fmt: str) -> bool:
    return fmt in _EXTRACTORS


def get_extractor(fmt: str) -> Extractor:
    try:
        target = _EXTRACTORS[fmt]
    except KeyError:
        raise ParseError(f"no definitions extractor for format {fmt!r}; known: {', '.join(known_formats())}") \
            from None
    try:
        func: Extractor = import_target(target)
    except ImportError as exc:
        raise ParseError(f"definitions extractor for {fmt!r} cannot be loaded: {exc}") from exc
    return func


def extract_definitions(fmt: str, files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    """Run the format's extractor and make every (language, term key) unique."""
    result = get_extractor(fmt)(files, source_id)
    definitions, warnings = unique_keys(result.definitions)
    return Extracted(definitions, (*result.warnings, *warnings), result.documents, result.stats)


def unique_keys(definitions: tuple[Definition, ...]) -> tuple[tuple[Definition, ...], list[str]]:
    """A term defined twice in one language gets its scope as a qualifier the second time
    (§ 772.1 `Repeatability` (Cat 7) and `Repeatability` (MTCR Context only) (Cat 7) become
    `repeatability` and `repeatability (mtcr context only)`); failing that, a number."""
    counts = Counter((d.language, d.term_key) for d in definitions)
    taken = {(d.language, d.term_key) for d in definitions}
    seen: set[tuple[str, str]] = set()
    out: list[Definition] = []
    warnings: list[str] = []
    for d in definitions:
        slot = (d.language, d.term_key)
        if counts[slot] == 1 or slot not in seen:
            seen.add(slot)
            out.append(d)
            continue
        first_scope = d.scope.split(")")[0].lstrip("(").strip()
        key = f"{d.term_key} ({term_key(first_scope)})" if first_scope else ""
        n = 2
        while not key or (d.language, key) in taken:
            key = f"{d.term_key} ({n})"
            n += 1
        if not first_scope:
            warnings.append(f"{d.term!r} is defined more than once with no scope to tell them apart; "
                            f"stored as {key!r}")
        taken.add((d.language, key))
        out.append(Definition(d.term, key, d.language, d.scope, d.text, d.notes, d.position,
                              d.id_key and f"{d.id_key}{key[len(d.term_key):]}"))
    return tuple(out), warnings
