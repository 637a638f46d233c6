"""PDF: the HTML report laid out for A4 by WeasyPrint.

Why WeasyPrint: it prints the very HTML of the html format (same numbers, one layout to keep),
draws inline SVG itself, runs in-process (no browser to start, no temporary files), and is one
pip package; it needs Debian's pango libraries (installed by scripts/install-sysdeps.sh; headless
Chromium, used by the browser tests, pulls them in too). Page numbers come from CSS @page rules.
"""

from __future__ import annotations

import logging

from exportwatch.errors import ExportWatchError
from exportwatch.reports.html import render_html
from exportwatch.reports.model import Report


def render_pdf(report: Report) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the pango libraries are missing
        raise ExportWatchError(f"PDF output needs WeasyPrint and the pango libraries "
                               f"(scripts/install-sysdeps.sh): {exc}") from exc
    # WeasyPrint logs every unsupported CSS property at WARNING; the report's CSS is ours.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(report).decode("utf-8")
    data: bytes = HTML(string=html).write_pdf()
    return data
