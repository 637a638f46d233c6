"""Text normalisation shared by parsers: what counts as formatting, not content."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad\s*")


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (incl. NBSP and en spaces) and drop soft hyphens.

    Quotes and dashes are kept as printed: they carry meaning in the lists ("double" = defined
    term, 'single' = local term). Use `normalise_for_compare` to compare texts.
    """
    text = _SOFT_HYPHEN_BREAK.sub("", text)
    text = _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " "))
    return text.strip()


def normalise_for_compare(text: str) -> str:
    """A form of `text` in which typographic noise does not show: quotes, dashes, spacing, case."""
    text = unicodedata.normalize("NFKC", clean_text(text))
    return text.translate(_QUOTES).translate(_DASHES).casefold()
