"""`exportwatch sources`: what is watched and how healthy each source is."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.output import console, print_json
from exportwatch.service import Service


def source_status(svc: Service) -> list[dict[str, Any]]:
    rows = []
    for s in svc.sources:
        current = svc.store.current_version(s.id)
        last = svc.store.last_crawl(s.id)
        ok = svc.store.last_success(s.id)
        rows.append({
            "id": s.id, "name": s.name, "jurisdiction": s.jurisdiction, "format": s.format,
            "schedule": s.schedule,
            "last_crawl": last.started_at if last else None,
            "last_status": last.status if last else None,
            "last_error": last.message if last and last.status == "failed" else None,
            "last_success": ok.finished_at if ok else None,
            "current_version": current.version_date.isoformat() if current else None,
            "versions": len(svc.store.versions(s.id)),
            "entries": current.entry_count if current else 0,
            "warnings": len(current.warnings) if current else 0,
        })
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (one object per source).")
@handle_errors
def sources(as_json: bool) -> None:
    """List sources: last success, current version, entries, warnings."""
    with Service.open() as svc:
        rows = source_status(svc)
    if as_json:
        print_json(rows)
        return
    table = Table(title="Sources")
    for col in ("id", "jurisdiction", "format", "last success", "current version", "versions",
                "entries", "warnings", "last status"):
        table.add_column(col)
    for r in rows:
        status = r["last_status"] or "never crawled"
        if r["last_error"]:
            status = f"[red]failed[/]: {r['last_error'][:60]}"
        table.add_row(r["id"], r["jurisdiction"], r["format"], r["last_success"] or "-",
                      r["current_version"] or "-", str(r["versions"]), str(r["entries"]),
                      str(r["warnings"]), status)
    console.print(table)


COMMANDS = [sources]
