"""Entry-page section: the entry's timeline, each change with its redline (change detection)."""

from __future__ import annotations

from typing import Any

from exportwatch.commands.changes import history_json
from exportwatch.service import Service
from exportwatch.web.sections import EntrySection
from indexer.changes import change_json, entry_changes


def _load(svc: Service, entry: dict[str, Any]) -> dict[str, Any] | None:
    timeline = history_json(svc, entry["entry_id"], entry["source"]["id"])
    intervals = timeline["sources"][0]["intervals"] if timeline["sources"] else []
    if len(intervals) < 2 and not any(i["change"] for i in intervals):
        return None  # one text since the first stored version: nothing to show
    details = {c.id: change_json(c) for c in entry_changes(svc.store, entry["entry_id"])}
    for interval in intervals:
        change = interval["change"]
        if change is not None:
            change["redline"] = details.get(change["id"], {}).get("redline", [])
    # Newest first: what a reader wants to see is what changed last.
    return {"intervals": list(reversed(intervals)), "entry_id": entry["entry_id"]}


SECTION = EntrySection(name="history", title="History", order=30, template="sections/history.html", load=_load)
