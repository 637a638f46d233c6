"""The Swiss GKV Annex 1+2 (2021) German CSV as entries (FORMATS.md section 8).

The CSV is a line dump of the PDF: column 0 the code (repeated on each sub-item's first line),
column 1 (and rarely 2) the printed line. It went through a spreadsheet, which read every E-group
code as a number. Recovery, deterministic: `1E+101` is 1E101; a bare integer `d` followed by `k`
zeros is `dE00k` (`10` = 1E001, `100` = 1E002, `2000` = 2E003, `70000` = 7E004); `0` (0E00n for any
n) is the next 0E number after the last one seen; a bare number counts only inside an E group (the
row `0` above `KATEGORIE 0` is no code; Category 5's group rows 5E1/5E2 were mangled to `50`/`500`
like 5E001/5E002 and are told apart by their text "Technologie"); single digits (`1`..`4`: step numbers of the Cat 4
formula) are not codes. Lines are joined, hyphenation at line ends undone, `(Fortsetzung)` dropped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENTRY = re.compile(r"(\d[A-E]\d{3})")
_SCI = re.compile(r"(\d)E\+(\d{3})")


def recover_code(cell: str, last_zero_e: int, group: str) -> str | None:
    """The entry code of a column-0 cell; `group` is the last group heading seen (`0E`): a bare
    number is an E-code only inside the matching E group (the category row `0` is not)."""
    cell = cell.strip()
    if m := _SCI.fullmatch(cell):
        return f"{m.group(1)}E{m.group(2)}"
    if re.fullmatch(r"\d+", cell):
        code = None
        if cell == "0":
            code = f"0E{last_zero_e + 1:03d}"
        elif len(cell) >= 2 and set(cell[1:]) == {"0"}:
            code = f"{cell[0]}E{len(cell) - 1:03d}"
        return code if code is not None and code[:2] == group else None
    if m := ENTRY.match(cell.replace(".", "")):
        return m.group(1)
    return None


@dataclass(frozen=True)
class Row:
    """One CSV row: the entry it belongs to (None outside entries: headings, category titles),
    column 0 as printed, and the printed line (columns 1.. joined; "" for a blank row)."""

    code: str | None
    cell: str
    line: str


def swiss_rows(path: Path) -> Iterator[Row]:
    """Every row of the CSV in order, with the entry code recovered as described above."""
    current: str | None = None
    last_zero_e = 0
    group = ""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if not row:
                continue
            cell = row[0]
            line = " ".join(c for c in row[1:] if c).strip()
            if re.fullmatch(r"\d[A-E]", cell.strip()):  # group heading row: "0E,Technologie"
                group, current = cell.strip(), None
                yield Row(None, cell.strip(), line)
                continue
            if line == "Technologie" and recover_code(cell, last_zero_e, "") is None:
                # Category 5's group headings 5E1/5E2 were mangled too (to 50 and 500)
                number = cell.strip()
                if re.fullmatch(r"\d0+", number):
                    group, current = f"{number[0]}E", None
                    yield Row(None, cell.strip(), line)
                    continue
            code = recover_code(cell, last_zero_e, group) if cell.strip() else None
            if code is None and cell.strip() and not re.fullmatch(r"\d", cell.strip()):
                # whole paragraph landed in column 0: "1B201 Faserwickelmaschinen ..."
                m = ENTRY.match(cell.strip())
                if m:
                    code, line = m.group(1), (cell.strip()[m.end():] + " " + line).strip()
            if code is not None and code != current and code.startswith("0E"):
                last_zero_e = int(code[2:])
            if code is not None:
                current = code
            if line.startswith("KATEGORIE") or line.startswith("ANHANG"):
                current = None
            yield Row(current, cell.strip(), line)


def swiss_entries(path: Path) -> dict[str, str]:
    """Entry code -> the entry's German text (all its lines, in order)."""
    texts: dict[str, list[str]] = {}
    for row in swiss_rows(path):
        if row.code is None or not row.line or row.line == "(Fortsetzung)":
            continue
        texts.setdefault(row.code, []).append(row.line)
    return {code: join_lines(lines) for code, lines in texts.items()}


def join_lines(lines: list[str]) -> str:
    """Printed lines as one text: a word hyphenated at a line end ("Kernre-" / "aktors") joined."""
    joined = ""
    for line in lines:
        if joined.endswith("-") and line[:1].islower():
            joined = joined[:-1] + line
        else:
            joined = f"{joined} {line}" if joined else line
    return joined
