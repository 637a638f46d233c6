"""Reports for industry associations: changes over a period and divergence between two
jurisdictions. `build_changes_report` / `build_divergence_report` collect a model (every number,
exportwatch/reports/model.py); `render(report, fmt)` turns it into the bytes of one format."""

from __future__ import annotations

from collections.abc import Callable

from exportwatch.reports.errors import ReportRequestError
from exportwatch.reports.model import Report

FORMATS: dict[str, tuple[str, str]] = {  # format -> (file suffix, media type)
    "html": (".html", "text/html; charset=utf-8"),
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (".zip", "application/zip"),
}


def _renderer(fmt: str) -> Callable[[Report], bytes]:
    # Imported on demand: WeasyPrint, python-docx and openpyxl load only for their format.
    if fmt == "html":
        from exportwatch.reports.html import render_html
        return render_html
    if fmt == "pdf":
        from exportwatch.reports.pdf import render_pdf
        return render_pdf
    if fmt == "docx":
        from exportwatch.reports.docx import render_docx
        return render_docx
    if fmt == "xlsx":
        from exportwatch.reports.data import render_xlsx
        return render_xlsx
    if fmt == "csv":
        from exportwatch.reports.data import render_csv_zip
        return render_csv_zip
    raise ReportRequestError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def render(report: Report, fmt: str) -> bytes:
    return _renderer(fmt)(report)
