"""What DSGL paragraphs look like: codes, labels, note markers, and what a style name says."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import NoteKind

# "0.\tA. \t001.\t…" (note the stray space before a TAB); EU entries have 3 digits.
DUAL_ENTRY = re.compile(r"^\s*(\d)\.\s*([A-E])\.?\s*(\d{3})\.?[ \u00a0]*(?:\t|$)")
# "0.\tA.\tSystems, Equipment and Components"; Category 5 adds its part: "5.\tA.\t2.\tSystems".
DUAL_GROUP = re.compile(r"^\s*(\d)\.\s*([A-E])\.?\s*(?:([12])\.?)?[ \u00a0]*\t\s*(?P<title>[A-Z].*)$",
                        re.DOTALL)
# "A.\t002.\to.\t3.\t…": a full path that lost its category digit (8A002.o.3).
DUAL_ENTRY_NO_CATEGORY = re.compile(r"^\s*([A-E])\.\s*(\d{3})\.[ \u00a0]*\t")
ML_ENTRY = re.compile(r"^\s*ML(\d{1,3})\.[ \u00a0]*(?:\t|$)")
# A sub-item label inside a full path ("\tj.\t", "\t10.\t", "\t3. \t").
PATH_LABEL = re.compile(r"^\s*([a-z]{1,2}|\d{1,3})\.[ \u00a0]*\t")
# A paragraph's own label: "a.\t…", "1. \t…", "\tb.\t…", "k. \t…".
LABEL = re.compile(r"^\s*([a-z]{1,2}|\d{1,3})\.[ \u00a0]*[\t ]\s*(?=\S)", re.DOTALL)
AUTO_LABEL = re.compile(r"^\s*([a-z]{1,2}|\d{1,3})\.\s*$")

ACT_PART = re.compile(r"^Part\s*(1A|1|2)\s*[—–-]")
ACT_CATEGORY = re.compile(r"^Category\s+(\d)\s*[—–-]\s*(?P<title>.+)$", re.DOTALL)
# "Part 1—TELECOMMUNICATIONS", "Part 2 — “INFORMATION SECURITY”" inside Category 5.
CATEGORY_PART = re.compile(r"^Part\s*\d\s*[—–-]\s*\S")
TABLE_HEAD = re.compile(r"^TABLE\s*[—–-]")
NOT_USED = re.compile(r"^(?:\[\s*)?not\s+used\b", re.IGNORECASE)
RESERVED = re.compile(r"^\[?\s*reserved\b", re.IGNORECASE)
REPEALED = re.compile(r"^\[?\s*(?:repealed|deleted)\b", re.IGNORECASE)
DATED = re.compile(r"^\s*Dated\s+(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4})\b")

_NOTE_MARKERS: list[tuple[re.Pattern[str], NoteKind]] = [
    (re.compile(r"^\s*(Technical\s+Notes?(?:\s*\d+)?)\s*(?::|$|\n)", re.IGNORECASE),
     "technical-note"),
    (re.compile(r"^\s*(Notes?(?:\s*\d+)?)\s*:"), "note"),
    (re.compile(r"^\s*(Note\s+to\s+the\s+[^:\n]{1,60})\s*:"), "note"),
    (re.compile(r"^\s*(N\.\s?B\.(?:\s*\d+\.?)?)\s*(?::\s*(?:\d+\b)?|\s|$)"), "nb"),
]


@dataclass(frozen=True)
class NoteMarker:
    kind: NoteKind
    label: str
    rest: str


def note_marker(text: str) -> NoteMarker | None:
    """`Note 1:\t…`, `Technical Notes:`, `N.B.1:\t…`, `N.B.: 1 See …` -> kind, label, rest."""
    for rx, kind in _NOTE_MARKERS:
        m = rx.match(text)
        if m:
            label = re.sub(r"(\d)\.$", r"\1", re.sub(r"\s+", " ", m.group(1)).strip())
            rest = text[m.end():]
            if kind == "nb":
                # "N.B.: 1 See 9E003.h." numbers the N.B. after its colon.
                num = re.match(r"^\s*:\s*(\d+)\s", text[m.start(1) + len(m.group(1)):])
                if num and not re.search(r"\d$", label):
                    label = f"{label} {num.group(1)}"
            return NoteMarker(kind, label, rest)
    return None


def path_labels(text: str) -> tuple[list[str], str]:
    """Leading TAB-separated labels ("j.\t", "b.\t1.\t") and the text after them."""
    labels: list[str] = []
    while (m := PATH_LABEL.match(text)) is not None:
        labels.append(m.group(1))
        text = text[m.end():]
    return labels, text


def label_kind(label: str) -> str:
    return "digit" if label.isdigit() else "letter"


def next_label(label: str) -> str:
    if label.isdigit():
        return str(int(label) + 1)
    if len(set(label)) == 1 and label[0] == "z":
        return "a" * (len(label) + 1)
    if len(set(label)) == 1:
        return chr(ord(label[0]) + 1) * len(label)
    return ""


def is_first_label(label: str) -> bool:
    return label in ("a", "1")


def item_level_ok(path: list[str], level: int, label: str) -> bool:
    """EU numbering alternates letters and digits (a.1.a.1); an entry's first level may be either
    (1C350.1 ... 1C350.91 are numbered directly)."""
    if level <= 1:
        return True
    return label_kind(path[level - 2]) != label_kind(label)


_NOTEISH = re.compile(r"note|nb|tech", re.IGNORECASE)
_ITEM_STYLE = re.compile(r"^(?:Z?ML\s?\d*|DL0A|DLOA|DL0)\s*[.\s]*(?P<levels>[a1][a1.]*)?$",
                         re.IGNORECASE)


def is_noteish_style(style: str) -> bool:
    return bool(_NOTEISH.search(style))


def style_level(style: str) -> int | None:
    """Depth a list style stands for: DL0Aa1a -> 3, ZML1a -> 1, ML1 -> 0; None if not a list style."""
    if is_noteish_style(style):
        return None
    m = _ITEM_STYLE.match(style.strip())
    if not m:
        return None
    levels = (m.group("levels") or "").replace(".", "")
    return len(levels)


def is_item_style(style: str) -> bool:
    return style_level(style) is not None or style.startswith("Cat0 new style")


def split_sentence(text: str, limit: int = 200) -> str:
    """First sentence (or line) of an item, cut at a word boundary near `limit` characters."""
    first = text.split("\n", 1)[0]
    m = re.search(r"(?<=[a-z0-9”\")%])\.\s+(?=[A-Z“‘(\"'])", first)
    if m:
        first = first[: m.start() + 1]
    if len(first) > limit:
        cut = first[:limit].rsplit(" ", 1)[0]
        first = cut.rstrip(",;:") + " …"
    return first.strip()
