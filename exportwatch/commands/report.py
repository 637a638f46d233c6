"""`exportwatch report changes` and `exportwatch report divergence`: reports for industry
associations in html, pdf, docx, xlsx or csv (a zip of one csv per table)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from exportwatch.cli import handle_errors
from exportwatch.errors import ExportWatchError
from exportwatch.output import err_console
from exportwatch.reports import FORMATS, render
from exportwatch.reports.equivalents import MODES
from exportwatch.reports.model import Report
from exportwatch.service import Service

DATE = click.DateTime(formats=["%Y-%m-%d"])
MEANING = ("lexical", "embeddings")


def _say(msg: str) -> None:
    err_console.print(f"[dim]{msg}[/]", highlight=False)


@contextmanager
def embed_factory(svc: Service, meaning: str) -> Iterator[Callable[[set[str]], Any] | None]:
    """Sentence embeddings through the store's cache (the first use per list embeds it), with a
    progress bar on stderr while the report is built; None for lexical meaning."""
    if meaning != "embeddings":
        yield None
        return
    from exportwatch.commands.match import embedding_progress, store_embedder

    with embedding_progress() as (plan, advance):
        yield lambda languages: store_embedder(svc, languages, plan, advance)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory, so a failed run leaves no half report."""
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).replace(path)
    except OSError as exc:
        raise ExportWatchError(f"cannot write {path}: {exc}") from exc


def _out_path(out: Path | None, fmt: str, stem: str) -> Path:
    suffix = FORMATS[fmt][0]
    if out is None:
        return Path(f"{stem}{suffix}")
    return out


def _finish(report: Report, fmt: str, out: Path) -> None:
    _say(f"rendering {fmt}")
    data = render(report, fmt)
    write_atomic(out, data)
    summary = report.summary()
    err_console.print(f"{report.title}: written to {out} ({len(data):,} bytes, {fmt})", highlight=False)
    for row in summary.rows:
        err_console.print("  " + "  ".join(f"{c}={v}" for c, v in zip(summary.columns, row, strict=True)),
                          highlight=False)


_format = click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True,
                       help="html (self-contained), pdf, docx (redlines as tracked changes), xlsx (one sheet per "
                            "table) or csv (a .zip with one csv per table).")
_out = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                    help="Output file (default: a name from the report in the current directory).")
_meaning = click.option("--meaning", type=click.Choice(MEANING), default="lexical", show_default=True,
                        help="How the match module compares meaning: word, character and number signals "
                             "(lexical, fast), or sentence embeddings as well (cached in the store).")


@click.group()
def report() -> None:
    """Reports for industry associations: changes over a period, divergence between jurisdictions."""


@report.command("changes")
@click.option("--from", "date_from", type=DATE, required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "date_to", type=DATE, required=True, help="Last day of the period (YYYY-MM-DD).")
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable): ca, eu, us, au, wa. Default: every one stored.")
@click.option("--equivalents", type=click.Choice(MODES), default="match", show_default=True,
              help="Equivalent entries in the other jurisdictions: the match module's concordance, code "
                   "alignment alone, or none.")
@_meaning
@_format
@_out
@handle_errors
def changes_cmd(date_from: dt.datetime, date_to: dt.datetime, jurisdictions: tuple[str, ...], equivalents: str,
                meaning: str, fmt: str, out: Path | None) -> None:
    """Changes over a period: counts by jurisdiction and kind, changes per month, then each change
    with its redline, parameter deltas, linked Federal Register rule and equivalents elsewhere."""
    from exportwatch.reports.changes import build_changes_report

    with Service.open() as svc, embed_factory(svc, meaning) as embed:
        model = build_changes_report(svc.store, svc.sources, date_from=date_from.date(), date_to=date_to.date(),
                                     jurisdictions=[j.lower() for j in jurisdictions],
                                     equivalents=equivalents,  # type: ignore[arg-type]
                                     meaning=meaning, embed_factory=embed, progress=_say)
        stem = f"changes-{date_from.date()}-{date_to.date()}" + "".join(f"-{j}" for j in model.jurisdictions)
        _finish(model, fmt, _out_path(out, fmt, stem))


@report.command("divergence")
@click.option("--between", nargs=2, required=True, metavar="J1 J2",
              help="The two jurisdictions compared, e.g. --between eu us.")
@click.option("--category", default=None, metavar="C",
              help="Only entries of this category (0-9, ML, group-5; as `search --category`).")
@click.option("--level", type=click.Choice(["item", "entry"]), default="item", show_default=True,
              help="Compare sub-items (3A001.b.1, where thresholds sit) or whole entries (3A001).")
@_meaning
@_format
@_out
@handle_errors
def divergence_cmd(between: tuple[str, str], category: str | None, level: str, meaning: str, fmt: str,
                   out: Path | None) -> None:
    """Divergence between two jurisdictions: unilateral entries on each side, equivalent entries
    whose parameters differ (side by side), definitions that differ, and a heat map by category."""
    from exportwatch.reports.divergence import build_divergence_report

    left, right = (b.lower() for b in between)
    with Service.open() as svc, embed_factory(svc, meaning) as embed:
        model = build_divergence_report(svc.store, svc.sources, left=left, right=right, category=category,
                                        level=level, meaning=meaning, embed_factory=embed,
                                        progress=_say)
        stem = f"divergence-{left}-{right}" + (f"-{category}" if category else "")
        _finish(model, fmt, _out_path(out, fmt, stem))


COMMANDS = [report]
