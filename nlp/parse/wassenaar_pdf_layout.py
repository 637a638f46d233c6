"""Page layout of the Wassenaar 2025 list as `pdftotext -layout` prints it (FORMATS.md 5b).

Turns the text into a stream of content lines that know their section (which list, which
dual-use category) and drops what is page furniture: the running `WA-LIST (25) 1 Corr.` /
date / page-number lines, the `____` rules and the section title between them, and page-bottom
footnotes (`* The Russian Federation …`), which are handed on as separate lines.
pdftotext prints a page's `WA-LIST`/date lines at the end of the previous form-feed chunk and
its rule/title/rule block at the start of the chunk; both are recognised by pattern, not place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Section = Literal["front", "preamble", "dual", "sl", "vsl", "ml", "defs", "acronyms", "sou",
                  "unknown"]
LineKind = Literal["text", "footnote"]

_LIST_ID = re.compile(r"^\s*(WA-LIST\s*\(\d{2}\)\s*\d+(?:\s*Corr\.?(?:\s*\d+)?)?)\s*$")
_DATE_PAGE = re.compile(
    r"^\s*(?:-\s*\d+\s*-\s*)?(\d{2})-(\d{2})-(\d{4})\s*(?:-\s*\d+\s*-?)?\s*$")
_RULE = re.compile(r"^\s*_{5,}\s*$")
_CATEGORY_TITLE = re.compile(r"^DUAL-USE LIST\s*-\s*CATEGORY\s+(\d)\s*[-–]\s*(.+)$")
_FOOTNOTE_START = re.compile(r"^ {0,2}\*{1,2}\s+\S")
_FOOTNOTE_CONT = re.compile(r"^ {1,4}\S")
_HEADER_SCAN = 8  # the rule/title/rule block sits within the first lines of a chunk
# Glyphs of the Symbol font come out of pdftotext as private-use code points U+F0xx, xx being
# the Symbol-font code: `1 \uf06ds` is "1 µs", `(180\uf0b0C)` is "(180°C)".
SYMBOL_FONT = str.maketrans({
    "\uf020": " ", "\uf02a": "*", "\uf02d": "-", "\uf02f": "/", "\uf041": "A",
    "\uf063": "χ", "\uf06c": "λ", "\uf06d": "µ", "\uf077": "ω", "\uf0a2": "′",
    "\uf0b0": "°", "\uf0b4": "×", "\uf0b7": "•",
})

_SECTION_TITLES: dict[str, Section] = {
    "DUAL-USE LIST": "preamble",
    "SENSITIVE LIST": "sl",
    "VERY SENSITIVE LIST": "vsl",
    "MUNITIONS LIST": "ml",
    "DEFINITIONS": "defs",
    "ACRONYMS AND ABBREVIATIONS": "acronyms",
    "STATEMENTS OF UNDERSTANDING AND VALIDITY NOTES": "sou",
}


@dataclass(frozen=True)
class Line:
    """One content line: `col` is its indentation, `text` the line without it."""

    lineno: int  # 1-based in the pdftotext output, for warnings
    page: int  # 1-based form-feed chunk
    col: int
    text: str
    section: Section
    category: str | None = None  # dual-use category digit
    category_title: str | None = None
    kind: LineKind = "text"


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]
    list_id: str | None  # e.g. "WA-LIST (25) 1 Corr."
    dates: tuple[dt.date, ...]  # running-header dates, in page order
    pages: int
    unknown_titles: tuple[str, ...] = ()  # `page N: TITLE` of pages in no known section


def _title_section(title: str) -> tuple[Section, str | None, str | None]:
    m = _CATEGORY_TITLE.match(title)
    if m:
        return "dual", m.group(1), m.group(2).strip()
    key = title.rstrip("*").strip().upper()
    return _SECTION_TITLES.get(key, "unknown"), None, None


def _page_title(lines: list[str]) -> tuple[str | None, int]:
    """The title between the first two rules at the top of a chunk, and how many lines the
    rule/title/rule block takes (0 when the chunk has none)."""
    rules = [i for i, raw in enumerate(lines[:_HEADER_SCAN]) if _RULE.match(raw)]
    if len(rules) < 2:
        return None, 0
    first, second = rules[0], rules[1]
    before = [raw.strip() for raw in lines[:first] if raw.strip()]
    title_lines = [raw.strip() for raw in lines[first + 1:second] if raw.strip()]
    if len(title_lines) != 1:
        return None, 0
    title = title_lines[0]
    # The first Munitions List page repeats its title above the first rule.
    if any(_title_section(b)[0] == "unknown" for b in before):
        return None, 0
    return title, second + 1


def _footnote_start(lines: list[str]) -> int | None:
    """Index of a page-bottom footnote: a `* …` line followed only by its own continuation
    lines, blank lines and the next page's running-header lines."""
    for i in range(len(lines) - 1, -1, -1):
        raw = lines[i]
        if _FOOTNOTE_START.match(raw):
            rest = lines[i + 1:]
            if all(not r.strip() or _LIST_ID.match(r) or _DATE_PAGE.match(r)
                   or _FOOTNOTE_CONT.match(r) for r in rest):
                return i
            return None
        if raw.strip() and not (_LIST_ID.match(raw) or _DATE_PAGE.match(raw)
                                or _FOOTNOTE_CONT.match(raw)):
            return None
    return None


def _header_date(raw: str) -> dt.date | None:
    m = _DATE_PAGE.match(raw)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None  # digits in a date shape that are no date: content, not header


def read_layout(text: str) -> Layout:
    """Split `pdftotext -layout` output into content lines; see the module docstring."""
    out: list[Line] = []
    list_id: str | None = None
    dates: list[dt.date] = []
    section: Section = "front"
    category: str | None = None
    category_title: str | None = None
    unknown: list[str] = []
    lineno = 0
    chunks = text.translate(SYMBOL_FONT).split("\f")
    for page, chunk in enumerate(chunks, start=1):
        lines = chunk.split("\n")
        if page < len(chunks) and lines and not lines[-1]:
            lines.pop()  # the next chunk's first line starts after the form feed
        title, skip = _page_title(lines)
        if title is not None:
            section, cat, cat_title = _title_section(title)
            if section == "unknown":
                unknown.append(f"page {page}: {title}")
            if section == "dual":
                category, category_title = cat, cat_title
            else:
                category = category_title = None
        foot = _footnote_start(lines)
        for i, raw in enumerate(lines):
            lineno += 1
            if i < skip:
                continue
            m = _LIST_ID.match(raw)
            if m:
                list_id = list_id or re.sub(r"\s+", " ", m.group(1))
                continue
            date = _header_date(raw)
            if date is not None:
                dates.append(date)
                continue
            if _RULE.match(raw) or not raw.strip():
                continue
            stripped = raw.rstrip()
            col = len(stripped) - len(stripped.lstrip())
            kind: LineKind = "footnote" if foot is not None and i >= foot else "text"
            out.append(Line(lineno, page, col, stripped.lstrip(), section, category,
                            category_title, kind))
    pages = len(chunks) - (1 if not chunks[-1].strip() else 0)  # pdftotext ends with a \f
    return Layout(tuple(out), list_id, tuple(dates), pages, tuple(unknown))
