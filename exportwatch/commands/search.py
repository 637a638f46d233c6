"""`exportwatch search`."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.output import console, print_json
from exportwatch.service import Service
from indexer.base import SearchQuery, SearchResult
from indexer.embedded import MARK_CLOSE, MARK_OPEN


def result_json(result: SearchResult) -> dict[str, Any]:
    q = result.query
    return {
        "query": q.text, "total": result.total, "limit": q.limit, "offset": q.offset,
        "filters": {"jurisdiction": list(q.jurisdictions), "source": list(q.sources),
                    "language": list(q.languages)},
        "hits": [{**h.__dict__, "version_date": h.version_date.isoformat()} for h in result.hits],
    }


def _terminal_snippet(snippet: str) -> str:
    return escape(snippet).replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/]")


@click.command()
@click.argument("query")
@click.option("--jurisdiction", "-j", multiple=True, metavar="J",
              help="Only this jurisdiction (repeatable): ca, eu, us, au, wa.")
@click.option("--source", multiple=True, metavar="ID", help="Only this source (repeatable).")
@click.option("--language", multiple=True, metavar="LANG", help="Only entries in this language (repeatable).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500), help="Hits per page.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits (pagination).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def search(query: str, jurisdiction: tuple[str, ...], source: tuple[str, ...], language: tuple[str, ...],
           limit: int, offset: int, as_json: bool) -> None:
    """Full-text search over the current version of every source.

    QUERY: words (all must match, any spelling: synthesiser/synthesizer), "a phrase", prefix*,
    a OR b, -excluded, or a control code (3A001.b, 3.A.1, ML8, 5504) to list it in every list.
    """
    with Service.open() as svc:
        result = svc.backend.search(SearchQuery(query, jurisdiction, source, language, limit, offset))
    if as_json:
        print_json(result_json(result))
        return
    table = Table(title=f"{result.total} entries match {query!r}", show_lines=True)
    for col in ("entry", "version", "snippet"):
        table.add_column(col, overflow="fold")
    for h in result.hits:
        table.add_row(h.entry_id, h.version_date.isoformat(), _terminal_snippet(h.snippet))
    console.print(table)


COMMANDS = [search]
