"""Entry-page section: what extraction found (parameters, references, defined terms used)."""

from __future__ import annotations

from typing import Any

from exportwatch.service import Service
from exportwatch.web.sections import EntrySection


def _load(svc: Service, entry: dict[str, Any]) -> dict[str, Any] | None:
    if entry.get("extractor") is None:
        return None  # extraction has not run on this version
    data = {k: entry.get(k) or [] for k in ("parameters", "references", "terms", "referenced_by")}
    if not any(data.values()):
        return None
    notes = entry.get("notes") or []
    for p in data["parameters"]:
        field = str(p.get("field", "text"))
        index = int(field[6:-1]) if field.startswith("notes[") else None
        p["where"] = notes[index]["label"] if index is not None and index < len(notes) else field
    return data


SECTION = EntrySection(name="parameters", title="Parameters and references", order=10,
                       template="sections/parameters.html", load=_load)
