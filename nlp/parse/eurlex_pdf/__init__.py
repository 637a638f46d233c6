"""EU dual-use list: Annex I of Regulation (EU) 2021/821 in a consolidated EUR-Lex PDF.

The bundle holds one PDF (`…/TXT/PDF/?uri=CELEX:02021R0821-20220107`). Its text comes from
`pdftotext -layout`; `pages` strips the page furniture and cuts out Annex I (Categories 0–9, from
`PART II` up to `ANNEX II`; Part I's general notes and definitions are only counted), `tree`
rebuilds the hierarchy from columns and labels, and this module turns it into entries.
The version date is the consolidation date in the running header (`02021R0821 — EN — 07.01.2022`).
"""

from __future__ import annotations

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.eurlex_pdf.pages import Line, annex_i
from nlp.parse.eurlex_pdf.reflow import Vocabulary, first_sentence, join_lines
from nlp.parse.eurlex_pdf.tree import Node, TreeBuilder
from nlp.parse.tools import pdf_to_layout_text

__all__ = ["parse", "parse_layout_text"]


def _the_pdf(bundle: Bundle) -> FetchedFile:
    files = [f for f in bundle.files if f.role == "list"] or list(bundle.files)
    if not files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    if len(files) > 1:
        raise ParseError(f"{bundle.source_id}: expected one consolidated PDF, got {len(files)} files")
    return files[0]


def parse(bundle: Bundle) -> ParsedDocument:
    pdf = _the_pdf(bundle)
    what = f"{bundle.source_id} ({pdf.url})"
    text = pdf_to_layout_text(pdf.content, what=what)
    return parse_layout_text(text, language=pdf.language, what=what)


def _entry(node: Node, language: str, position: int, words: Vocabulary) -> ParsedEntry:
    text = join_lines(node.lines, words)
    # Categories and groups have a printed title; entries and items start with theirs.
    heading = join_lines([node.heading]) if node.heading is not None else first_sentence(text)
    path = node.path
    return ParsedEntry(
        code=node.code,
        parent=node.parent.code if node.parent else None,
        path=path,
        kind=node.kind,
        heading=heading,
        text=text,
        language=language,
        notes=tuple(node.notes),
        status="not-used" if node.not_used else "active",
        position=position,
    )


def parse_layout_text(text: str, *, language: str = "en", what: str = "EUR-Lex PDF") -> ParsedDocument:
    """Parse the `pdftotext -layout` text of the consolidated act (pages separated by \\f)."""
    annex = annex_i(text, what=what)
    words = Vocabulary(item.text for item in annex.items if isinstance(item, Line))
    builder = TreeBuilder(words)
    for item in annex.items:
        builder.feed(item)
    builder.finish()
    nodes = builder.nodes
    if not any(n.kind == "entry" for n in nodes):
        raise ParseError(f"{what}: no entries recognised in Annex I")
    entries = tuple(_entry(node, language, i, words) for i, node in enumerate(nodes))
    kinds = [n.kind for n in nodes]
    stats = {
        "categories": kinds.count("category"),
        "groups": kinds.count("group"),
        "entries": kinds.count("entry"),
        "items": kinds.count("item"),
        "notes": sum(len(n.notes) for n in nodes),
        "not_used": sum(1 for n in nodes if n.not_used),
        "tables": builder.tables,
        "definitions": annex.definitions,
        "warnings": len(builder.warnings),
    }
    return ParsedDocument(
        version_date=annex.version_date,
        title=f"{annex.title} (consolidated {annex.celex}, {annex.version_date.isoformat()})",
        entries=entries,
        warnings=tuple(builder.warnings),
        stats=stats,
    )
