"""Data passed from the parsers to the store: a parsed document and its entries.

Small frozen dataclasses, no behaviour beyond validation, so that every stage can depend on them
without depending on each other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

# "section" and "paragraph" are provisions of regulation texts (EAR parts, Acts, Articles).
EntryKind = Literal["category", "group", "entry", "item", "section", "paragraph"]
EntryStatus = Literal["active", "not-used", "repealed", "reserved"]
NoteKind = Literal["note", "technical-note", "nb", "related", "other"]
# List codes hold no whitespace; a provision's citation may hold single spaces ("E-19 s. 7(1)").
_BAD_CODE = re.compile(" ")
_BAD_CITATION = re.compile(r"[\t\r\n\u00a0]|  ")
_PROVISION_KINDS = frozenset({"section", "paragraph"})


@dataclass(frozen=True)
class Note:
    """A note attached to an entry: `Note 1:`, `Technical Note:`, `N.B.`, and the like."""

    kind: NoteKind
    label: str  # as printed, e.g. "Note 1", "N.B.", "Technical Notes"
    text: str


@dataclass(frozen=True)
class ParsedEntry:
    """One node of a control list: a category, a group, an entry or one of its sub-items.

    `code` is the code as the list writes it, normalised only in punctuation: no trailing dot,
    no spaces or tabs, e.g. "3A001.b.1" (EU/US/AU), "3.A.1.b.1" (Wassenaar), "ML8.a.17",
    "5504(2)(d)" (Canada). Provisions of regulation texts are coded by their citation, which
    may hold single spaces (kinds "section" and "paragraph" only): "734.4(a)(1)",
    "738 Supp. No. 1", "E-19 s. 7(1)", "Art. 2(1)".
    `parent` is the parent node's code, or None at the top.
    `path` is the list of codes from the top down to and including this node.
    """

    code: str
    parent: str | None
    path: tuple[str, ...]
    kind: EntryKind
    heading: str
    text: str
    language: str
    notes: tuple[Note, ...] = ()
    status: EntryStatus = "active"
    position: int = 0

    def __post_init__(self) -> None:
        bad = _BAD_CITATION if self.kind in _PROVISION_KINDS else _BAD_CODE
        if not self.code or self.code != self.code.strip() or bad.search(self.code):
            raise ValueError(f"bad entry code {self.code!r}")
        if not self.path or self.path[-1] != self.code:
            raise ValueError(f"path of {self.code!r} must end with the code: {self.path!r}")
        expected_parent = self.path[-2] if len(self.path) > 1 else None
        if self.parent != expected_parent:
            raise ValueError(f"parent of {self.code!r} is {self.parent!r}, path says {expected_parent!r}")


@dataclass(frozen=True)
class ParsedDocument:
    """What a parser returns for one fetched bundle of files (one version of one source)."""

    version_date: dt.date
    title: str
    entries: tuple[ParsedEntry, ...]
    warnings: tuple[str, ...] = ()
    # Per-language counts etc. that a parser wants to report; free-form, shown by `sources --json`.
    stats: dict[str, int] = field(default_factory=dict)
