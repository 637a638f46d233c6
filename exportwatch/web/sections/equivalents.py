"""Entry-page section: a way to the entry's equivalents abroad. Matching runs the matcher over
whole lists (seconds, minutes the first time a list is embedded), so the entry page links to the
equivalents page instead of computing them on every view."""

from __future__ import annotations

from typing import Any

from exportwatch.service import Service
from exportwatch.web.sections import EntrySection


def _load(svc: Service, entry: dict[str, Any]) -> dict[str, Any] | None:
    if entry.get("as_of") or entry["kind"] not in ("entry", "item"):
        return None  # the matcher compares current entries and items
    jurisdiction = entry["source"]["jurisdiction"]
    others = sorted({s.jurisdiction for s in svc.sources if s.jurisdiction != jurisdiction
                     and svc.store.current_version(s.id) is not None})
    return {"targets": others} if others else None


SECTION = EntrySection(name="equivalents", title="Equivalents in other jurisdictions", order=40,
                       template="sections/equivalents.html", load=_load)
