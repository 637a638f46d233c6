"""`exportwatch search`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.errors import QueryError
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service
from indexer.base import (
    CHANGE_KIND_VALUES,
    DEFAULT_DEPTH,
    MAX_DEPTH,
    MODES,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from indexer.embedded import MARK_CLOSE, MARK_OPEN
from indexer.entry_vectors import embed_query
from indexer.history import as_of_index


def result_json(result: SearchResult) -> dict[str, Any]:
    q = result.query
    out: dict[str, Any] = {
        "query": q.text, "mode": q.mode, "total": result.total, "limit": q.limit,
        "offset": q.offset,
        "filters": {"jurisdiction": list(q.jurisdictions), "source": list(q.sources),
                    "language": list(q.languages), "category": list(q.categories),
                    "code_prefix": list(q.code_prefixes), "kind": list(q.kinds),
                    "status": list(q.statuses), "change_kind": list(q.change_kinds)},
        "hits": [{**h.__dict__, "version_date": h.version_date.isoformat()} for h in result.hits],
    }
    if q.mode != "bm25":
        out["depth"] = q.depth
    if q.facets:
        out["facets"] = {name: [{"value": v, "count": n} for v, n in counts]
                         for name, counts in result.facets.items()}
    return out


def _terminal_snippet(snippet: str) -> str:
    return escape(snippet).replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/]")


def _facet_table(result: SearchResult) -> Table:
    table = Table(title="facets (entries per value)")
    table.add_column("facet")
    table.add_column("values", overflow="fold")
    for name, counts in result.facets.items():
        table.add_row(name, ", ".join(f"{escape(v)} {n}" for v, n in counts) or "-")
    return table


@click.command()
@click.argument("query")
@click.option("--mode", type=click.Choice(MODES), default="bm25", show_default=True,
              help="bm25: words; semantic: meaning (needs embeddings); hybrid: both, fused.")
@click.option("--jurisdiction", "-j", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable): ca, eu, us, au, wa.")
@click.option("--source", multiple=True, metavar="ID", help="Only this source (repeatable).")
@click.option("--language", multiple=True, metavar="LANG", help="Only entries in this language (repeatable).")
@click.option("--category", multiple=True, metavar="CAT",
              help="Only this category (repeatable): 0-9, ML, group-5, ...")
@click.option("--code-prefix", "code_prefix", multiple=True, metavar="CODE",
              help="Only codes starting with this (repeatable): 3A, 3A001, 3.A.1, ML8.")
@click.option("--kind", multiple=True, metavar="KIND",
              help="Only this kind of entry (repeatable): category, group, entry, item.")
@click.option("--status", multiple=True, metavar="STATUS",
              help="Only entries with this status (repeatable): active, reserved, ...")
@click.option("--change-kind", "change_kind", multiple=True, metavar="KIND",
              help="Only entries that the indexed version changed so (repeatable): "
                   f"{', '.join(CHANGE_KIND_VALUES)}.")
@click.option("--facets", is_flag=True, help="Also count the hits per jurisdiction, source, "
              "category, language, kind, status and change kind.")
@click.option("--depth", default=DEFAULT_DEPTH, show_default=True, type=click.IntRange(1, MAX_DEPTH),
              help="semantic/hybrid: how many nearest entries (and bm25 hits) are ranked.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500), help="Hits per page.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits (pagination).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="Search the versions in force on this date (YYYY-MM-DD) instead of the current ones (bm25).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def search(query: str, mode: str, jurisdiction: tuple[str, ...], source: tuple[str, ...],
           language: tuple[str, ...], category: tuple[str, ...], code_prefix: tuple[str, ...],
           kind: tuple[str, ...], status: tuple[str, ...], change_kind: tuple[str, ...], facets: bool,
           depth: int, limit: int, offset: int, as_of: dt.datetime | None, as_json: bool) -> None:
    """Search the current version of every source (or those in force on a date: --as-of).

    QUERY: words (all must match, any spelling: synthesiser/synthesizer), "a phrase", prefix*,
    a OR b, -excluded, or a control code (3A001.b, 3.A.1, ML8, 5504) to list it in every list.
    """
    with Service.open() as svc:
        backend = svc.backend if as_of is None else _as_of_backend(svc, as_of.date(), mode)
        model, vector = ("", None) if mode == "bm25" else embed_query(svc.store, query)
        result = backend.search(SearchQuery(
            query, jurisdiction, source, language, limit, offset, mode=mode, vector=vector,
            vector_model=model, categories=category, code_prefixes=code_prefix, kinds=kind,
            statuses=status, change_kinds=change_kind, facets=facets, depth=depth))
        if backend is not svc.backend:
            backend.close()
    if as_json:
        print_json(result_json(result))
        return
    if mode != "bm25" and result.total == 0:
        err_console.print(f"{mode} search found nothing: if the entries have not been embedded "
                          "yet, run `exportwatch reindex --embed`", highlight=False)
    table = Table(title=f"{result.total} entries match {query!r} ({mode})", show_lines=True)
    for col in ("entry", "version", "snippet"):
        table.add_column(col, overflow="fold")
    for h in result.hits:
        table.add_row(h.entry_id, h.version_date.isoformat(), _terminal_snippet(h.snippet))
    console.print(table)
    if facets:
        console.print(_facet_table(result))


def _as_of_backend(svc: Service, when: dt.date, mode: str) -> SearchBackend:
    if mode != "bm25":
        raise QueryError("--as-of searches words (--mode bm25) only: past versions carry no embeddings")
    return as_of_index(svc.store, when, svc.settings.home / "asof",
                       {s.id: s.jurisdiction for s in svc.sources})


COMMANDS = [search]
