"""Australia's DSGL (DOCX): Part 1A, Division 4 "Definitions" (FORMATS.md 6).

Each term is a `Definition`-style paragraph, `“Aircraft” (1 6 7 9 ML8 ML10 ML14) means …`, with
the categories in parentheses separated by non-breaking spaces; its sub-items follow as
`paragraph`/`paragraph(sub)` paragraphs (`(a)\\t…`), its notes as `note(text)` paragraphs
(`Note:\\t…`, `Note 1:\\t…`, `Technical Notes:` then numbered `note(text)`/`note(para)` lines).
Two traps: one `Definition` paragraph starts with a space (`\\u00a0“Tip shroud” …`), and one is no
term at all but the body of the `Technical Note` before it (`For gyroscopes and accelerometers, …`).
"""

from __future__ import annotations

import re

from exportwatch.errors import ParseError
from nlp.definitions.heads import NOTE_LABEL, DefinitionBuilder, parse_quoted_head
from nlp.definitions.model import Extracted
from nlp.definitions.scopes import is_eu_scope
from nlp.parse import FetchedFile
from nlp.parse.dsgl_docx.container import Block, read_blocks

__all__ = ["extract", "extract_blocks"]

_DIVISION = re.compile(r"^Division\s+4\s*[—–-]\s*Definitions\b")
_HEADING_STYLES = re.compile(r"^ActHead \d")
_TEXT_STYLES = frozenset({"paragraph", "paragraph(sub)", "paragraph(sub-sub)"})
_NOTE_STYLES = frozenset({"note(text)", "note(para)"})
_VERBS = ("means", "mean", "is", "are", "refers")


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    docs = [f for f in files if f.content.startswith(b"PK")]
    docs = [f for f in docs if f.role == "list"] or docs
    if len(docs) != 1:
        raise ParseError(f"{source_id}: expected one DSGL DOCX, got {len(docs)}")
    doc = docs[0]
    what = f"{source_id} ({doc.url})"
    result = extract_blocks(read_blocks(doc.content, what), language=doc.language, what=what)
    return Extracted(result.definitions, result.warnings, (doc.url,), result.stats)


def _division(blocks: list[Block], what: str) -> list[Block]:
    start = next((i for i, b in enumerate(blocks)
                  if _HEADING_STYLES.match(b.style) and _DIVISION.match(b.text.replace("\u00a0", " "))), None)
    if start is None:
        raise ParseError(f"{what}: no 'Division 4—Definitions' heading in Part 1A")
    end = next((i for i in range(start + 1, len(blocks)) if _HEADING_STYLES.match(blocks[i].style)), len(blocks))
    return blocks[start + 1:end]


def extract_blocks(blocks: list[Block], *, language: str = "en", what: str = "DSGL DOCX") -> Extracted:
    builder = DefinitionBuilder(language)
    for block in _division(blocks, what):
        text = block.text.strip().strip("\u00a0").strip()
        where = f"{what} {block.where}"
        if block.rows is not None:
            builder.warnings.append(f"{where}: a table inside the definitions; not read")
            continue
        if not text:
            continue
        if block.style == "Definition" and text.startswith(("\u201c", '"')):
            head = parse_quoted_head(text, is_eu_scope)
            if head is not None and (head.scope or head.rest.split(" ", 1)[0].casefold() in _VERBS):
                builder.start(head.term, head.scope, head.rest, where=where)
                continue
            builder.warnings.append(f"{where}: {text[:60]!r} is styled as a definition but its term "
                                    "is not followed by categories or 'means'; read as text")
        if not builder.open:
            continue  # 4.1, 4.2 and the note on category references
        if block.style in _NOTE_STYLES and (note := NOTE_LABEL.match(text)):
            builder.note(note.group("label"), note.group("rest"))
        elif block.style in _NOTE_STYLES and not builder.in_note:
            builder.warnings.append(f"{where}: note paragraph without a note label; kept as a note")
            builder.note("Note", text)
        elif block.style in _NOTE_STYLES or block.style in _TEXT_STYLES or block.style == "Definition":
            builder.text(text)
        else:
            builder.warnings.append(f"{where}: paragraph style {block.style!r} inside the definitions; "
                                    "kept as text")
            builder.text(text)
    definitions = builder.finish()
    if not definitions:
        raise ParseError(f"{what}: no definitions under 'Division 4—Definitions'")
    return Extracted(tuple(definitions), tuple(builder.warnings), (),
                     {"definitions": len(definitions), "notes": sum(len(d.notes) for d in definitions)})
