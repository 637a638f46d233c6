"""`exportwatch crawl` and `exportwatch reindex`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Sequence

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.registry import Source, select_sources
from exportwatch.cli import handle_errors
from exportwatch.ingest import CrawlOutcome, run_crawl
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service
from exportwatch.settings import Settings
from indexer.entry_vectors import embed_missing
from indexer.project import rebuild_index, search_texts


def crawl_many(svc: Service, sources: Sequence[Source], *, mirror: str | None,
               date: str | None, quiet: bool = False) -> list[CrawlOutcome]:
    """Crawl sources one after another, with a progress bar on stderr."""
    outcomes = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err_console, disable=quiet or not err_console.is_terminal) as progress:
        task = progress.add_task("crawling", total=len(sources))
        for source in sources:
            progress.update(task, description=f"crawling {source.id}")
            outcomes.append(run_crawl(source, svc.store, svc.backend, svc.settings, mirror=mirror, date=date))
            progress.advance(task)
    return outcomes


def outcome_table(outcomes: Sequence[CrawlOutcome], title: str = "Crawl summary") -> Table:
    table = Table(title=title)
    for col in ("source", "status", "version", "entries", "new snapshots", "warnings", "seconds", "message"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        colour = {"failed": "red", "new-version": "green"}.get(o.status, "")
        table.add_row(o.source_id, f"[{colour}]{o.status}[/]" if colour else o.status,
                      o.version_date.isoformat() if o.version_date else "-", str(o.entries),
                      str(o.new_snapshots), str(len(o.warnings)), f"{o.seconds:.1f}", o.message[:160])
    return table


@click.command()
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Crawl only this source (repeatable).")
@click.option("--mirror", metavar="URL",
              help="Fetch from a replay mirror (exportwatch mirror) instead of the live hosts.")
@click.option("--date", metavar="YYYY-MM-DD", help="Ask dated endpoints (eCFR) for this date instead of the latest.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
@handle_errors
def crawl(source_ids: tuple[str, ...], mirror: str | None, date: str | None, as_json: bool) -> None:
    """Fetch sources, store new snapshots and versions, update the search index.

    Exits 1 if any source failed; what was stored before stays as it was.
    """
    if date:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise click.BadParameter(f"{date!r} is not YYYY-MM-DD", param_hint="--date") from None
    with Service.open() as svc:
        outcomes = crawl_many(svc, select_sources(svc.sources, source_ids), mirror=mirror, date=date)
    if as_json:
        print_json([o.__dict__ for o in outcomes])
    else:
        console.print(outcome_table(outcomes))
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@click.command()
@click.option("--backend", type=click.Choice(["embedded", "elasticsearch"]),
              help="Rebuild this backend's index (default: EXPORTWATCH_SEARCH_BACKEND).")
@click.option("--embed", is_flag=True, help="First compute the entry embeddings that are not "
              "cached yet (semantic and hybrid search need them; minutes for a whole list).")
@click.option("--json", "as_json", is_flag=True, help="Print counts per source as JSON.")
@handle_errors
def reindex(backend: str | None, embed: bool, as_json: bool) -> None:
    """Rebuild the search index from the store of record (current versions), published at once:
    searches see the old index until the new one is complete, and keep it if the rebuild fails."""
    settings = Settings.from_env()
    if backend:
        settings = dataclasses.replace(settings, search_backend=backend)
    with Service.open(settings) as svc:
        if embed:
            _embed_current(svc)
        total = sum(v.entry_count for s in svc.sources
                    if (v := svc.store.current_version(s.id)) is not None)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=err_console, disable=not err_console.is_terminal) as progress:
            task = progress.add_task(f"indexing into {svc.backend.name}", total=total)
            counts = rebuild_index(svc.store, svc.backend,
                                   [(s.id, s.jurisdiction) for s in svc.sources],
                                   progress=lambda n: progress.advance(task, n))
    if as_json:
        print_json(counts)
    else:
        for sid, n in counts.items():
            console.print(f"{sid}: {n} entries indexed")
        console.print(f"{sum(counts.values())} entries published in the {settings.search_backend} "
                      "index")


def _embed_current(svc: Service) -> None:
    texts = [t for s in svc.sources if (v := svc.store.current_version(s.id)) is not None
             for t in search_texts(svc.store, v, s.jurisdiction)]
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err_console, disable=not err_console.is_terminal) as progress:
        task = progress.add_task("embedding entries", total=None)
        n = embed_missing(svc.store, texts, on_plan=lambda n: progress.update(task, total=n),
                          progress=lambda n: progress.advance(task, n))
    err_console.print(f"{n} entries embedded ({len(texts) - n} were cached)")


COMMANDS = [crawl, reindex]
