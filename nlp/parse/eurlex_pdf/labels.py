"""What a line of Annex I starts with: an item label, a note title or a heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import NoteKind

# Item labels are non-cumulative: a letter (`a.`) or a number (`1.`); `aa.` never occurs.
_LABEL = re.compile(r"^(?P<label>\d{1,2}|[a-z])\.(?:\s+(?P<rest>\S.*))?$")
_NOTE = re.compile(
    r"^(?P<label>(?:Technical [Nn]otes?|Notes?)(?: \d{1,2})?|Note to the [^:]{1,60}"
    r"|Τεχνικ\w* σημε\w*):\s*(?P<rest>.*)$"
    r"|^(?P<nb>N\.B\.(?: ?\d{1,2}\.?)?)(?:\s+(?P<nbrest>.*))?$"
    # `Note 6A004.e. does not control …`: the colon is missing once.
    r"|^(?P<bare>Note) (?P<barerest>\d[A-E]\d{3}\b.*)$"
)
_NOT_USED = re.compile(r"^Not used\s*[.;]?(?:\s*(?:or|and))?$", re.IGNORECASE)
PART_LINE = re.compile(r"^PART [IVXL]+$")
CATEGORY_LINE = re.compile(r"^Category (?P<num>\d)$")
CATEGORY_HEADING = re.compile(r"^CATEGORY\s+(?P<num>\d)\s*[-–—]\s*(?P<title>.*)$")
# Category 5 is split in `Part 1 - TELECOMMUNICATIONS` and `Part 2 - "INFORMATION SECURITY"`.
SUBPART_HEADING = re.compile(r"^Part (?P<num>\d)\s*[-–—]\s*(?P<title>[^a-z]+)$")
ENTRY_CODE = re.compile(r"^\d[A-E]\d{3}$")
GROUP_CODE = re.compile(r"^\d[A-E]\d?$")


@dataclass(frozen=True)
class Label:
    label: str  # "a", "1"
    rest: str  # text after the label
    rest_offset: int  # characters from the start of the line to `rest`


@dataclass(frozen=True)
class NoteTitle:
    kind: NoteKind
    label: str  # as printed, without the colon: "Note 1", "Technical Notes", "N.B.1"
    rest: str  # text after the title on the same line
    rest_offset: int


def item_label(text: str) -> Label | None:
    m = _LABEL.match(text)
    if not m:
        return None
    rest = m["rest"] or ""
    return Label(m["label"], rest, len(text) - len(rest) if rest else len(text) + 1)


def note_title(text: str) -> NoteTitle | None:
    m = _NOTE.match(text)
    if not m:
        return None
    if m["nb"]:
        rest = m["nbrest"] or ""
        # `N.B.1.` and `N.B. 1` are printed for `N.B.1`.
        label = re.sub(r"\s+", "", m["nb"])
        label = label[:-1] if re.search(r"\d\.$", label) else label
        return NoteTitle("nb", label, rest, len(text) - len(rest) if rest else len(text) + 1)
    label = m["label"] or m["bare"]
    rest = m["rest"] if m["label"] else m["barerest"]
    low = label.casefold()
    kind: NoteKind = "technical-note" if low.startswith(("technical", "τεχνικ")) else "note"
    return NoteTitle(kind, label, rest, len(text) - len(rest) if rest else len(text) + 1)


def follows(previous: str, label: str) -> bool:
    """`Note 2` after `Note 1`, `N.B.2` after `N.B.1`: siblings, whatever their indentation."""
    a = re.fullmatch(r"(.*?)\s*(\d+)", previous)
    b = re.fullmatch(r"(.*?)\s*(\d+)", label)
    return bool(a and b and a[1] == b[1] and int(b[2]) == int(a[2]) + 1)


def is_not_used(text: str) -> bool:
    return bool(_NOT_USED.match(text.strip()))


def is_first(label: str) -> bool:
    """`a` and `1` open a new level of the list."""
    return label in ("a", "1")


def same_kind(a: str, b: str) -> bool:
    return a.isdigit() == b.isdigit()


def successor(label: str) -> str:
    """The label that follows `label` at the same level: b after a, 10 after 9."""
    if label.isdigit():
        return str(int(label) + 1)
    return chr(ord(label) + 1)


def is_block_heading(text: str) -> bool:
    """A note heading in capitals: `TECHNICAL NOTE ON "ADJUSTED PEAK PERFORMANCE" ("APP")`.

    Other lines in capitals (`SEE ALSO MILITARY GOODS CONTROLS.`) are text; callers only ask for
    lines that follow a blank line.
    """
    if any(ch.islower() for ch in text) or note_title(text) or item_label(text):
        return False
    return bool(re.search(r"\bNOTES?\b", text)) and len(re.findall(r"[A-Z]{2,}", text)) >= 3
