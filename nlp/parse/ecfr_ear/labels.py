"""CFR paragraph labels: which levels a paragraph opens, and where each sits in the hierarchy.

A CFR section numbers its paragraphs (a), (1), (i), (A), (<I>1</I>), (<I>i</I>): six levels, each
a child of the one before. Labels are text at the start of a `P`, and one `P` can open several
levels: "(a) <I>Heading.</I> (1) Text…" or "(d) <I>Entries</I>—(1) <I>Composition.</I> Text".
"(i)", "(v)", "(x)" can be a letter or a Roman numeral; the stack of open labels settles most
cases (a Roman numeral needs an open (1)-level parent), the next label settles the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.parse.ecfr_ear.inline import unmark

LETTER, DIGIT, ROMAN, UPPER, ITALIC_DIGIT, ITALIC_ROMAN = 1, 2, 3, 4, 5, 6
_FIRST = {LETTER: "a", DIGIT: "1", ROMAN: "i", UPPER: "A", ITALIC_DIGIT: "1", ITALIC_ROMAN: "i"}
_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")
_LABEL = re.compile(
    r"\s*(?P<o>\x01?)\((?P<i>\x01?)(?P<label>[a-z]{1,6}|\d{1,3}|[A-Z]{1,2})(?P<j>\x02?)\)(?P<c>\x02?)"
)
_HEADING = re.compile(r"\s*\x01(?P<h>[^\x01\x02]+)\x02(?P<dot>[.:])?(?P<dash>\s*[—–-]+)?")
_DASH = re.compile(r"\s*[—–]\s*")
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv",
           "xv", "xvi", "xvii", "xviii", "xix", "xx", "xxi", "xxii", "xxiii", "xxiv", "xxv",
           "xxvi", "xxvii", "xxviii", "xxix", "xxx"]


@dataclass(frozen=True)
class Opened:
    label: str  # "a", "1", "iv", "A"
    italic: bool
    heading: str  # the run-in italic heading that follows the label, "" if none


def leading_labels(marked_text: str) -> tuple[list[Opened], str]:
    """The labels a paragraph opens with and the text after them (italic marks removed)."""
    opened: list[Opened] = []
    pos = 0
    while True:
        m = _LABEL.match(marked_text, pos)
        if not m or bool(m.group("o")) != bool(m.group("c")) or bool(m.group("i")) != bool(m.group("j")):
            break
        label = m.group("label")
        if not _plausible(label):
            break
        pos = m.end()
        heading = ""
        h = _HEADING.match(marked_text, pos)
        # An italic run straight after a label is a run-in heading when it ends a sentence or is
        # followed by a dash; "(2) <I>de minimis</I> level…" is wording, not a heading.
        if h and (h.group("h").rstrip().endswith((".", ":")) or h.group("dot") or h.group("dash")):
            heading = unmark(h.group("h") + (h.group("dot") or "")).rstrip(" —–-")
            pos = h.end()
        elif (d := _DASH.match(marked_text, pos)) and _LABEL.match(marked_text, d.end()):
            pos = d.end()
        opened.append(Opened(label, bool(m.group("o") or m.group("i")), heading))
        if heading and not _LABEL.match(marked_text, pos):
            break
    return opened, unmark(marked_text[pos:])


def _plausible(label: str) -> bool:
    if label.isdigit() or (label.isupper() and (len(label) == 1 or label == label[0] * 2)):
        return True
    return len(label) == 1 or label == label[0] * len(label) or bool(_ROMAN.match(label))


def _candidates(label: str, italic: bool) -> list[int]:
    if label.isdigit():
        return [ITALIC_DIGIT] if italic else [DIGIT]
    if label.isupper():
        return [UPPER]
    out: list[int] = []
    if italic:
        return [ITALIC_ROMAN] if _ROMAN.match(label) else []
    if len(label) == 1 or label == label[0] * len(label):
        out.append(LETTER)
    if _ROMAN.match(label):
        out.append(ROMAN)
    return out


def _successor(level: int, label: str) -> str:
    if level in (DIGIT, ITALIC_DIGIT):
        return str(int(label) + 1)
    if level in (ROMAN, ITALIC_ROMAN):
        i = _ROMANS.index(label) if label in _ROMANS else -1
        return _ROMANS[i + 1] if 0 <= i < len(_ROMANS) - 1 else ""
    # Letters run a…z, then aa, bb, … (doubled), as the CFR prints them.
    last = label[-1]
    if last == "z" or last == "Z":
        return ("a" if last == "z" else "A") * (len(label) + 1)
    return chr(ord(last) + 1) * len(label)


class LabelStack:
    """The labels open at the current point of a section, deepest last."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def citation(self) -> str:
        return "".join(f"({label})" for _, label in self.stack)

    def reset(self) -> None:
        self.stack.clear()

    def push(self, opened: Opened, upcoming: list[Opened]) -> str | None:
        """Place a label; returns a warning when it does not follow the open labels."""
        candidates = _candidates(opened.label, opened.italic)
        if not candidates:
            return self._fallback(opened, LETTER, f"label ({opened.label}) is of no known level")
        valid = [lv for lv in candidates if self._fits(lv, opened.label)]
        if len(valid) > 1:
            valid = [self._choose(valid, opened.label, upcoming)]
        if not valid:
            where = self.citation() or "the start of the section"
            return self._fallback(opened, candidates[0], f"label ({opened.label}) does not follow {where}")
        self._place(valid[0], opened.label)
        return None

    def _fits(self, level: int, label: str) -> bool:
        for lv, lb in self.stack:
            if lv == level:
                return label == _successor(lv, lb)
        deepest = self.stack[-1][0] if self.stack else 0
        if self.stack and level != deepest + 1:
            return False
        return label == _FIRST[level]

    def _choose(self, levels: list[int], label: str, upcoming: list[Opened]) -> int:
        """Letter or Roman numeral: decide by the label that comes next."""
        nxt = upcoming[0].label if upcoming else ""
        if ROMAN in levels and nxt in (_successor(ROMAN, label), "A"):
            return ROMAN
        if LETTER in levels and nxt in (_successor(LETTER, label), "1"):
            return LETTER
        open_levels = {lv for lv, _ in self.stack}
        return ROMAN if ROMAN in open_levels or (DIGIT in open_levels and LETTER not in open_levels) else LETTER

    def _place(self, level: int, label: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, label))

    def _fallback(self, opened: Opened, level: int, message: str) -> str:
        # Keep the text: place the label at the level its form suggests, as a sibling if that
        # level is open, else as a child of the deepest open label.
        self._place(level, opened.label)
        return message
