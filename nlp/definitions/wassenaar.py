"""Wassenaar Arrangement definitions: the `16 DEF` Word file of the 2015-2021 editions, or the
Definitions section of the 2025 PDF (FORMATS.md 5a "DEF", 5b).

Both keep the printed two-column layout: the left column is the list reference (`Cat 2, 3,`),
the right column the term (`"Accuracy"`), then its text. A long reference spills into the next
lines' left column, before the text (`6, 7, 8<TAB>(Usually measured …`); those pieces extend the
scope. Notes (`N.B.`, `Note`, `Technical Note(s)`) follow the text in the right column.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from exportwatch.errors import ParseError
from nlp.definitions.heads import NOTE_LABEL, DefinitionBuilder, Head, parse_quoted_head
from nlp.definitions.model import Extracted
from nlp.definitions.scopes import split_wa_reference
from nlp.parse import FetchedFile
from nlp.parse.eurlex_pdf.reflow import Vocabulary
from nlp.parse.tools import doc_to_text, pdf_to_layout_text
from nlp.parse.wassenaar_pdf_layout import read_layout

__all__ = ["extract", "extract_doc_text", "extract_pdf_text"]

_DEF_NAME = re.compile(r"\bDEF\b")
# The PDF's reference column starts at the margin; a term starts after it (column 12-16, up to 20
# after a long reference), a term without a reference by column 16; text lines start at 16-19.
_PDF_REFERENCE_COL = 4
_PDF_TERM_COL = 16
_PDF_TERM_COL_AFTER_REFERENCE = 21


def _name(f: FetchedFile) -> str:
    return unquote(PurePosixPath(urlparse(f.url).path).name)


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    pdfs = [f for f in files if f.content.startswith(b"%PDF-")]
    if pdfs:
        if len(pdfs) != 1:
            raise ParseError(f"{source_id}: expected one PDF of the whole list, got {len(pdfs)}")
        what = f"{source_id} ({pdfs[0].url})"
        result = extract_pdf_text(pdf_to_layout_text(pdfs[0].content, what=what), what=what,
                                  language=pdfs[0].language)
        return Extracted(result.definitions, result.warnings, (pdfs[0].url,), result.stats)
    defs = [f for f in files if _DEF_NAME.search(_name(f)) and _name(f).lower().endswith(".doc")]
    if len(defs) != 1:
        names = ", ".join(_name(f) for f in files)
        raise ParseError(f"{source_id}: expected one definitions file ('… DEF.doc') among the edition's "
                         f"files, found {len(defs)} ({names})")
    what = f"{source_id} ({_name(defs[0])})"
    result = extract_doc_text(doc_to_text(defs[0].content, what=what), what=what, language=defs[0].language)
    return Extracted(result.definitions, result.warnings, (defs[0].url,), result.stats)


def _term_head(text: str) -> Head | None:
    """A term line's right column: the quoted term, perhaps qualified (`"Bias" (gyro)`,
    `"Circular Error Probable" ("CEP")`) or a cross-reference (`… - see "Radar spread spectrum"`)."""
    head = parse_quoted_head(text, lambda _inner: False)
    if head is None or (head.rest and not re.match(r"^[-–—]\s*see\b", head.rest)):
        return None
    return head


def _result(builder: DefinitionBuilder, what: str) -> Extracted:
    definitions = builder.finish()
    if not definitions:
        raise ParseError(f"{what}: no definitions found (no `\"Term\"` lines in the right column)")
    return Extracted(tuple(definitions), tuple(builder.warnings), (),
                     {"definitions": len(definitions), "notes": sum(len(d.notes) for d in definitions)})


def _right(builder: DefinitionBuilder, text: str) -> None:
    """A right-column line that is not a term: a note label, or text of the definition or note."""
    note = NOTE_LABEL.match(text)
    if note:
        builder.note(note.group("label"), note.group("rest"))
    else:
        builder.text(text)


def extract_doc_text(text: str, *, what: str = "Wassenaar DEF", language: str = "en") -> Extracted:
    """Definitions from `antiword` text of the DEF file: one paragraph per line, TAB-separated
    columns, terms preceded by a blank line."""
    lines = text.split("\n")
    builder = DefinitionBuilder(language, Vocabulary(lines))
    gap = True
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            gap = True
            continue
        left, _, right = raw.partition("\t") if "\t" in raw else ("", "", raw)
        right = right.strip()
        ref, rest = split_wa_reference(left) if left.strip() else ("", "")
        if rest:  # a label in the left column (`Note`, `a.`, `1.`) belongs to the text
            ref, right = "", f"{left.strip()}\t{right}"
        was_gap, gap = gap, False
        head = _term_head(right) if was_gap else None
        if head is not None:
            builder.start(head.term, ref, head.rest, where=f"{what} line {lineno}")
            continue
        if not builder.open:
            continue  # title and introductory notes
        builder.add_scope(ref)
        if right:
            _right(builder, right)
    return _result(builder, what)


def extract_pdf_text(text: str, *, what: str = "Wassenaar list PDF", language: str = "en") -> Extracted:
    """Definitions from `pdftotext -layout` text of the 2025 list (its `DEFINITIONS` pages)."""
    layout = read_layout(text)
    lines = [line for line in layout.lines if line.section == "defs" and line.kind == "text"]
    builder = DefinitionBuilder(language, Vocabulary(line.text for line in lines))
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        ref, right = split_wa_reference(line.text) if line.col < _PDF_REFERENCE_COL else ("", line.text)
        term_col = line.col + len(line.text) - len(right)
        limit = _PDF_TERM_COL_AFTER_REFERENCE if ref else _PDF_TERM_COL
        head = _term_head(right) if term_col < limit else None
        if head is None and right.startswith('"') and right.count('"') == 1 and i < len(lines):
            # a term too long for its line: `Cat 7   "Circulation-controlled anti-torque or …`
            joined = _term_head(f"{right} {lines[i].text}")
            if joined is not None:
                head, i = joined, i + 1
        if head is not None:
            builder.start(head.term, ref, head.rest, where=f"{what} line {line.lineno}")
            continue
        if not builder.open:
            continue
        builder.add_scope(ref)
        if right:
            _right(builder, right)
    return _result(builder, what)
