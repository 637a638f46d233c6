"""EU Annex I (consolidated EUR-Lex PDF): Part I, "DEFINITIONS OF TERMS USED IN THIS ANNEX".

After `pdftotext -layout` every paragraph starts at column 6 after a blank line; a definition
opens with `"Term" (category list) means …` (FORMATS.md 4a: ~176 such lines in 2022), notes follow
as `N.B.`, `N.B.1.`, `Technical Note:` paragraphs, and a definition's sub-items (`a. …`) as
further paragraphs. Two heads break the pattern: a term too long for one line (`"Circulation-
controlled anti-torque or …` / `… control systems" (7) means`), joined with its next line, and a
cross-reference with a word after the term (`"Spread spectrum" radar (6) - see "Radar spread
spectrum".`). Running headers, amendment markers (`▼M1`) and page breaks are dropped.
"""

from __future__ import annotations

import re

from exportwatch.errors import ParseError
from nlp.definitions.heads import NOTE_LABEL, DefinitionBuilder, parse_quoted_head
from nlp.definitions.model import Extracted
from nlp.definitions.scopes import is_eu_scope
from nlp.parse import FetchedFile
from nlp.parse.eurlex_pdf.reflow import Vocabulary
from nlp.parse.tools import pdf_to_layout_text, run_converter

__all__ = ["extract", "extract_layout_text"]

_HEADING = re.compile(r"^\s*DEFINITIONS OF TERMS USED IN THIS ANNEX\s*$")
_END = re.compile(r"^\s*(?:PART II|ANNEX II)\s*$")
_HEADER = re.compile(r"^\s*0\d{4}[A-Z]\d{4} — [A-Z]{2} — \d{2}\.\d{2}\.\d{4} — [\d.]+ — \d+\s*$")
_MARKER_LINE = re.compile(r"^\s*(?:[▼►][A-Z]\d*\s*)+$")
_INLINE_MARKER = re.compile(r"[▼►][A-Z]\d*|◄")
_PARAGRAPH_COL = range(4, 9)  # paragraphs start at column 6
# Part I ends on page ~53 of 392 (2022); converting the whole act costs ~8x as long.
_FIRST_PAGES = 120


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    pdfs = [f for f in files if f.content.startswith(b"%PDF-")]
    if len(pdfs) != 1:
        raise ParseError(f"{source_id}: expected one consolidated PDF, got {len(pdfs)}")
    pdf = pdfs[0]
    what = f"{source_id} ({pdf.url})"
    return _with_document(_extract(pdf, what), pdf.url)


def _with_document(result: Extracted, url: str) -> Extracted:
    return Extracted(result.definitions, result.warnings, (url,), result.stats)


def _extract(pdf: FetchedFile, what: str) -> Extracted:
    """Read the first pages only; the whole act if Part I does not end within them."""
    first = run_converter(["pdftotext", "-layout", "-enc", "UTF-8", "-l", str(_FIRST_PAGES)], pdf.content,
                          suffix=".pdf", argv_after_input=["-"], what=what)
    lines = first.split("\n")
    heading = next((i for i, raw in enumerate(lines) if _HEADING.match(raw)), None)
    if heading is not None and any(_END.match(raw.replace("\f", "")) for raw in lines[heading:]):
        return extract_layout_text(first, language=pdf.language, what=what)
    return extract_layout_text(pdf_to_layout_text(pdf.content, what=what), language=pdf.language, what=what)


def _region(lines: list[str], what: str) -> tuple[int, int]:
    start = next((i for i, raw in enumerate(lines) if _HEADING.match(raw)), None)
    if start is None:
        raise ParseError(f"{what}: no 'DEFINITIONS OF TERMS USED IN THIS ANNEX' heading")
    end = next((i for i in range(start + 1, len(lines)) if _END.match(lines[i].replace("\f", ""))), None)
    if end is None:
        raise ParseError(f"{what}: the definitions are not followed by 'PART II' (truncated?)")
    return start + 1, end


def _content(lines: list[tuple[int, str]]) -> list[tuple[int, int, str, bool]]:
    """(line number, column, text, follows a gap) for each content line; page furniture dropped."""
    out: list[tuple[int, int, str, bool]] = []
    gap = True
    for lineno, raw in lines:
        if "\f" in raw:
            gap = True  # a page break separates paragraphs as a blank line does
            raw = raw.replace("\f", "")
        if not raw.strip():
            gap = True
            continue
        if _HEADER.match(raw) or _MARKER_LINE.match(raw):
            gap = True
            continue
        text = _INLINE_MARKER.sub("", raw).rstrip()
        if not text.strip():
            continue
        out.append((lineno, len(text) - len(text.lstrip()), text.strip(), gap))
        gap = False
    return out


def extract_layout_text(text: str, *, language: str = "en", what: str = "EUR-Lex PDF") -> Extracted:
    """Definitions from the `pdftotext -layout` text of the consolidated act."""
    lines = text.split("\n")
    start, end = _region(lines, what)
    content = _content([(i + 1, lines[i]) for i in range(start, end)])
    builder = DefinitionBuilder(language, Vocabulary(t for _, _, t, _ in content))
    starts = 0
    i = 0
    while i < len(content):
        lineno, col, line, gap = content[i]
        i += 1
        at_margin = gap and col in _PARAGRAPH_COL
        if at_margin and line.startswith(('"', "\u201c")):
            head_text = line
            if line.count('"') + line.count("\u201c") + line.count("\u201d") == 1 and i < len(content):
                head_text = f"{line} {content[i][2]}"  # the term wraps onto the next line
            head = parse_quoted_head(head_text, is_eu_scope)
            if head is not None and (head.scope or re.match(r"^[-–—]\s*see\b", head.rest)):
                if head_text != line:
                    i += 1
                builder.start(head.term, head.scope, head.rest, where=f"{what} line {lineno}")
                starts += 1
                continue
            if builder.open:
                builder.warnings.append(f"{what} line {lineno}: {line[:60]!r} opens with a quoted term "
                                        "but has no category reference; read as text")
        if at_margin and (note := NOTE_LABEL.match(line)) and builder.open:
            builder.note(note.group("label"), note.group("rest"))
            continue
        if not builder.open:
            continue  # the introduction before the first term
        builder.text(line)
    definitions = builder.finish()
    if not definitions:
        raise ParseError(f"{what}: no definitions found under 'DEFINITIONS OF TERMS USED IN THIS ANNEX'")
    return Extracted(tuple(definitions), tuple(builder.warnings), (),
                     {"definitions": len(definitions), "notes": sum(len(d.notes) for d in definitions)})
