"""Sections of the entry page, one module per feature. A module that defines
`SECTION = EntrySection(...)` adds a section; its template lives in
exportwatch/web/templates/sections/. `load` returns the section's context, or None to leave the
section out (nothing to show for this entry, or the feature has no data yet).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exportwatch.errors import ExportWatchError
from exportwatch.plugins import plugin_modules
from exportwatch.service import Service

log = logging.getLogger("exportwatch.web")


@dataclass(frozen=True)
class EntrySection:
    name: str  # also the id of the section's heading anchor: /entries/eu:1A001#history
    title: str
    order: int  # parameters 10, definitions 20, history 30, equivalents 40
    template: str  # e.g. "sections/history.html"
    load: Callable[[Service, dict[str, Any]], Any | None]


@dataclass(frozen=True)
class RenderedSection:
    section: EntrySection
    data: Any
    error: str | None = None


def sections() -> list[EntrySection]:
    found = []
    for module in plugin_modules(__name__, __path__):
        if isinstance(section := getattr(module, "SECTION", None), EntrySection):
            found.append(section)
    return sorted(found, key=lambda s: (s.order, s.name))


def load_sections(svc: Service, entry: dict[str, Any]) -> list[RenderedSection]:
    """Every section with something to show. A failing section shows its error and the rest of
    the page still renders."""
    out = []
    for section in sections():
        try:
            data = section.load(svc, entry)
        except ExportWatchError as exc:
            log.warning("entry section %s failed for %s: %s", section.name, entry["entry_id"], exc)
            out.append(RenderedSection(section, None, str(exc)))
            continue
        if data is not None:
            out.append(RenderedSection(section, data))
    return out
