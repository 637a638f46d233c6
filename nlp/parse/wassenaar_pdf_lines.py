"""What one content line of the Wassenaar 2025 PDF is: a group heading, a full code, a bare
sub-item label, a note label, a caption, or plain text. Pure pattern work, no state.

Sub-item labels alternate letters and numbers by depth (`a.` `1.` `a.` `1.` …; letters run
`a`…`z`, `aa`, `bb`, … as in ML8.f); a line shows only its own label, so depth is decided
later from the label type, the sequence and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nlp.model import NoteKind

LabelType = Literal["letter", "digit"]

_GROUP = re.compile(r"^(\d)\.\s+([A-E])\.(?:\s+Part (\d)\.)?\s+(\S.*)$")
_FULL_DU = re.compile(r"^(\d)\.\s+([A-E])\.\s+(\d{1,2})\.(?=\s|$)")
_FULL_ML = re.compile(r"^ML(\d{1,2})\.(?=\s|$)")
_TOKEN = re.compile(r"\s+([a-z]{1,2}|\d{1,2})\.(?=\s|$)")
_BARE = re.compile(r"^([a-z]{1,2}|\d{1,2})\.(?=\s|$)")
_NOTE = re.compile(
    r"^(Technical Notes?|Notes?|N\.\s?B\.)(\s?\d{1,2}\.?)?\*?(?=\s|:|$):?\s*(.*)$")
_CONT = re.compile(r"^(?:Technical )?Notes?(?: \d+)?(?: to \S+)? cont\.$")
_CAPTION = re.compile(r"^[A-Z][A-Z \"'&,()/–-]{3,}$")
_PART = re.compile(r"^(Part \d)\s*[-–]\s*(\S.*)$")
_CATEGORY_LINE = re.compile(r"^(\d)\.\s+[A-Z][A-Z \"'&,–-]+$")
_ANNEX = re.compile(
    r"^(ANNEX|LIST\s*-\s*\"[A-Z ]+\"|TABLE\s*-\s*.+|TECHNICAL NOTE ON .+)$")
_BLOCK_START = re.compile(r"^(?:ANNEX|TABLE|TECHNICAL NOTE)\b")
_ANNEX_CONT = re.compile(r"\s+cont\.$")
_SINGLE_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def label_type(label: str) -> LabelType:
    return "digit" if label.isdigit() else "letter"


def next_label(label: str) -> str | None:
    """The label that follows `label` in its series (`b`→`c`, `z`→`aa`, `aa`→`bb`, `9`→`10`)."""
    if label.isdigit():
        return str(int(label) + 1)
    if len(label) == 1:
        return "aa" if label == "z" else _SINGLE_LETTERS[_SINGLE_LETTERS.index(label) + 1]
    if len(set(label)) == 1 and label[0] != "z":
        nxt = _SINGLE_LETTERS[_SINGLE_LETTERS.index(label[0]) + 1]
        return nxt * 2
    return None


def first_label(kind: LabelType) -> str:
    return "1" if kind == "digit" else "a"


@dataclass(frozen=True)
class Token:
    label: str
    col: int  # column of the label in the line


@dataclass(frozen=True)
class FullCode:
    """A line starting with a full code: `1. A. 4.    a.     1.  text` or `ML8. a. 17.  text`."""

    category: str  # "1".."9" or "ML"
    group: str | None  # "A".."E"; None for the Munitions List
    number: str  # entry number
    number_col: int
    tokens: tuple[Token, ...]  # sub-item labels after the entry number
    text: str
    text_col: int


def _tokens(line: str, pos: int, want: LabelType = "letter") -> tuple[tuple[Token, ...], int]:
    """Labels following each other from `pos`, alternating in type from `want`."""
    tokens: list[Token] = []
    while True:
        m = _TOKEN.match(line, pos)
        if m is None or label_type(m.group(1)) != want:
            break
        tokens.append(Token(m.group(1), m.start(1)))
        pos = m.end()
        want = "digit" if want == "letter" else "letter"
    return tuple(tokens), pos


def _full(category: str, group: str | None, number: str, number_col: int, line: str,
          pos: int, indent: int) -> FullCode:
    tokens, pos = _tokens(line, pos)
    rest = line[pos:]
    text = rest.strip()
    text_col = indent + pos + (len(rest) - len(rest.lstrip()))
    shifted = tuple(Token(t.label, t.col + indent) for t in tokens)
    return FullCode(category, group, number, number_col + indent, shifted, text, text_col)


def full_code(text: str, col: int, munitions: bool) -> FullCode | None:
    """Parse a line that starts (at column 0 or 1) with a full code."""
    if col > 1:
        return None
    if munitions:
        m = _FULL_ML.match(text)
        if m is None:
            return None
        return _full("ML", None, m.group(1), 2, text, m.end(), col)
    m = _FULL_DU.match(text)
    if m is None:
        return None
    return _full(m.group(1), m.group(2), m.group(3), m.start(3), text, m.end(), col)


def group_heading(text: str, col: int) -> tuple[str, str, str] | None:
    """`1. A. SYSTEMS, …` / `5. A. Part 2. SYSTEMS, …` → (category, group letter, heading)."""
    if col > 1:
        return None
    m = _GROUP.match(text)
    if m is None or re.match(r"\d{1,2}\.", m.group(4)):
        return None
    return m.group(1), m.group(2), m.group(4).strip()


@dataclass(frozen=True)
class BareLabel:
    """A line that starts with a label but no full code: `a.   text`, or a partial path
    restarting a block, `c.   2.  text`."""

    tokens: tuple[Token, ...]  # columns relative to the line's text
    text: str
    text_offset: int  # where the text starts, relative to the line's text


def bare_label(text: str) -> BareLabel | None:
    m = _BARE.match(text)
    if m is None:
        return None
    first = Token(m.group(1), 0)
    want: LabelType = "digit" if label_type(first.label) == "letter" else "letter"
    tokens, pos = _tokens(text, len(first.label) + 1, want)
    rest = text[pos:]
    return BareLabel((first, *tokens), rest.strip(), pos + len(rest) - len(rest.lstrip()))


@dataclass(frozen=True)
class NoteStart:
    kind: NoteKind
    label: str
    text: str


def note_start(text: str) -> NoteStart | None:
    m = _NOTE.match(text)
    if m is None:
        return None
    word = m.group(1)
    number = (m.group(2) or "").strip()
    if word.startswith("N."):
        kind: NoteKind = "nb"
        label = "N.B." + number  # as printed: `N.B.1.`, now and then `N.B.2`
    else:
        number = number.rstrip(".")
        kind = "technical-note" if word.startswith("Technical") else "note"
        label = f"{word} {number}" if number else word
    return NoteStart(kind, label, m.group(3).strip())


def is_continued_marker(text: str) -> bool:
    """`Note 1 cont.`, `Technical Notes cont.`: a page-top repeat, not content."""
    return _CONT.match(text) is not None


def caption(text: str) -> tuple[str | None, str] | None:
    """Captions between entries: (None, `OPTICAL SENSORS`), or the part title of Category 5
    (`Part 2`, `"INFORMATION SECURITY"`); None for other lines."""
    m = _PART.match(text)
    if m is not None:
        return m.group(1), m.group(2).strip()
    if _CAPTION.match(text) is None or any(c.islower() for c in text):
        return None
    return None, text.strip()


def is_category_line(text: str, category: str | None) -> bool:
    """`4. COMPUTERS`: the category title at its start."""
    m = _CATEGORY_LINE.match(text)
    return m is not None and m.group(1) == category


def starts_block(heading: str) -> bool:
    """`ANNEX`, `TABLE - …`, `TECHNICAL NOTE ON …` start a block; `LIST - "EXPLOSIVES"` is the
    title inside the annex."""
    return _BLOCK_START.match(heading) is not None


def annex_heading(text: str) -> str | None:
    """`ANNEX`, `TABLE - DEPOSITION TECHNIQUES - NOTES`, `TECHNICAL NOTE ON 'APP'`, without a
    trailing `cont.`; None for other lines."""
    base = _ANNEX_CONT.sub("", text.strip())
    if _ANNEX.match(base) is None or any(c.islower() for c in base):
        return None
    return base.replace("–", "-")

