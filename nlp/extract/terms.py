"""Defined terms an entry uses: the double-quoted ones ("aircraft", “composite”, „Kernreaktoren“,
« exportation »). Single quotes mark terms a Technical Note defines locally ('endurance',
‘mixtures’); they are found separately and never mixed with list-wide terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

_INNER = r"[^\"“”„«»\n]{1,120}?"
_DOUBLE = re.compile(
    rf"„(?P<de>{_INNER})[“”]"  # German: „Kernreaktoren“
    rf"|“(?P<en>{_INNER})”"  # curly: AU, eCFR, Canada
    rf"|«[ \u00a0\u202f]*(?P<fr>{_INNER})[ \u00a0\u202f]*»"  # French: « exportation »
    rf"|\"(?P<straight>{_INNER})\""  # straight: EU, Wassenaar
)
# A single quote opens a local term only where it cannot be an apostrophe ("Canada’s", "l’article").
_SINGLE = re.compile(r"(?<![\w’'])[‘'‚](?P<term>[^‘’'‚\n\"“”]{1,80}?)[’'‘](?![\w])")
_TRAILING = " ,.;:"


@dataclass(frozen=True)
class TermMention:
    term: str  # lower-cased, whitespace collapsed, trailing punctuation dropped
    start: int
    end: int


def normalise(term: str) -> str:
    """ "Unmanned Aerial Vehicles," -> "unmanned aerial vehicles"."""
    return " ".join(term.strip(_TRAILING).split()).lower()


def find_terms(text: str) -> list[TermMention]:
    """Double-quoted terms, in order of appearance (repeats included)."""
    out = []
    for match in _DOUBLE.finditer(text):
        inner = next(g for g in match.groups() if g is not None)
        term = normalise(inner)
        if any(ch.isalpha() for ch in term):
            out.append(TermMention(term, match.start(), match.end()))
    return out


def find_local_terms(text: str) -> list[TermMention]:
    """Single-quoted terms (defined in the entry's own Technical Notes)."""
    out = []
    for match in _SINGLE.finditer(text):
        term = normalise(match.group("term"))
        if any(ch.isalpha() for ch in term) and not term.startswith(("s ", "t ")):
            out.append(TermMention(term, match.start(), match.end()))
    return out
