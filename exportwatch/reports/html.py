"""HTML: one self-contained file (inline CSS, charts as inline SVG, no script, no external asset).
Also the input of the PDF renderer, so the two show the same layout and numbers."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from jinja2 import Environment, FunctionLoader, select_autoescape

from exportwatch.reports.model import ChangeItem, ChangesReport, DivergenceReport, Report
from exportwatch.reports.svg import bar_chart, heat_map


def app_version() -> str:
    try:
        return version("exportwatch")
    except PackageNotFoundError:
        return "dev"


def _load(name: str) -> str:
    return resources.files("exportwatch.reports").joinpath("templates", name).read_text(encoding="utf-8")


_ENV = Environment(loader=FunctionLoader(_load), autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def changes_chart(report: ChangesReport) -> str:
    return bar_chart(report.months, {j: report.monthly[j] for j in report.jurisdictions})


def heat_chart(report: DivergenceReport) -> str:
    t = report.heat_table()
    labels = [f"only {report.left}", f"only {report.right}", "same parameters", "parameters differ"]
    return heat_map([str(r[0]) for r in t.rows], labels, [[int(v or 0) for v in r[1:]] for r in t.rows])


def render_html(report: Report) -> bytes:
    ctx: dict[str, Any] = {"report": report, "version": app_version()}
    if isinstance(report, ChangesReport):
        by_j: dict[str, list[ChangeItem]] = defaultdict(list)
        for c in report.changes:
            by_j[c.jurisdiction].append(c)
        monthly = report.monthly_table()
        ctx.update(chart=changes_chart(report), by_jurisdiction=by_j,
                   monthly_rows=[r for r in monthly.rows if r[-1]])
        template = "changes.html"
    else:
        ctx.update(chart=heat_chart(report))
        template = "divergence.html"
    return _ENV.get_template(template).render(**ctx).encode("utf-8")
