"""Entry-page section: the definitions of the defined terms the entry uses, in its jurisdiction."""

from __future__ import annotations

from typing import Any

from exportwatch.commands.define import define_json
from exportwatch.errors import NotFoundError
from exportwatch.service import Service
from exportwatch.web.sections import EntrySection

MAX_TERMS = 12


def _load(svc: Service, entry: dict[str, Any]) -> dict[str, Any] | None:
    jurisdiction = entry["source"]["jurisdiction"]
    found = []
    for term in (entry.get("terms") or [])[:MAX_TERMS]:
        try:
            data = define_json(svc, term, (jurisdiction,), entry.get("as_of"))
        except NotFoundError:
            continue  # a term the extractor saw but the definitions do not hold (yet)
        found += [d for d in data["definitions"] if d["jurisdiction"] == jurisdiction][:1]
    return {"definitions": found, "more": max(0, len(entry.get("terms") or []) - MAX_TERMS)} if found else None


SECTION = EntrySection(name="definitions", title="Definitions", order=20, template="sections/definitions.html",
                       load=_load)
