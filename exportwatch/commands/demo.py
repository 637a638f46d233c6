"""`exportwatch demo`: the main job end to end on the embedded default, against the replay mirror."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alerts.demo import DemoAlerts
from crawlers.mirror import MirrorServer, load_catalog
from exportwatch.cli import handle_errors
from exportwatch.commands.changes import print_counts, replay_ccl_projection
from exportwatch.commands.search import _terminal_snippet
from exportwatch.ingest import CrawlOutcome, run_crawl
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service
from indexer.base import SearchQuery
from indexer.changes import change_counts

SAMPLE_QUERY = "frequency synthesizer"
# The CCL's per-paragraph history 2017-2025 (derived from the eCFR API, not an XML document):
# replayed into the change engine as entry sets, as the source `us-ccl-history`.
CCL_PROJECTION = "raw/us-ccl-history-2017-2025-ccl-trade/ccl_history_projection.DERIVED.json"
HISTORY_SOURCE = "us-ccl-history"


@click.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus directory (default: EXPORTWATCH_CORPUS, ../shared/corpus).")
@click.option("--latest", type=click.IntRange(1), default=None,
              help="Replay only the newest N versions of each source (default: all).")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also replay the CCL paragraph history 2017-2025 into the change engine (~1-2 min).")
@click.option("--json", "as_json", is_flag=True, help="Print the per-source summary as JSON.")
@handle_errors
def demo(corpus: Path | None, latest: int | None, history: bool, as_json: bool) -> None:
    """Start the replay mirror, crawl every source through it (each dated version in order),
    then print what was stored and a sample search."""
    with Service.open() as svc:
        catalog = load_catalog(svc.settings.mirror_config, corpus or svc.settings.corpus, svc.sources)
        server = MirrorServer(catalog)
        server.start_background()
        # Sample subscriptions (a team "demo") with a signature-checking webhook receiver on
        # loopback: the replayed versions' changes produce real alerts and deliveries.
        alerts = DemoAlerts(svc.store)
        alerts.start()
        plan = [(s, d) for s in svc.sources if s.id in catalog.sources
                for d in catalog.dates(s.id)[-(latest or 0):]]
        results: dict[str, list[CrawlOutcome]] = {}
        started = time.monotonic()
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), console=err_console) as progress:
                task = progress.add_task("replaying", total=len(plan))
                for source, date in plan:
                    progress.update(task, description=f"{source.id} @ {date}")
                    catalog.pin(source.id, date)
                    outcome = run_crawl(source, svc.store, svc.backend, svc.settings, mirror=server.url)
                    results.setdefault(source.id, []).append(outcome)
                    progress.advance(task)
        finally:
            server.shutdown()
            server.server_close()
        if history:
            corpus_dir = corpus or svc.settings.corpus
            err_console.print("replaying the CCL paragraph history 2017-2025 (entry sets)...")
            replay_ccl_projection(svc.store, corpus_dir / CCL_PROJECTION, HISTORY_SOURCE)
        try:
            alert_rows = alerts.finish()
        finally:
            alerts.stop()
        summary = _summary(svc, results)
        counts = {sid: change_counts(svc.store, sid) for sid in [*results, *([HISTORY_SOURCE] if history else [])]}
        sample = svc.backend.search(SearchQuery(SAMPLE_QUERY, limit=10))
    if as_json:
        print_json({"sources": summary, "changes": {sid: [c.__dict__ for c in cs] for sid, cs in counts.items()},
                    "alerts": alert_rows,
                    "seconds": round(time.monotonic() - started, 1)})
    else:
        _print(summary, sample, time.monotonic() - started)
        for sid, cs in counts.items():
            if sid == HISTORY_SOURCE and len(cs) > 12:
                console.print(f"{sid}: {len(cs)} version pairs, {sum(c.total for c in cs)} changes; "
                              f"first and last pairs shown (all: exportwatch changes --source {sid})")
                cs = cs[:6] + cs[-6:]
            print_counts(sid, cs)
        _print_alerts(alert_rows)
    if any(o.status == "failed" for outs in results.values() for o in outs):
        sys.exit(1)


def _summary(svc: Service, results: dict[str, list[CrawlOutcome]]) -> list[dict[str, Any]]:
    rows = []
    for sid, outs in results.items():
        current = svc.store.current_version(sid)
        rows.append({
            "source": sid,
            "replayed": [f"{o.version_date or '?'}:{o.status}" for o in outs],
            "new_versions": sum(o.status == "new-version" for o in outs),
            "failed": [o.message for o in outs if o.status == "failed"],
            "versions_stored": len(svc.store.versions(sid)),
            "current_version": current.version_date.isoformat() if current else None,
            "entries": current.entry_count if current else 0,
            "warnings": len(current.warnings) if current else 0,
            "new_snapshots": sum(o.new_snapshots for o in outs),
            "seconds": round(sum(o.seconds for o in outs), 1),
        })
    return rows


def _print_alerts(rows: list[dict[str, Any]]) -> None:
    table = Table(title="Demo subscriptions: alerts from the replayed versions")
    for col in ("subscription", "alerts", "by source", "messages delivered", "verified by webhook", "example"):
        table.add_column(col, overflow="fold")
    for r in rows:
        by_source = ", ".join(f"{k}: {v}" for k, v in r["by_source"].items()) or "-"
        table.add_row(r["subscription"], str(r["alerts"]), by_source, str(r["messages_delivered"]),
                      str(r["received_by_webhook"]), r["example"][:100])
    console.print(table)


def _print(summary: list[dict[str, Any]], sample: Any, seconds: float) -> None:
    table = Table(title="Demo: replayed versions per source")
    for col in ("source", "crawls", "new versions", "versions stored", "current", "entries",
                "warnings", "new snapshots", "seconds", "failures"):
        table.add_column(col, overflow="fold")
    for r in summary:
        table.add_row(r["source"], str(len(r["replayed"])), str(r["new_versions"]), str(r["versions_stored"]),
                      r["current_version"] or "-", str(r["entries"]), str(r["warnings"]),
                      str(r["new_snapshots"]), str(r["seconds"]), "; ".join(r["failed"])[:200] or "-")
    console.print(table)
    hits = Table(title=f"Sample search: {SAMPLE_QUERY!r} ({sample.total} matches)")
    for col in ("entry", "snippet"):
        hits.add_column(col, overflow="fold")
    for h in sample.hits:
        hits.add_row(h.entry_id, _terminal_snippet(h.snippet))
    console.print(hits)
    console.print(f"demo finished in {seconds:.0f} s")


COMMANDS = [demo]
