"""`exportwatch updates` and `exportwatch update`: Federal Register rules (us-fr-bis) as
regulation-update records, each linked to the CCL version it took effect in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from exportwatch.cli import handle_errors
from exportwatch.output import console, print_json
from exportwatch.service import Service
from indexer.updates import CclLink, ChangeCounter, StoredUpdate, ccl_links, get_update, history, list_updates

_DATE = click.DateTime(formats=["%Y-%m-%d"])
_SAMPLE = 20


def link_json(link: CclLink) -> dict[str, Any]:
    return {
        "source_id": link.source_id, "status": link.status, "basis": link.basis, "on": link.on.isoformat(),
        "version_id": link.version_id,
        "version_date": link.version_date.isoformat() if link.version_date else None,
        "previous_version_id": link.previous_version_id,
        "previous_version_date": link.previous_version_date.isoformat() if link.previous_version_date else None,
        "changes": link.changes,
    }


def update_json(svc: Service, u: StoredUpdate, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "document_number": u.document_number, "title": u.title, "type": u.type, "action": u.action,
        "publication_date": u.publication_date.isoformat(),
        "effective_on": u.effective_on.isoformat() if u.effective_on else None,
        "citation": u.citation, "cfr_parts": u.cfr_parts, "supplements": u.supplements, "html_url": u.html_url,
        "recorded": {"version_id": u.version_id, "version_date": u.version_date.isoformat()},
        "links": [link_json(link) for link in ccl_links(svc.store, u)],
    }
    if full:
        counter = ChangeCounter(svc.store)
        data.update(abstract=u.abstract, docket_ids=u.docket_ids, agencies=u.agencies, json_url=u.json_url,
                    changes_available=counter.available,
                    history=[{"version_id": h.version_id, "version_date": h.version_date.isoformat(),
                              "recorded_at": h.recorded_at} for h in history(svc.store, u.document_number)])
        for link in data["links"]:
            sample = (counter.sample(link["previous_version_id"], link["version_id"], limit=None)
                      if link["status"] == "linked" else [])
            link["changed_entries"] = [{"entry_id": c.entry_id, "kind": c.kind, "significance": c.significance,
                                        "summary": c.summary} for c in sample]
    return data


def _link_text(link: dict[str, Any]) -> str:
    sid, status = link["source_id"], link["status"]
    if status == "pending":
        return f"{sid}: none yet on/after {link['on']}"
    if status == "not-a-rule":
        return f"{sid}: not linked (not a rule)"
    if status == "baseline":
        return f"{sid} {link['version_date']} (first stored version)"
    changes = "changes not computed" if link["changes"] is None else f"{link['changes']} changes"
    return f"{sid} {link['version_date']} ({changes} since {link['previous_version_date']})"


@click.command()
@click.option("--since", type=_DATE, default=None, metavar="YYYY-MM-DD",
              help="Only documents published on or after this date.")
@click.option("--part", type=click.IntRange(1), default=None, metavar="N",
              help="Only rules amending 15 CFR part N (a Part 774 supplement counts as Part 774).")
@click.option("--limit", type=click.IntRange(0), default=50, show_default=True,
              help="At most this many records (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def updates(since: dt.datetime | None, part: int | None, limit: int, as_json: bool) -> None:
    """List regulation-update records (Federal Register BIS rules), newest first, each with the
    CCL version it took effect in and the number of entry changes in that version."""
    with Service.open() as svc:
        found = list_updates(svc.store, since=since.date() if since else None, part=part)
        shown = found if limit == 0 else found[:limit]
        rows = [update_json(svc, u) for u in shown]
    if as_json:
        print_json({"total": len(found), "limit": limit,
                    "filters": {"since": since.date().isoformat() if since else None, "part": part},
                    "updates": rows})
        return
    table = Table(title=f"{len(found)} regulation updates" + (f" (showing {len(rows)})" if len(rows) < len(found)
                                                                else ""))
    for col in ("document", "published", "effective", "title", "CCL version"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["document_number"], r["publication_date"], r["effective_on"] or "-",
                      escape(r["title"][:90]), "\n".join(_link_text(li) for li in r["links"]) or "-")
    console.print(table)


@click.command()
@click.argument("document_number")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@handle_errors
def update(document_number: str, as_json: bool) -> None:
    """Show one regulation-update record (e.g. 2025-18992): abstract, dates, citation, and its link
    to the CCL version it took effect in, with that version's entry changes."""
    with Service.open() as svc:
        data = update_json(svc, get_update(svc.store, document_number.strip()), full=True)
    if as_json:
        print_json(data)
        return
    facts = [("Type", data["type"]), ("Action", data["action"]), ("Published", data["publication_date"]),
             ("Effective", data["effective_on"]), ("Citation", data["citation"]),
             ("CFR parts", ", ".join(f"{p.get('title')} CFR {p.get('part')}" for p in data["cfr_parts"])),
             ("CCL supplements", ", ".join(data["supplements"])), ("Dockets", "; ".join(data["docket_ids"])),
             ("Document", data["html_url"])]
    body = [f"[bold]{escape(data['title'])}[/]", ""]
    body += [f"{k}: {escape(str(v))}" for k, v in facts if v]
    body += ["", escape(data["abstract"] or "(no abstract in the API record)"), ""]
    for link in data["links"]:
        body.append("CCL: " + escape(_link_text(link)))
        changed = link.get("changed_entries", [])
        for c in changed[:_SAMPLE]:
            body.append(f"  {c['kind']:<10} {escape(c['entry_id'])}: {escape(c['summary'][:100])}")
        if len(changed) > _SAMPLE:
            body.append(f"  … {len(changed) - _SAMPLE} more (all of them: exportwatch update"
                        f" {data['document_number']} --json)")
    if not data["links"]:
        body.append("CCL: no CCL version stored yet (crawl us-ecfr-ccl)")
    body.append(f"[dim]recorded from us-fr-bis version {data['recorded']['version_date']}[/]")
    console.print(Panel("\n".join(body), title=data["document_number"]))


COMMANDS = [updates, update]
