"""Wassenaar Arrangement list 2025 (`WA-LIST (25) 1 Corr.`) as one PDF: the Dual-use List
categories 1-9 and the Munitions List ML1-ML22 (FORMATS.md 5b).

Codes follow the per-category Word files' scheme (`nlp.parse.wassenaar_doc`): category "3",
group "3.A", entry "3.A.1", items "3.A.1.a.1"; category "ML", entries "ML1"…"ML22", items
"ML8.a.17". The table of contents, the general notes, the Sensitive and Very Sensitive Lists
(abbreviated references to Dual-use entries), the definitions, acronyms and statements of
understanding are not list entries; they are counted in `stats`, not parsed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle
from nlp.parse import wassenaar_pdf_lines as wl
from nlp.parse.tools import pdf_to_layout_text
from nlp.parse.wassenaar_pdf_builder import TreeBuilder
from nlp.parse.wassenaar_pdf_layout import Layout, Line, read_layout

__all__ = ["parse", "parse_layout_text"]

_LIST_SECTIONS = ("dual", "ml")
# A definition's term line: an optional left-column reference (`Cat 1, 6,`, `ML8`, `GTN &`),
# then the quoted term starting the right column, perhaps a cross-reference (`- see "…"`);
# or a reference and a term too long for one line (`Cat 7   "Circulation-controlled …`).
_DEFINITION_TERM = re.compile(
    r"^(?:\S.*?\s{2,})?\"[^\"]+\"(?:\s*\([^)]*\))?(?:\s+\w+)?(?:\s+-\s+see\s.*)?\s*$"
    r"|^(?:Cat|ML|G[TS]N)[^\"]*?\s{2,}\"[^\"]+$")
# `-   Category 5 - Part 2 "Information Security"......  93` in the table of contents
_TOC_CATEGORY = re.compile(
    r"^-\s+Category\s+(\d)(?:\s*[-–]\s*Part\s*\d)?\s+(\S.*?)\s*(?:\.{3,}|…).*$")


def parse(bundle: Bundle) -> ParsedDocument:
    if len(bundle.files) != 1:
        raise ParseError(f"{bundle.source_id}: expected one PDF of the whole list, "
                         f"got {len(bundle.files)} files")
    fetched = bundle.files[0]
    what = f"{bundle.source_id} {fetched.url or '(no URL)'}"
    text = pdf_to_layout_text(fetched.content, what=what)
    return parse_layout_text(text, what=what, language=fetched.language or "en")


def _explicit_codes(lines: tuple[Line, ...]) -> set[str]:
    """Codes printed in full somewhere: a bare label never stands for one of them."""
    codes: set[str] = set()
    for line in lines:
        if line.section not in _LIST_SECTIONS or line.kind != "text":
            continue
        full = wl.full_code(line.text, line.col, line.section == "ml")
        if full is None:
            continue
        code = f"ML{full.number}" if full.group is None else \
            f"{full.category}.{full.group}.{full.number}"
        code = ".".join([code, *(t.label for t in full.tokens)])
        codes.add(code)
    return codes


def _category_titles(layout: Layout) -> dict[str, str]:
    """Category titles as the table of contents prints them, the parts of Category 5 joined
    (`Telecommunications and "Information Security"`), as the per-category Word files'
    parser names them; the running header has them in capitals only."""
    parts: dict[str, list[str]] = {}
    for line in layout.lines:
        if line.section != "front":
            continue
        m = _TOC_CATEGORY.match(line.text)
        if m:
            parts.setdefault(m.group(1), []).append(m.group(2).strip())
    return {cat: " and ".join(titles) for cat, titles in parts.items()}


def _version_date(layout: Layout, what: str) -> dt.date:
    # Every page header carries the same date. In `WA-LIST (25) 1 Corr.` (cover: "2025 Corr.*",
    # the corrigendum re-inserting ML7.d. in ML7.e.1.) it is 15-01-2026, the corrigendum's
    # date, not the December 2025 Plenary's: it dates this text, so it is the version date.
    dates = Counter(layout.dates)
    if not dates:
        raise ParseError(f"{what}: no running-header date (dd-mm-yyyy) on any page")
    return dates.most_common(1)[0][0]


def _stats(entries: list[ParsedEntry], layout: Layout, builder: TreeBuilder) -> dict[str, int]:
    stats: dict[str, int] = {"pages": layout.pages}
    kinds: Counter[str] = Counter(e.kind for e in entries)
    plural = {"category": "categories", "group": "groups", "entry": "entries", "item": "items"}
    for kind, name in plural.items():
        stats[name] = kinds[kind]
    for entry in entries:
        if entry.kind == "entry":
            key = f"entries_{entry.path[0]}"
            stats[key] = stats.get(key, 0) + 1
        if entry.status != "active":
            key = entry.status.replace("-", "_")
            stats[key] = stats.get(key, 0) + 1
    stats.update(builder.stats)
    skipped = Counter(line.section for line in layout.lines
                      if line.section not in _LIST_SECTIONS)
    for section, count in skipped.items():
        stats[f"skipped_lines_{section}"] = count
    stats["definitions"] = sum(1 for line in layout.lines if line.section == "defs"
                               and _DEFINITION_TERM.match(line.text))
    return stats


def parse_layout_text(text: str, *, what: str = "Wassenaar list PDF",
                      language: str = "en") -> ParsedDocument:
    """Parse `pdftotext -layout` output of the list (pages separated by form feeds)."""
    layout = read_layout(text)
    if layout.list_id is None:
        raise ParseError(f"{what}: no 'WA-LIST (yy) n' running header; not a Wassenaar list")
    version_date = _version_date(layout, what)
    builder = TreeBuilder(_explicit_codes(layout.lines), _category_titles(layout), language)
    for line in layout.lines:
        if line.section in _LIST_SECTIONS:
            builder.feed(line)
    entries = builder.finish()
    if not any(e.kind == "entry" for e in entries):
        raise ParseError(f"{what}: no list entries (x. Y. n. or MLn.) found")
    return ParsedDocument(
        version_date=version_date,
        title="Wassenaar Arrangement List of Dual-Use Goods and Technologies and Munitions "
              f"List, {layout.list_id}",
        entries=tuple(entries),
        warnings=(*(f"{t}: page title of no known section; page not parsed"
                    for t in layout.unknown_titles), *builder.warnings),
        stats=_stats(entries, layout, builder),
    )
