"""What the CCL's printed labels look like: ECCN headers, item labels, section titles, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import NoteKind

ECCN = re.compile(r"^\d[A-E]\d{3}\b")
CATEGORY = re.compile(r"^Category\s+(\d)\s*[—–-]\s*(.+)$")
GROUP = re.compile(r"^([A-E])\.\s+(.+)$")
CATEGORY_PART = re.compile(r"^Part\s+\d\s*[—–-]")
ROMAN_HEADING = re.compile(r"^[IVX]+\.\s+\S")
ANNEX = re.compile(r"^Annex\b")
RESERVED = re.compile(r"^\[Reserved\]", re.IGNORECASE)

# A cumulative item label: letter, number, letter, ... ("a.", "a.1.", "a.5.b.2.a.1", "b.1").
_LABEL = r"[a-z](?:\.(?:\d{1,3}|[a-z]))*"
# The label may be followed by a stray second dot ("b.2.a..") or glued to a quote ("c.'Sounding").
ITEM = re.compile(rf"^(?P<label>{_LABEL})(?P<dot>\.{{0,2}})(?=\s|$|['‘“\"])")
# "b. through x. [Reserved]", "e. through .w [Reserved]", "q.1. and q.2. [Reserved]", "b.-d.".
ITEM_RANGE = re.compile(
    rf"^(?P<first>{_LABEL})\.?\s*(?P<op>through|to|and|-)\s*\.?(?P<last>{_LABEL})\.?\s+"
    r"(?P<rest>\[Reserved\].*)$"
)

_EXCEPTIONS = "List Based License Exceptions"
# Section titles of an ECCN, printed as <E T="04">, <E T="05">, <I>, <HD1> or plain text.
SECTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^License Requirements:?$", re.I), "License Requirements"),
    (re.compile(r"^List Based License Exceptions\b.{0,80}$", re.I), _EXCEPTIONS),
    (re.compile(r"^License Exceptions:?$", re.I), _EXCEPTIONS),
    (re.compile(r"^Special Conditions for STA:?$", re.I), "Special Conditions for STA"),
    (re.compile(r"^Reporting Requirements:?$", re.I), "Reporting Requirements"),
    (re.compile(r"^List of Items Controlled:?$", re.I), "List of Items Controlled"),
)

REASON = re.compile(r"^Reasons?\s+for\s+Control\s*:", re.I)
RELATED = re.compile(r"^Related\s+(?P<what>Controls?|Definitions?)\b\s*:?\s*", re.I)
ITEMS_MARKER = re.compile(r"^Items\b\s*:?\s*")
# An italic run-in label such as "Unit:" or "ECCN Controls:" (the colon may sit outside the run).
GENERIC_LABEL = re.compile(r"^([A-Z][\w/() -]{0,40}?)\s*:")
NOTE_LABEL = re.compile(
    r"^(?P<label>(?:(?:Technical|License\s+Requirements?|License\s+Exceptions?|Heading|Control)\s+)?"
    r"(?:Notes?|N\.\s?B\.)(?:\s+\d+)?(?:\s+(?:to|for|on)\s+[^:]{1,80})?)\s*:",
    re.I,
)


def section_of(text: str) -> str | None:
    for pattern, name in SECTIONS:
        if pattern.match(text):
            return name
    return None


def item_label(text: str, *, strict: bool = True) -> str | None:
    """The cumulative label at the start of `text` ("a.1.a"), without its dot.

    Strict labels alternate letter and number levels; `strict=False` also accepts the few the
    CCL prints out of pattern ("f.2.1." in 1A607), which the caller must check against the tree.
    """
    m = ITEM.match(text)
    if not m:
        return None
    label = m.group("label")
    if "." not in label and not m.group("dot"):
        return None  # a bare word such as "or"
    return label if not strict or alternates(label) else None


def alternates(label: str) -> bool:
    """True if the label alternates letter and number levels ("a.1.b"), which "e.g" does not."""
    return all(part.isdigit() == (i % 2 == 1) for i, part in enumerate(label.split(".")))


def expand_range(first: str, last: str, op: str) -> list[str] | None:
    """Labels covered by "first through last" (same parent, last level a letter or a number)."""
    head_a, _, tail_a = first.rpartition(".")
    head_b, _, tail_b = last.rpartition(".")
    if head_a != head_b or tail_a.isdigit() != tail_b.isdigit():
        return None
    if op == "and":
        return [first, last]
    if op == "-" and tail_a.isdigit():
        return None  # "b.-d." is letters only; "1-3" would be a quantity, not a range
    if tail_a.isdigit():
        lo, hi = int(tail_a), int(tail_b)
        tails = [str(n) for n in range(lo, hi + 1)]
    else:
        tails = [chr(c) for c in range(ord(tail_a), ord(tail_b) + 1)]
    if len(tails) < 2:
        return None
    prefix = f"{head_a}." if head_a else ""
    return [prefix + t for t in tails]


@dataclass(frozen=True)
class NoteHead:
    kind: NoteKind
    label: str


def note_head(printed: str) -> NoteHead:
    """Kind and label of a note from its printed heading ("Technical Notes:", "N.B.:")."""
    label = printed.strip().rstrip(":").strip()
    low = label.lower()
    if low.startswith(("n.b", "n. b")):
        return NoteHead("nb", label)  # "N.B. to Note 3 (Cryptography Note)" is an N.B.
    if "technical note" in low:
        return NoteHead("technical-note", label)
    if re.search(r"\bnotes?\b", low) or not label or re.fullmatch(r"\d+\.", label):
        # A bare "2." heads the second of a run of numbered "Notes: 1." blocks.
        return NoteHead("note", label)
    return NoteHead("other", label)
