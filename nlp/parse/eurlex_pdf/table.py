"""A table laid out in spaced columns (2E003 "Table — Deposition techniques") back into rows.

pdftotext keeps each column at a fixed position on a page, but the column headings are centred
over their columns and justified cells spread their words, so the column starts are taken from
the cells themselves: the most frequent left edges on the page. Rows are separated by blank
lines; a cell left empty in the first column repeats the one above (the coating process spans the
rows of its substrates). Notes after the table (`TABLE - … - NOTES`) become notes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlp.model import Note
from nlp.parse.eurlex_pdf.labels import is_block_heading
from nlp.parse.eurlex_pdf.pages import Line
from nlp.parse.eurlex_pdf.reflow import Vocabulary, join_lines

_CHUNK = re.compile(r"\S+(?: \S+)*")
_COLUMN_HEADING = re.compile(r"^\d\. \S")
# Left edges of the 2nd and 3rd columns lie in these character ranges on an A4 page.
_COL2_RANGE = range(25, 66)
_COL3_RANGE = range(66, 111)


@dataclass
class Rendered:
    text: str
    notes: list[Note]
    warnings: list[str]


@dataclass
class _Section:
    heading: str
    lines: list[str] = field(default_factory=list)


def _chunks(line: Line) -> list[tuple[int, str]]:
    return [(line.col + m.start(), m.group()) for m in _CHUNK.finditer(line.text)]


def _coatings(lines: list[str]) -> str:
    """The third column lists one coating a line; a line in lower case or `(` wraps the last."""
    out: list[str] = []
    for line in lines:
        if out and (line[0].islower() or line[0] == "("):
            out[-1] += " " + line
        else:
            out.append(line)
    return "; ".join(out)


class TableBlock:
    def __init__(self, lineno: int) -> None:
        self.lineno = lineno
        self.title: list[str] = []
        self.headings: list[str] = []
        self.rows: list[Line] = []
        self.trailer: list[str] = []  # `(*) The numbers in parenthesis refer to …`
        self.sections: list[_Section] = []

    def add(self, line: Line) -> None:
        chunks = _chunks(line)
        if self.sections:
            if line.gap_before and is_block_heading(line.text):
                self.sections.append(_Section(line.text))
            else:
                self.sections[-1].lines.append(line.text)
        elif line.gap_before and is_block_heading(line.text):
            self.sections.append(_Section(line.text))
        elif len(chunks) > 1 and all(_COLUMN_HEADING.match(c) for _, c in chunks):
            if not self.headings:
                self.headings = [c for _, c in chunks]
        elif not self.headings:
            self.title.append(line.text)
        elif line.text.startswith("(*)") or self.trailer:
            self.trailer.append(line.text)
        else:
            self.rows.append(line)

    def render(self, words: Vocabulary) -> Rendered:
        warnings: list[str] = []
        parts = [": ".join(self.title) or "Table"]
        if self.headings:
            parts.append("[" + " | ".join(self.headings) + "]")
            parts.extend(self._rows(warnings))
        else:
            warnings.append(f"table at line {self.lineno} has no column headings; kept as plain text")
            parts.append(join_lines([r.text for r in self.rows], words))
        if self.trailer:
            parts.append(join_lines(self.trailer))
        notes = [
            Note("technical-note" if "TECHNICAL" in s.heading else "note", join_lines([s.heading]),
                 join_lines(s.lines, words))
            for s in self.sections
        ]
        return Rendered(join_lines(parts), notes, warnings)

    def _rows(self, warnings: list[str]) -> list[str]:
        by_page: dict[int, list[Line]] = {}
        for line in self.rows:
            by_page.setdefault(line.page, []).append(line)
        rows: list[list[list[str]]] = []
        for page, lines in by_page.items():
            starts = Counter(pos for line in lines for pos, _ in _chunks(line))
            col2 = max(_COL2_RANGE, key=lambda p: (starts[p], -p))
            col3 = max(_COL3_RANGE, key=lambda p: (starts[p], -p))
            if not starts[col2] or not starts[col3]:
                warnings.append(f"table page {page}: cannot find the column positions")
                rows.extend([[[line.text], [], []] for line in lines])
                continue
            for line in lines:
                cells: list[list[str]] = [[], [], []]
                for pos, chunk in _chunks(line):
                    index = 2 if pos >= col3 - 2 else 1 if pos >= col2 - 2 else 0
                    cells[index].append(chunk)
                new_row = line.gap_before and (cells[0] or cells[1])
                if new_row or not rows:
                    rows.append([[], [], []])
                for index in range(3):
                    if cells[index]:
                        rows[-1][index].append(" ".join(cells[index]))
        out: list[str] = []
        process = ""
        for row in rows:
            if row[0]:
                process = join_lines(row[0])
            if not row[1] and not row[2]:
                out.append(f"[{process}]")
                continue
            out.append(f"[{process} | {join_lines(row[1])} | {_coatings(row[2])}]")
        return out
