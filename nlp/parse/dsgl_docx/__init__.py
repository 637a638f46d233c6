"""Australia's Defence and Strategic Goods List (DOCX from legislation.gov.au).

Parses Part 1 (Munitions List ML1-ML22 and national ML901-ML910) and Part 2 (Dual-use list,
Categories 0-9) into categories, groups, entries and items. Part 1A (definitions, general notes),
the Sensitive / Very Sensitive lists and Schedule 1 are not list entries and are skipped; the
number of definitions is reported in `stats`.
"""

from __future__ import annotations

import datetime as dt

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile
from nlp.parse.dsgl_docx.builder import TreeBuilder
from nlp.parse.dsgl_docx.container import read_blocks

_MONTHS = {m: i for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), start=1)}
DEFAULT_TITLE = "Defence and Strategic Goods List"


def _pick_file(bundle: Bundle) -> FetchedFile:
    docs = [f for f in bundle.files if f.content.startswith(b"PK")]
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    if not docs:
        urls = ", ".join(f.url for f in bundle.files)
        raise ParseError(f"{bundle.source_id}: no DOCX among the fetched files ({urls})")
    listed = [f for f in docs if f.role == "list"] or docs
    if len(listed) > 1:
        raise ParseError(f"{bundle.source_id}: expected one DOCX, got {len(listed)}")
    return listed[0]


def _version_date(builder: TreeBuilder, bundle: Bundle, what: str) -> dt.date:
    if builder.dated is not None:
        day, month, year = builder.dated
        if month in _MONTHS:
            try:
                return dt.date(int(year), _MONTHS[month], int(day))
            except ValueError:
                builder.warnings.append(f"document: 'Dated {day} {month} {year}' is not a date")
    if bundle.requested_date is not None:
        builder.warnings.append("document: no 'Dated …' line; version date is the requested date")
        return bundle.requested_date
    raise ParseError(f"{what}: the instrument states no date and the bundle has no requested date")


def parse(bundle: Bundle) -> ParsedDocument:
    file = _pick_file(bundle)
    what = f"{bundle.source_id} {file.url}"
    builder = TreeBuilder(file.language or "en")
    for block in read_blocks(file.content, what):
        builder.feed(block)
    entries = builder.entries()
    if not any(e.kind == "entry" for e in entries):
        raise ParseError(f"{what}: no DSGL entries found (no 'Part 1—Munitions list' or "
                         f"'Part 2—Dual-use list' with entries)")
    stats = dict(builder.stats)
    for e in entries:
        if e.kind == "entry":
            key = "entries_ML" if e.code.startswith("ML") else f"entries_cat{e.code[0]}"
            stats[key] = stats.get(key, 0) + 1
    stats["entries_total"] = len(entries)
    return ParsedDocument(
        version_date=_version_date(builder, bundle, what),
        title=builder.title or DEFAULT_TITLE,
        entries=tuple(entries),
        warnings=tuple(builder.warnings),
        stats=stats,
    )
