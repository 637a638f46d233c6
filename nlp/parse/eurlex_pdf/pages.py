"""From `pdftotext -layout` text of a consolidated EUR-Lex act to the content lines of Annex I.

Everything the PDF adds per page is removed here: the running header
(`02021R0821 — EN — 07.01.2022 — 001.002 — 67`), amendment markers (`▼M1`, `▼B`, `▼C1`),
the `1A002   b. (continued)` line that repeats the path at the top of a page (kept as a
`Continuation`, because it says where on the path the page resumes) and footnotes at the page foot.
Columns are normalised: pdftotext places the text column after a code anywhere between column 14
and 22 (codes always start at column 6), the same for every code line of a page but not for
the lines above the first code line of the page, which keep the offset of the previous code line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from exportwatch.errors import ParseError

CODE_COL = 6
# The usual text column; every region is shifted so that its text column lands here.
TEXT_COL = 14

_HEADER = re.compile(
    r"^\s*(?P<celex>0\d{4}[A-Z]\d{4}) — (?P<lang>[A-Z]{2}) — (?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})"
    r" — [\d.]+ — \d+\s*$"
)
_MARKER_LINE = re.compile(r"^\s*(?:[▼►][A-Z]\d*\s*)+$")
_INLINE_MARKER = re.compile(r"[▼►][A-Z]\d*|◄")
# An entry (1A001), group (1A, 5A1) or group-note code at column 6, then its text.
_CODE_LINE = re.compile(r"^ {6}(?P<code>\d[A-E](?:\d{3}|\d)?)(?P<gap> +)(?P<rest>\S.*)$")
_CONTINUED = re.compile(r"\(continued\)\s*$")
_FOOTNOTE = re.compile(r"^(?P<indent> {4,8})\((?P<num>\d{1,2})\) \S")
_ANNEX_I = re.compile(r"^\s*ANNEX I\s*$")
_ANNEX_II = re.compile(r"^\s*ANNEX II\s*$")
_DEFINITION_START = re.compile(r'^\s{4,8}"[^"]+"\s*\(')
_DEFINITIONS_HEADING = re.compile(r"^\s*DEFINITIONS OF TERMS USED IN THIS ANNEX\s*$")
_PART_II = re.compile(r"^\s*PART II\s*$")
_TITLE = re.compile(r"REGULATION \((?:EU|EC)\) (?:No )?\d{2,4}/\d+")


@dataclass(frozen=True)
class Line:
    """One content line of Annex I."""

    page: int  # page of the PDF, 1-based
    lineno: int  # line of the layout text, 1-based (for warnings)
    col: int  # column of the first character, normalised to a text column of TEXT_COL
    text: str  # the line without leading/trailing spaces
    gap_before: bool  # a blank line or a page break comes before it


@dataclass(frozen=True)
class CodeLine:
    """A line with an entry or group code at column 6: `1A001    Components made from …`."""

    page: int
    lineno: int
    code: str
    rest: str  # the text after the code (may be empty or start with an item label)
    rest_col: int  # normalised column of `rest`


@dataclass(frozen=True)
class Continuation:
    """`2B350   g. Technical Notes: 1. i.   (continued)` at the top of a page."""

    page: int
    lineno: int
    code: str  # the entry or group code, e.g. "2B350"
    labels: tuple[str, ...]  # item labels before any note title, e.g. ("g",)
    in_note: bool  # the path goes on into a note (`Technical Notes:`, Greek titles, `Width:`)
    # Normalised columns of the token after the code and after each label: the text columns of
    # the entry and of each item on the path, as laid out on this page.
    cols: tuple[int, ...]


@dataclass(frozen=True)
class Footnote:
    """`(1) Manufacturers calculating …` at the foot of a page."""

    page: int
    lineno: int
    number: str
    text: str


Item = Line | CodeLine | Continuation | Footnote


@dataclass(frozen=True)
class AnnexText:
    version_date: dt.date
    celex: str
    title: str
    items: tuple[Item, ...]  # Annex I from PART II (Category 0) up to ANNEX II
    definitions: int  # term starts in Part I's definitions (for stats only)


def _header_date(text: str, what: str) -> tuple[dt.date, str]:
    for raw in text.split("\n", 40)[:40]:
        m = _HEADER.match(raw.lstrip("\f"))
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"])), m["celex"]
            except ValueError as exc:
                raise ParseError(f"{what}: bad date in running header {raw.strip()!r}") from exc
    raise ParseError(f"{what}: no EUR-Lex running header (`0yyyyXnnnn — EN — dd.mm.yyyy — …`)")


def _annex_range(lines: list[str], what: str) -> tuple[int, int]:
    start = next((i for i, raw in enumerate(lines) if _ANNEX_I.match(raw)), None)
    if start is None:
        raise ParseError(f"{what}: no `ANNEX I` line")
    end = next((i for i in range(start + 1, len(lines)) if _ANNEX_II.match(lines[i])), None)
    if end is None:
        raise ParseError(f"{what}: `ANNEX I` is not followed by `ANNEX II` (truncated?)")
    return start, end


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _footnote_start(page_lines: list[str]) -> int:
    """Index of the first footnote line at the page foot, or len(page_lines) if there is none.

    Footnotes are the last paragraphs of a page: each starts with `(n) ` at the code column and
    wraps at a deeper indent.
    """
    start = len(page_lines)
    i = len(page_lines) - 1
    while i >= 0:
        if not page_lines[i].strip():
            i -= 1
            continue
        j = i
        while j > 0 and page_lines[j - 1].strip():
            j -= 1
        run = page_lines[j : i + 1]
        if not _FOOTNOTE.match(run[0]) or not all(
            _FOOTNOTE.match(x) or _indent(x) > CODE_COL + 1 for x in run[1:]
        ):
            break
        start = j
        i = j - 1
    return start


def _continuation(rest: str, rest_col: int) -> tuple[tuple[str, ...], bool, tuple[int, ...]]:
    labels: list[str] = []
    cols: list[int] = []
    for tok in re.finditer(r"\S+", rest):
        cols.append(rest_col + tok.start())
        m = re.fullmatch(r"(\d{1,2}|[a-z])\.", tok.group())
        if not m:
            return tuple(labels), tok.group() != "(continued)", tuple(cols)
        labels.append(m.group(1))
    return tuple(labels), False, tuple(cols)


def _count_definitions(lines: list[str]) -> int:
    start = next((i for i, raw in enumerate(lines) if _DEFINITIONS_HEADING.match(raw)), None)
    if start is None:
        return 0
    count = 0
    for raw in lines[start:]:
        if _PART_II.match(raw):
            break
        if _DEFINITION_START.match(raw):
            count += 1
    return count


def annex_i(text: str, *, what: str = "EUR-Lex PDF") -> AnnexText:
    """Cut Annex I out of the layout text and turn it into content lines (see module doc)."""
    version_date, celex = _header_date(text, what)
    title_m = _TITLE.search(text[:5000])
    title = title_m.group(0).replace("REGULATION", "Regulation") if title_m else celex
    lines = text.split("\n")
    start, end = _annex_range(lines, what)
    part_ii = next((i for i in range(start, end) if _PART_II.match(lines[i])), None)
    if part_ii is None:
        raise ParseError(f"{what}: Annex I has no `PART II` (Category 0) heading")
    definitions = _count_definitions(lines[start:part_ii])

    # Page of each line: count form feeds before it.
    page_of: list[int] = []
    page = 1
    for raw in lines:
        page += raw.count("\f")
        page_of.append(page)

    items: list[Item] = []
    shift = 0
    i = part_ii
    while i < end:
        # One page at a time, from i up to the next line with a form feed.
        j = i + 1
        while j < end and "\f" not in lines[j]:
            j += 1
        shift = _page_items(lines, i, j, page_of[i], shift, items)
        i = j
    return AnnexText(version_date, celex, f"{title} — Annex I", tuple(items), definitions)


def _page_items(lines: list[str], first: int, stop: int, page: int, shift: int,
                out: list[Item]) -> int:
    """Append the items of one page to `out`; return the column shift in force at its end."""
    page_lines = [lines[k].replace("\f", "") for k in range(first, stop)]
    cut = _footnote_start(page_lines)
    gap = True  # a page break separates paragraphs as a blank line does
    k = 0
    while k < len(page_lines):
        raw = page_lines[k]
        lineno = first + k + 1
        if k >= cut:
            m = _FOOTNOTE.match(raw)
            if m:
                body = [raw.strip()[len(m["num"]) + 2 :].strip()]
                while k + 1 < len(page_lines) and not _FOOTNOTE.match(page_lines[k + 1]):
                    k += 1
                    if page_lines[k].strip():
                        body.append(page_lines[k].strip())
                out.append(Footnote(page, lineno, m["num"], "\n".join(body)))
            k += 1
            continue
        k += 1
        stripped = raw.strip()
        if not stripped:
            gap = True
            continue
        if _HEADER.match(raw) or _MARKER_LINE.match(raw):
            continue
        code_m = _CODE_LINE.match(raw)
        if code_m:
            shift = CODE_COL + len(code_m["code"]) + len(code_m["gap"]) - TEXT_COL
        if code_m and _CONTINUED.search(raw):
            labels, in_note, cols = _continuation(code_m["rest"], TEXT_COL)
            out.append(Continuation(page, lineno, code_m["code"], labels, in_note, cols))
            gap = True
            continue
        if code_m:
            rest = _INLINE_MARKER.sub("", code_m["rest"]).strip()
            out.append(CodeLine(page, lineno, code_m["code"], rest, TEXT_COL))
            gap = False
            continue
        stripped = _INLINE_MARKER.sub("", stripped).strip()
        if not stripped:
            continue
        col = _indent(raw)
        if col > CODE_COL + 1 and col - shift > CODE_COL + 1:
            col -= shift
        out.append(Line(page, lineno, col, stripped, gap))
        gap = False
    return shift
