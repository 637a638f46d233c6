"""Read a rendered report back: the summary table's rows from each format, so tests can check that
every format shows the model's numbers."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
from lxml import html as lxml_html

Rows = list[list[str]]


def _norm(rows: Rows) -> Rows:
    return [[c.strip() for c in r] for r in rows]


def from_html(data: bytes, table: str = "summary") -> Rows:
    tree = lxml_html.fromstring(data)
    [t] = tree.xpath(f'//table[@data-table="{table}"]')
    return _norm([[td.text_content() for td in tr.xpath("./td")] for tr in t.xpath("./tbody/tr")])


def from_csv_zip(data: bytes, table: str = "summary") -> Rows:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = z.read(f"{table}.csv").decode("utf-8")
    return _norm(list(csv.reader(io.StringIO(text)))[1:])


def from_xlsx(data: bytes, table: str = "summary") -> Rows:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb[table].iter_rows(values_only=True))[1:]
    return _norm([["" if v is None else str(v) for v in r] for r in rows])


def from_docx(data: bytes, index: int = 0) -> Rows:
    """The rows (header left out) of the document's `index`-th table."""
    d = docx.Document(io.BytesIO(data))
    t = d.tables[index]
    return _norm([[c.text for c in row.cells] for row in t.rows[1:]])


def pdf_text(path: Path, first: int = 1, last: int = 1) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(path), "-"],
                         check=True, capture_output=True, timeout=60)
    return out.stdout.decode("utf-8")


def from_pdf(path: Path, labels: list[str], width: int) -> Rows:
    """Summary rows found in the first page's text: a line starting with each label followed by
    `width` numbers."""
    text = pdf_text(path)
    rows = []
    for label in labels:
        m = re.search(rf"^\s*{re.escape(label)}((?:\s+\d+){{{width}}})\s*$", text, re.M)
        assert m, f"no summary row {label!r} on page 1 of {path}:\n{text[:2000]}"
        rows.append([label, *m.group(1).split()])
    return rows
