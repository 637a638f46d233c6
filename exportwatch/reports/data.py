"""The data behind each table: csv (a zip holding one UTF-8 csv per table, plus README.txt) and
xlsx (one sheet per table). Both are written from the model's `tables()`, the same rows the other
formats lay out."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exportwatch.reports.model import Report, Table

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: the same report gives the same bytes


def table_csv(table: Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.columns)
    w.writerows(["" if v is None else v for v in row] for row in table.rows)
    return buf.getvalue()


def _readme(report: Report) -> str:
    lines = [report.title, f"generated {report.generated_at}", "", "Files (one table each, UTF-8, comma-separated):"]
    lines += [f"  {t.name}.csv: {t.title} ({len(t.rows)} rows)" for t in report.tables()]
    if report.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def render_csv_zip(report: Report) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("README.txt", ZIP_DATE), _readme(report))
        for t in report.tables():
            info = zipfile.ZipInfo(f"{t.name}.csv", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, table_csv(t))
    return buf.getvalue()


_MAX_CELL = 32767  # Excel's limit on the characters of one cell


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for t in report.tables():
        ws = wb.create_sheet(t.name[:31])
        ws.append(list(t.columns))
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in t.rows:
            ws.append([v[:_MAX_CELL] if isinstance(v, str) else v for v in row])
        ws.freeze_panes = "A2"
        for i, col in enumerate(t.columns, 1):
            longest = max([len(str(col))] + [len(str(r[i - 1] or "")) for r in t.rows[:200]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)
    notes = wb.create_sheet("about")
    notes.append([report.title])
    notes.append([f"generated {report.generated_at}"])
    for n in report.notes:
        notes.append([n])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
