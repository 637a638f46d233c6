"""`exportwatch show`: one entry with its text, notes, place in the list and citation."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.panel import Panel

from exportwatch.cli import handle_errors
from exportwatch.errors import NotFoundError
from exportwatch.output import console, print_json
from exportwatch.service import Service


def entry_json(svc: Service, entry_id: str) -> dict[str, Any]:
    try:
        entry, version = svc.store.entry(entry_id)
    except NotFoundError as exc:
        similar = svc.store.entry_ids_like(entry_id.rsplit(".", 1)[0])
        hint = f"; similar: {', '.join(similar)}" if similar else ""
        raise NotFoundError(f"{exc}{hint}") from None
    files = svc.store.db.execute("SELECT url, sha256, language FROM version_files WHERE version_id=?",
                                 (version.id,)).fetchall()
    return {
        "entry_id": entry.entry_id, "code": entry.code, "kind": entry.kind, "status": entry.status,
        "language": entry.language, "heading": entry.heading, "text": entry.text,
        "notes": entry.notes, "parent_id": entry.parent_id, "path": entry.path,
        "children": [c.entry_id for c in svc.store.children(version.id, entry.entry_id)],
        "source": {
            "id": version.source_id, "version_date": version.version_date.isoformat(),
            "version_id": version.id, "title": version.title,
            "documents": [{"url": f["url"], "sha256": f["sha256"], "language": f["language"]}
                          for f in files if f["language"] == entry.language],
        },
    }


@click.command()
@click.argument("entry_id")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@handle_errors
def show(entry_id: str, as_json: bool) -> None:
    """Show an entry (e.g. eu:3A001.b.1, us:9A012, ca:5504(2), ca:5101@fr) as currently in force."""
    with Service.open() as svc:
        data = entry_json(svc, entry_id)
    if as_json:
        print_json(data)
        return
    src = data["source"]
    body = [f"[bold]{escape(data['heading'])}[/]", "", escape(data["text"])]
    for note in data["notes"]:
        body += ["", f"[italic]{escape(note['label'])}[/]: {escape(note['text'])}"]
    if data["children"]:
        body += ["", "Sub-items: " + ", ".join(data["children"][:30])]
    body += ["", f"[dim]{src['title']} — version of {src['version_date']} — "
                 + ", ".join(d["url"] for d in src["documents"]) + "[/]"]
    console.print(Panel("\n".join(body), title=f"{data['entry_id']} ({data['status']})"))


COMMANDS = [show]
