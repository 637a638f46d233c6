"""`exportwatch reprocess`: run post-version processors again over stored versions."""

from __future__ import annotations

import click

from crawlers.registry import select_sources
from exportwatch.cli import handle_errors
from exportwatch.output import console, print_json
from exportwatch.processors import VersionContext, processors, run_processors
from exportwatch.service import Service
from indexer.project import project_source


@click.command()
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Only this source (repeatable).")
@click.option("--processor", "names", multiple=True, metavar="NAME", help="Only this processor (repeatable).")
@click.option("--force", is_flag=True, help="Run processors that already ran (they are idempotent).")
@click.option("--json", "as_json", is_flag=True, help="Print warnings per source and version as JSON.")
@handle_errors
def reprocess(source_ids: tuple[str, ...], names: tuple[str, ...], force: bool, as_json: bool) -> None:
    """Run processors (extraction, definitions, change detection, ...) over every stored version,
    oldest first, then re-index. Use after adding or upgrading a processor."""
    known = {p.name for p in processors()}
    unknown = set(names) - known
    if unknown:
        raise click.BadParameter(f"unknown processor(s) {sorted(unknown)}; known: {sorted(known)}")
    report: dict[str, dict[str, list[str]]] = {}
    with Service.open() as svc:
        for source in select_sources(svc.sources, source_ids):
            for version in svc.store.versions(source.id):
                ctx = VersionContext(svc.store, svc.backend, svc.settings, source, version)
                warnings = run_processors(ctx, only=set(names) or None, force=force)
                report.setdefault(source.id, {})[version.version_date.isoformat()] = warnings
            project_source(svc.store, svc.backend, source.id, source.jurisdiction)
    if as_json:
        print_json(report)
        return
    for sid, versions in report.items():
        for date, warnings in versions.items():
            console.print(f"{sid} {date}: {len(warnings)} warning(s)")
            for w in warnings[:5]:
                console.print(f"  {w}", highlight=False)


COMMANDS = [reprocess]
