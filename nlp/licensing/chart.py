"""The Commerce Country Chart (Supplement No. 1 to 15 CFR Part 738) as a table.

The chart is one GPO table: a two-row header (reason-for-control groups, then the 16 columns
"CB 1" … "AT 2"), 200 body rows (a country and 16 cells holding "X" or nothing; four rows whose
one cell spans all columns and says "See part 746 …"), and footnotes 1-10 in TFOOT. Footnote
markers are `<sup>n</sup>` inside the country cell. See FORMATS.md section 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from exportwatch.errors import ParseError
from nlp.parse.safe_xml import parse_xml
from nlp.parse.text import clean_text

CHART_SUPPLEMENT = "Supplement No. 1 to Part 738"
CHART_CITATION = "15 CFR part 738, Supplement No. 1 (Commerce Country Chart)"
_COLUMN = re.compile(r"^([A-Z]{2})\s*(\d)$")
_FOOTNOTE = re.compile(r"^\s*(\d{1,2})\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class ChartRow:
    country: str  # as printed, footnote markers removed ("Korea, South", "Türkiye")
    footnotes: tuple[int, ...]
    # column -> cell text: "X" (licence required) or "" (none); None for a "See part 746" row.
    cells: dict[str, str] | None
    see: str | None  # the text of a row whose single cell spans every column
    position: int


@dataclass(frozen=True)
class CountryChart:
    columns: tuple[str, ...]  # "CB1", "CB2", …, "AT2" in printed order
    groups: dict[str, str]  # "CB" -> "Chemical and biological weapons"
    rows: tuple[ChartRow, ...]
    footnotes: dict[int, str]
    source_note: str  # the CITA line, e.g. "[90 FR 47189, Sept. 30, 2025]"
    warnings: tuple[str, ...] = field(default=())

    def row(self, country: str) -> ChartRow | None:
        return next((r for r in self.rows if r.country == country), None)


def find_chart(root: etree._Element) -> etree._Element | None:
    """The DIV9 holding the Country Chart in a Part 738 document, or None."""
    for div in root.iter("DIV9"):
        if (div.get("N") or "").strip() == CHART_SUPPLEMENT:
            return div
    return None


def parse_chart_xml(data: bytes, *, what: str = "Part 738") -> CountryChart:
    root = parse_xml(data, what=what)
    div = find_chart(root)
    if div is None:
        raise ParseError(f"{what}: no {CHART_SUPPLEMENT!r} (DIV9) in the document")
    return parse_chart(div, what=what)


def parse_chart(div: etree._Element, *, what: str = "Part 738") -> CountryChart:
    tables = list(div.iter("TABLE"))
    if len(tables) != 1:
        raise ParseError(f"{what}: expected one table in {CHART_SUPPLEMENT}, found {len(tables)}")
    table = tables[0]
    warnings: list[str] = []
    columns, groups = _header(table, what)
    rows = _body(table, columns, warnings)
    footnotes = _footnotes(table, warnings)
    used = {n for r in rows for n in r.footnotes}
    for missing in sorted(used - set(footnotes)):
        warnings.append(f"footnote {missing} is marked on a country but not printed in the table foot")
    cita = div.find("CITA")
    return CountryChart(columns=columns, groups=groups, rows=tuple(rows), footnotes=footnotes,
                        source_note=_text(cita) if cita is not None else "", warnings=tuple(warnings))


def _text(el: etree._Element) -> str:
    return clean_text(" ".join(el.itertext()))


def _header(table: etree._Element, what: str) -> tuple[tuple[str, ...], dict[str, str]]:
    head = table.find("THEAD")
    trs = head.findall("TR") if head is not None else []
    if len(trs) != 2:
        raise ParseError(f"{what}: the Country Chart header has {len(trs)} rows, expected 2")
    columns: list[str] = []
    for th in trs[1].findall("TH"):
        m = _COLUMN.match(_text(th))
        if not m:
            raise ParseError(f"{what}: Country Chart column header {_text(th)!r} is not like 'NS 1'")
        columns.append(m.group(1) + m.group(2))
    if len(set(columns)) != len(columns):
        raise ParseError(f"{what}: Country Chart has repeated column headers {columns}")
    # First header row: "Countries" (rowspan 2), then one TH per reason spanning its columns.
    groups: dict[str, str] = {}
    index = 0
    for th in trs[0].findall("TH")[1:]:
        span = int(th.get("colspan") or 1)
        for col in columns[index:index + span]:
            groups.setdefault(col[:2], _text(th))
        index += span
    if index != len(columns):
        raise ParseError(f"{what}: Country Chart header groups span {index} columns, "
                         f"the column row has {len(columns)}")
    return tuple(columns), groups


def _body(table: etree._Element, columns: tuple[str, ...], warnings: list[str]) -> list[ChartRow]:
    body = table.find("TBODY")
    if body is None:
        raise ParseError("Country Chart has no TBODY")
    rows: list[ChartRow] = []
    seen: set[str] = set()
    for position, tr in enumerate(body.findall("TR")):
        tds = tr.findall("TD")
        if not tds:
            warnings.append(f"chart body row {position + 1} has no cells; skipped")
            continue
        country, footnotes = _country(tds[0])
        if not country:
            warnings.append(f"chart body row {position + 1} has no country name; skipped")
            continue
        if country in seen:
            warnings.append(f"chart lists {country!r} twice; the second row is skipped")
            continue
        seen.add(country)
        rest = tds[1:]
        if len(rest) == 1 and int(rest[0].get("colspan") or 1) == len(columns):
            rows.append(ChartRow(country, footnotes, None, _text(rest[0]), position))
            continue
        if len(rest) != len(columns):
            warnings.append(f"chart row {country!r} has {len(rest)} cells, expected {len(columns)}; skipped")
            continue
        cells: dict[str, str] = {}
        for col, td in zip(columns, rest, strict=True):
            value = _text(td)
            if value not in ("X", ""):
                warnings.append(f"chart cell {country}/{col} holds {value!r}, neither 'X' nor empty")
            cells[col] = value
        rows.append(ChartRow(country, footnotes, cells, None, position))
    return rows


def _country(td: etree._Element) -> tuple[str, tuple[int, ...]]:
    parts = [td.text or ""]
    notes: list[int] = []
    for child in td:
        if child.tag in ("sup", "SU"):
            text = _text(child)
            notes.extend(int(n) for n in re.findall(r"\d+", text))
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return clean_text("".join(parts)), tuple(notes)


def _footnotes(table: etree._Element, warnings: list[str]) -> dict[int, str]:
    foot = table.find("TFOOT")
    out: dict[int, str] = {}
    if foot is None:
        return out
    for td in foot.iter("TD"):
        text = _text(td)
        m = _FOOTNOTE.match(text)
        if not m:
            if text:
                warnings.append(f"chart footnote without a number: {text[:60]!r}")
            continue
        out[int(m.group(1))] = m.group(2).strip()
    return out


def describe_row(row: ChartRow) -> str:
    """One line per country for the chart's text rendering: 'Albania (fn 2, 3): CB1 CB2 NP1 …'."""
    name = row.country + (f" (footnotes {', '.join(map(str, row.footnotes))})" if row.footnotes else "")
    if row.cells is None:
        return f"{name}: {row.see}"
    marked = [c for c, v in row.cells.items() if v == "X"]
    return f"{name}: " + (" ".join(marked) if marked else "no X")
