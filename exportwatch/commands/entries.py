"""`exportwatch show`: one entry with its text, notes, place in the list and citation."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

import click
from rich.markup import escape
from rich.panel import Panel

from exportwatch.cli import handle_errors
from exportwatch.errors import NotFoundError
from exportwatch.output import console, print_json
from exportwatch.service import Service
from indexer.annotations import entry_annotations, referencing
from indexer.history import entry_as_of, timeline
from indexer.store import EntryRow, VersionRow


def entry_json(svc: Service, entry_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    try:
        if as_of is not None:
            entry, version = entry_as_of(svc.store, entry_id, as_of)
        else:
            entry, version = svc.store.entry(entry_id)
    except NotFoundError as exc:
        if as_of is not None and svc.store.entry_ids_like(entry_id, 1) == [entry_id]:
            raise  # the entry exists, only not on that date: the message says where to look
        similar = svc.store.entry_ids_like(entry_id.rsplit(".", 1)[0])
        hint = f"; similar: {', '.join(similar)}" if similar else ""
        raise NotFoundError(f"{exc}{hint}") from None
    files = svc.store.db.execute("SELECT url, sha256, language FROM version_files WHERE version_id=?",
                                 (version.id,)).fetchall()
    data = {
        "entry_id": entry.entry_id, "code": entry.code, "kind": entry.kind, "status": entry.status,
        "language": entry.language, "heading": entry.heading, "text": entry.text,
        "notes": entry.notes, "parent_id": entry.parent_id, "path": entry.path,
        "children": [c.entry_id for c in svc.store.children(version.id, entry.entry_id)],
        **extraction_json(svc, entry, version),
        "source": {
            "id": version.source_id, "version_date": version.version_date.isoformat(),
            "version_id": version.id, "title": version.title,
            "documents": [{"url": f["url"], "sha256": f["sha256"], "language": f["language"]}
                          for f in files if f["language"] == entry.language],
        },
    }
    if as_of is not None:
        data["as_of"] = as_of.isoformat()
        data["validity"] = _validity(svc, entry_id, version)
    return data


def _validity(svc: Service, entry_id: str, version: VersionRow) -> dict[str, str | None]:
    """The interval (version dates, `to` exclusive) in which this text of the entry stood."""
    for interval in timeline(svc.store, entry_id, version.source_id):
        if interval.present and any(v.id == version.id for v in interval.versions):
            return {"from": interval.valid_from.isoformat(),
                    "to": interval.valid_to.isoformat() if interval.valid_to else None}
    return {"from": version.version_date.isoformat(), "to": None}


def extraction_json(svc: Service, entry: EntryRow, version: VersionRow) -> dict[str, Any]:
    """What extraction found (`extract` processor), each item with the field it came from
    ("text" or "notes[i]"); `extractor` is null where the processor has not run on this version."""
    found = entry_annotations(svc.store, version.id, entry.entry_id, note_count=len(entry.notes))
    jurisdiction = entry.entry_id.split(":", 1)[0]
    referenced_by = [{"entry_id": eid, "kind": kind} for eid, kind in referencing(svc.store, version.id, entry.code)
                     if eid.split("@", 1)[0] != entry.entry_id.split("@", 1)[0]
                     and eid.startswith(f"{jurisdiction}:")]
    if found is None:
        return {"extractor": None, "parameters": [], "references": [], "codes": [], "terms": [],
                "referenced_by": referenced_by}
    located = found.located()
    return {
        "extractor": found.extractor,
        "parameters": [{"field": f, **asdict(p)} for f, x in located for p in x.parameters],
        "references": [{"field": f, **asdict(r)} for f, x in located for r in x.references],
        "codes": found.codes,
        "terms": found.terms,
        "referenced_by": referenced_by,
    }


def _parameter_line(p: dict[str, Any], notes: list[dict[str, str]]) -> str:
    where = "" if p["field"] == "text" else f" [{_field_label(p['field'], notes)}]"
    if p["comparator"] == "range":
        value = f"{p['value']:g}–{p['upper']:g} {p['unit']}"
    else:
        value = f"{p['comparator']} {p['value']:g} {p['unit']}"
    si = f" (= {p['si_value']:g} {p['si_unit']})" if p["si_unit"] and p["si_unit"] != p["unit"] else ""
    return f"  {p['quantity']}: {value}{si} — “{p['text']}”{where}"


def _field_label(field: str, notes: list[dict[str, str]]) -> str:
    """ "notes[2]" -> the note's own label ("Note 1", "Technical Note")."""
    if not field.startswith("notes["):
        return field
    index = int(field[6:-1])
    return notes[index]["label"] if index < len(notes) else field


def _extraction_lines(data: dict[str, Any]) -> list[str]:
    if data["extractor"] is None:
        return ["", "[dim]Not annotated yet: run `exportwatch reprocess --processor extract`.[/]"]
    lines: list[str] = []
    if data["parameters"]:
        lines += ["", "[bold]Parameters[/]"]
        lines += [escape(_parameter_line(p, data["notes"])) for p in data["parameters"][:40]]
    by_kind: dict[str, list[str]] = {}
    for r in data["references"]:
        by_kind.setdefault(r["kind"], [])
        if r["target"] not in by_kind[r["kind"]]:
            by_kind[r["kind"]].append(r["target"])
    if by_kind:
        lines += ["", "[bold]References[/]"] + [f"  {kind}: {', '.join(targets)}" for kind, targets in by_kind.items()]
    if data["referenced_by"]:
        cited = ", ".join(f"{r['entry_id']} ({r['kind']})" for r in data["referenced_by"][:20])
        lines += ["", f"Referenced by: {cited}"]
    if data["terms"]:
        lines += ["", "Defined terms used: " + escape(", ".join(data["terms"]))]
    return lines


@click.command()
@click.argument("entry_id")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="Show the entry as it stood on this date (YYYY-MM-DD): the version then in force.")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@handle_errors
def show(entry_id: str, as_of: dt.datetime | None, as_json: bool) -> None:
    """Show an entry (e.g. eu:3A001.b.1, us:9A012, ca:5504(2), ca:5101@fr) as currently in force,
    or as it stood on a date (--as-of)."""
    with Service.open() as svc:
        data = entry_json(svc, entry_id, as_of.date() if as_of else None)
    if as_json:
        print_json(data)
        return
    src = data["source"]
    body = [f"[bold]{escape(data['heading'])}[/]", "", escape(data["text"])]
    for note in data["notes"]:
        body += ["", f"[italic]{escape(note['label'])}[/]: {escape(note['text'])}"]
    if data["children"]:
        body += ["", "Sub-items: " + ", ".join(data["children"][:30])]
    body += _extraction_lines(data)
    if "validity" in data:
        until = data["validity"]["to"] or "still in force"
        body += ["", f"[dim]As of {data['as_of']}: this text valid from {data['validity']['from']} to {until}[/]"]
    body += ["", f"[dim]{src['title']} — version of {src['version_date']} — "
                 + ", ".join(d["url"] for d in src["documents"]) + "[/]"]
    console.print(Panel("\n".join(body), title=f"{data['entry_id']} ({data['status']})"))


COMMANDS = [show]
