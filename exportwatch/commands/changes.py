"""`exportwatch changes`, `diff`, `history` and `replay-history`: what changed, entry by entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from exportwatch.cli import handle_errors
from exportwatch.errors import ExportWatchError, NotFoundError
from exportwatch.output import console, print_json
from exportwatch.processors.changes import detect_changes
from exportwatch.service import Service
from indexer.changes import change_counts, change_json, entry_text, list_changes
from indexer.history import entry_as_of, sources_holding, timeline
from indexer.store import EntryRow, FileRef, Store, VersionRow
from nlp.changes import diff_versions
from nlp.changes.ccl_history import Projection, entries_at, load_projection
from nlp.changes.model import CHANGE_KINDS, Change, EntryText, RedlineSpan, parameter_json
from nlp.changes.notes import family
from nlp.changes.params import version_extractor
from nlp.changes.redline import render_html, render_plain

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def redline_text(spans: tuple[RedlineSpan, ...] | list[dict[str, str]]) -> Text:
    """A coloured redline: struck words red and crossed out, added words green and underlined.
    Without a colour terminal (a pipe, a log) the marks are written out: [-struck-] {+added+}."""
    parsed = tuple(s if isinstance(s, RedlineSpan) else RedlineSpan(s["op"], s["text"])  # type: ignore[arg-type]
                   for s in spans)
    if not console.is_terminal:
        return Text(render_plain(parsed))
    out = Text()
    for span in parsed:
        style = {"equal": "", "delete": "red strike", "insert": "bold green underline"}[span.op]
        out.append(span.text, style=style)
    return out


@click.command()
@click.option("--source", "sources", multiple=True, metavar="ID", help="Only this source (repeatable).")
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, metavar="J",
              help="Only entries of this jurisdiction (repeatable): ca, eu, us, au, wa.")
@click.option("--since", type=DATE, help="Only changes in versions dated on or after this date (YYYY-MM-DD).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS),
              help="Only this kind of change (repeatable).")
@click.option("--significance", type=click.Choice(["substantive", "editorial"]),
              help="Only substantive changes, or only editorial ones (letter case, punctuation).")
@click.option("--entry", "entry_ids", multiple=True, metavar="ENTRY_ID", help="Only changes of this entry.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(0),
              help="Show at most N changes (0: all).")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many changes (pagination).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handle_errors
def changes(sources: tuple[str, ...], jurisdictions: tuple[str, ...], since: dt.datetime | None,
            kinds: tuple[str, ...], significance: str | None, entry_ids: tuple[str, ...], limit: int,
            offset: int, as_json: bool) -> None:
    """Entry-level changes between consecutive versions of each source: added, removed, amended
    (with redline and parameter deltas), moved (renumbered) and definition changes."""
    with Service.open() as svc:
        found = list_changes(svc.store, sources=sources, jurisdictions=jurisdictions, since=_date(since),
                             kinds=kinds, entry_ids=entry_ids, significance=significance)
    page = found[offset:offset + limit] if limit else found[offset:]
    if as_json:
        print_json({"total": len(found), "offset": offset, "limit": limit,
                    "filters": {"source": list(sources), "jurisdiction": list(jurisdictions),
                                "since": _date(since), "kind": list(kinds), "significance": significance,
                                "entry": list(entry_ids)},
                    "changes": [change_json(c) for c in page]})
        return
    table = Table(title=f"{len(found)} change(s)" + (f", showing {len(page)}" if len(page) < len(found) else ""))
    for col in ("versions", "kind", "entry", "summary"):
        table.add_column(col, overflow="fold")
    for c in page:
        cs = c.change_set
        kind = c.kind + (" (editorial)" if c.significance == "editorial" else "")
        entry = c.entry_id if c.kind != "moved" else f"{c.old_entry_id} -> {c.entry_id}"
        table.add_row(f"{cs.source_id}\n{cs.from_version.version_date} -> {cs.to_version.version_date}",
                      kind, entry, escape(c.summary))
    console.print(table)


def _side(entry: EntryRow | None, version: VersionRow | None, as_of: dt.date) -> dict[str, Any] | None:
    if entry is None or version is None:
        return None
    return {"as_of": as_of.isoformat(), "source_id": version.source_id, "version_id": version.id,
            "version_date": version.version_date.isoformat(), "title": version.title}


def _lookup(svc: Service, entry_id: str, when: dt.date,
            source: str | None) -> tuple[EntryRow | None, VersionRow | None]:
    try:
        return entry_as_of(svc.store, entry_id, when, source)
    except NotFoundError:
        return None, None


def _family_of(svc: Service, entry: EntryRow | None, version: VersionRow | None) -> list[EntryText]:
    """The entry with the rest of its family (its entry-level ancestor and all it holds), so that
    a note the parser hangs on a sibling in one version reads as moved, as `exportwatch changes`
    has it, not as removed."""
    if entry is None or version is None:
        return []
    rows = {e.entry_id: entry_text(e) for e in svc.store.entries(version.id)}
    root = family(rows[entry.entry_id], rows)
    return [e for e in rows.values() if family(e, rows) == root]


def diff_json(svc: Service, entry_id: str, start: dt.date, end: dt.date, source: str | None) -> dict[str, Any]:
    old, old_v = _lookup(svc, entry_id, start, source)
    new, new_v = _lookup(svc, entry_id, end, source)
    if old is None and new is None:
        raise NotFoundError(f"{entry_id} is in force neither on {start} nor on {end}; "
                            f"see `exportwatch history {entry_id}`")
    olds = _family_of(svc, old, old_v)
    news = _family_of(svc, new, new_v)
    texts = {e.language: e.text for e in olds + news}
    result = diff_versions(olds, news, extractor=version_extractor(texts))
    change: Change | None = next((c for c in result.changes if entry_id in (c.entry_id, c.old_entry_id)), None)
    data: dict[str, Any] = {"entry_id": entry_id, "from": _side(old, old_v, start), "to": _side(new, new_v, end),
                            "changed": change is not None, "change": None, "warnings": result.warnings}
    if change is not None:
        data["change"] = {"kind": change.kind, "significance": change.significance, "summary": change.summary,
                          **change.detail_json()}
        data["change"]["parameters"] = [parameter_json(p) for p in change.parameters]
    return data


@click.command()
@click.argument("entry_id")
@click.option("--from", "start", type=DATE, required=True, help="The earlier date (the version in force then).")
@click.option("--to", "end", type=DATE, required=True, help="The later date (the version in force then).")
@click.option("--source", metavar="ID", help="Read both sides from this source (default: the source in force).")
@click.option("--format", "fmt", type=click.Choice(["terminal", "html", "json"]), default="terminal",
              show_default=True, help="Coloured redline, an HTML page (<del>/<ins>), or JSON.")
@handle_errors
def diff(entry_id: str, start: dt.datetime, end: dt.datetime, source: str | None, fmt: str) -> None:
    """Redline of one entry between the versions in force on two dates."""
    with Service.open() as svc:
        data = diff_json(svc, entry_id, start.date(), end.date(), source)
    if fmt == "json":
        print_json(data)
    elif fmt == "html":
        click.echo(diff_html(data))
    else:
        _print_diff(data)


def _where(side: dict[str, Any] | None) -> str:
    return "not in force" if side is None else f"{side['source_id']} version of {side['version_date']}"


def _print_diff(data: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(data['entry_id'])}[/]: {_where(data['from'])} -> {_where(data['to'])}")
    change = data["change"]
    if change is None:
        console.print("No change (formatting noise aside).")
        return
    console.print(f"[bold]{change['kind']}[/] ({change['significance']}): {escape(change['summary'])}")
    if change["redline"]:
        console.print(redline_text(change["redline"]))
    elif change["kind"] in ("added", "removed"):
        side = change["new"] or change["old"]
        console.print(Text(side["text"] or side["heading"], style="bold green" if change["new"] else "red strike"))
    for p in change["parameters"]:
        console.print(f"  parameter {p['change']} ({p['where']}): {escape(p['description'])}")
    for n in change["notes"]:
        console.print(f"  [italic]{escape(n['label'] or 'note')}[/] {n['change']}:")
        if n["redline"]:
            console.print(Text("    ").append_text(redline_text(n["redline"])))
        else:
            console.print(Text("    " + (n["new_text"] or n["old_text"] or ""),
                               style="bold green" if n["new_text"] else "red strike"))


def diff_html(data: dict[str, Any]) -> str:
    """A standalone HTML page for one diff (escaped; styles inline, no scripts)."""
    import html

    change = data["change"]
    rows = [f"<h1>{html.escape(data['entry_id'])}</h1>",
            f"<p>{html.escape(_where(data['from']))} &rarr; {html.escape(_where(data['to']))}</p>"]
    if change is None:
        rows.append("<p>No change (formatting noise aside).</p>")
    else:
        rows.append(f"<p><strong>{change['kind']}</strong> ({change['significance']}): "
                    f"{html.escape(change['summary'])}</p>")
        spans = tuple(RedlineSpan(s["op"], s["text"]) for s in change["redline"])
        if spans:
            rows.append(f"<p class='redline'>{render_html(spans)}</p>")
        rows += [f"<p>Parameter {p['change']} ({html.escape(p['where'])}): {html.escape(p['description'])}</p>"
                 for p in change["parameters"]]
        for n in change["notes"]:
            body = (render_html(tuple(RedlineSpan(s["op"], s["text"]) for s in n["redline"])) if n["redline"]
                    else html.escape(n["new_text"] or n["old_text"] or ""))
            rows.append(f"<p><em>{html.escape(n['label'] or 'note')}</em> {n['change']}: {body}</p>")
    style = "del{color:#b00;text-decoration:line-through}ins{color:#070;text-decoration:underline}"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(data['entry_id'])}</title>"
            f"<style>{style}</style></head><body>{''.join(rows)}</body></html>")


def history_json(svc: Service, entry_id: str, source: str | None) -> dict[str, Any]:
    sids = [source] if source else sources_holding(svc.store, entry_id)
    if not sids:
        similar = svc.store.entry_ids_like(entry_id.rsplit(".", 1)[0])
        raise NotFoundError(f"no entry {entry_id}" + (f"; similar: {', '.join(similar)}" if similar else ""))
    out = []
    for sid in sids:
        intervals = []
        for iv in timeline(svc.store, entry_id, sid):
            e = iv.entry
            intervals.append({
                "valid_from": iv.valid_from.isoformat(),
                "valid_to": iv.valid_to.isoformat() if iv.valid_to else None,
                "present": iv.present, "status": e.status if e else None,
                "heading": e.heading if e else None, "text": e.text if e else None,
                "notes": e.notes if e else [],
                "versions": [{"id": v.id, "version_date": v.version_date.isoformat()} for v in iv.versions],
                "change": None if iv.change is None else {
                    "id": iv.change.id, "kind": iv.change.kind, "significance": iv.change.significance,
                    "summary": iv.change.summary},
            })
        out.append({"source_id": sid, "intervals": intervals})
    return {"entry_id": entry_id, "sources": out}


@click.command()
@click.argument("entry_id")
@click.option("--source", metavar="ID", help="Only the timeline in this source.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@handle_errors
def history(entry_id: str, source: str | None, as_json: bool) -> None:
    """Timeline of one entry: each text it had, valid from which version date to which."""
    with Service.open() as svc:
        data = history_json(svc, entry_id, source)
    if as_json:
        print_json(data)
        return
    for src in data["sources"]:
        table = Table(title=f"{entry_id} in {src['source_id']}", show_lines=True)
        for col in ("valid from", "valid to", "versions", "what changed", "text"):
            table.add_column(col, overflow="fold")
        for iv in src["intervals"]:
            change = iv["change"]
            what = escape(change["summary"]) if change else ("first seen" if iv["present"] else "")
            text = escape(iv["text"] or iv["heading"] or "") if iv["present"] else "[dim](not in the list)[/]"
            if iv["present"] and iv["status"] != "active":
                text = escape(f"[{iv['status']}] ") + text
            until = iv["valid_to"] or ("in force" if iv["present"] else "")
            table.add_row(iv["valid_from"], until, str(len(iv["versions"])), what, text[:400])
        console.print(table)


@click.command(name="replay-history")
@click.option("--ccl-projection", "projection", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The CCL paragraph history projection (ccl_history_projection.DERIVED.json).")
@click.option("--source-id", default="us-ccl-history", show_default=True,
              help="Source id the replayed versions are stored under.")
@click.option("--json", "as_json", is_flag=True, help="Print the change counts per version pair as JSON.")
@handle_errors
def replay_history(projection: Path, source_id: str, as_json: bool) -> None:
    """Store the US CCL's 2017-2025 paragraph history as versions of its own source and detect the
    changes between consecutive dates (not a crawl: the projection is derived data)."""
    with Service.open() as svc:
        stored = replay_ccl_projection(svc.store, projection, source_id, progress=not as_json)
        counts = change_counts(svc.store, source_id)
    if as_json:
        print_json({"source_id": source_id, "new_versions": stored,
                    "pairs": [{"from": c.from_date, "to": c.to_date, "counts": c.counts, "editorial": c.editorial,
                               "total": c.total} for c in counts]})
        return
    print_counts(source_id, counts)


def replay_ccl_projection(store: Store, path: Path, source_id: str, *, progress: bool = False) -> int:
    """Store each date of the CCL history projection as a version of `source_id` (jurisdiction
    us), then compute the change sets between consecutive dates. Idempotent: a date whose entry
    set is already stored is skipped, and change sets are computed once. Returns the number of
    versions stored. The projection file itself is kept as a snapshot, cited by every version."""
    proj = load_projection(path)
    content = path.read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    url = path.resolve().as_uri()
    crawl_id = store.begin_crawl(source_id)
    stored: list[int] = []
    try:
        store.add_fetch(crawl_id, url=url, status=200, fetched_at=_now(), headers={}, content=content,
                        sha256=sha, language="en", role="projection")
        with Progress(console=console, disable=not progress, transient=True) as bar:
            task = bar.add_task("storing dates", total=len(proj.versions))
            for date in proj.versions:
                stored += _store_date(store, proj, date, source_id, crawl_id, FileRef(url, sha, "en", "projection"))
                bar.advance(task)
            versions = store.versions(source_id)
            task = bar.add_task("detecting changes", total=len(versions))
            for version in versions:
                detect_changes(store, source_id, version)
                bar.advance(task)
        store.finish_crawl(crawl_id, "new-version" if stored else "unchanged",
                           version_id=stored[-1] if stored else None, stats={"new_versions": len(stored)})
    except ExportWatchError as exc:
        store.finish_crawl(crawl_id, "failed", message=str(exc))
        raise
    return len(stored)


def _store_date(store: Store, proj: Projection, date: dt.date, source_id: str, crawl_id: int,
                file: FileRef) -> list[int]:
    doc = entries_at(proj, date)
    # The date and the entry set name a version: replaying the same (or a re-generated but
    # identical) projection stores nothing new.
    digest = hashlib.sha256(repr((date, doc.entries)).encode()).hexdigest()
    if store.find_version(source_id, digest) is not None:
        return []
    return [store.add_version(source_id=source_id, jurisdiction="us", primary_language="en", bundle_sha256=digest,
                              crawl_id=crawl_id, doc=doc, files=[file])]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def print_counts(source_id: str, counts: list[Any]) -> None:
    """A table of change counts per version pair (also used by the demo)."""
    table = Table(title=f"changes per version pair: {source_id}")
    for col in ("from", "to", *CHANGE_KINDS, "of which editorial", "total"):
        table.add_column(col, justify="right" if col not in ("from", "to") else "left")
    for c in counts:
        cells = [str(c.counts.get(k, 0)) for k in CHANGE_KINDS] if c.detected else ["-"] * len(CHANGE_KINDS)
        table.add_row(str(c.from_date), str(c.to_date), *cells, str(c.editorial),
                      str(c.total) if c.detected else "not computed")
    console.print(table)


COMMANDS = [changes, diff, history, replay_history]
