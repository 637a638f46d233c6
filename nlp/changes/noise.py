"""Formatting noise: what must never be reported as a change.

Two texts are the same for change detection when their canonical forms are equal, or when the
only differences left are known extraction artefacts (`residual_is_noise`). Measured on the real
documents (bench/change_check.md):

* whitespace, reflow, line-end hyphenation ("Tech-\\nnology"), soft hyphens, NBSP, ligatures;
* quote glyphs (curly/straight/low-9) and dash glyphs (hyphen, en/em dash, minus): which glyph a
  publisher or an extractor prints is not content. Double vs single quotes IS content (a defined
  term vs a locally defined one) and stays visible;
* superscripts flattened to digits ("10³" in one .doc, "103" in another), and a PDF's
  superscripts pushed off their line ("GHz2/fGHz2" vs "squared 2 2 [... GHz /fGHz ]");
* Symbol-font characters lost by the Word .doc converter ("30,000 A/(s" for "A/µs",
  "3,3(-diamino" for "3,3′-diamino");
* running headers and footers (EUR-Lex "02021R0821 — EN — 07.01.2022 — 001.002 — 67",
  amendment markers "▼M1", Wassenaar "WA-LIST (25) 1 Corr." / "- 49 -"), "(continued)" lines;
* footnote markers and their renumbering ("[3]", "Regulation¹", "TABLE(2)");
* a hyphenated compound written open or closed ("solid state" / "solid-state").
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
})
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"))
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Running headers/footers and layout lines that a parser may leave inside an entry's text.
_FURNITURE = [
    re.compile(r"\b0?\d{4}[RLD]\d{4}\s*[-\u2013\u2014]\s*[A-Z]{2}\s*[-\u2013\u2014]\s*\d{2}\.\d{2}\.\d{4}"
               r"\s*[-\u2013\u2014]\s*\d{3}\.\d{3}\s*[-\u2013\u2014]\s*\d+"),
    re.compile(r"\u25bc\s*[A-Z]\d*"),  # ▼M1, ▼B, ▼C1: EUR-Lex amendment markers
    re.compile(r"WA-LIST\s*\(\d+\)\s*\d*\s*(?:Corr\.)?"),
    re.compile(r"\b\d{2}-\d{2}-\d{4}\s+-\s*\d{1,3}\s*-"),
    re.compile(r"(?m)^\s*-\s*\d{1,3}\s*-\s*$"),
    re.compile(r"(?m)^\s*_{5,}\s*$"),
    re.compile(r"\((?:continued|cont'd|suite|Fortsetzung)\)", re.IGNORECASE),
]
_SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
# Units whose exponent is a superscript ("cm²", "m³"): a superscript after them is not a footnote.
_UNITS = {"m", "cm", "mm", "km", "nm", "µm", "μm", "s", "Hz", "GHz", "MHz", "kHz", "ft", "in",
          "W", "A", "V", "Gy", "rad", "g", "kg", "N", "J", "K"}
_FOOTNOTE_SUP = re.compile(rf"(?<=([\w)\"'”’]))([{_SUPERSCRIPT_DIGITS}]+)(?=[\s.,;:)]|$)")
_FOOTNOTE_BRACKET = re.compile(r"\[\d{1,2}\]|(?<=[A-Za-z])\(\d{1,2}\)(?=[\s.,;:]|$)")
_LINE_END_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s*\n\s*(?=[a-z])")
_SPACED_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s+(?=[a-z])")
_WORD_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_WHITESPACE = re.compile(r"\s+")
# Characters that the .doc converter (antiword) turns into "(" when the Word file used the Symbol
# font for them. Measured on the Wassenaar 2021 .doc vs the 2025 PDF.
_SYMBOLS = set("µμ°′″±×≤≥·∙√∞≈→←ΩαβγδεζηθικλνξπρστυφχψωΔΣΦΨΓΛΘΠ")
_SWAPPABLE = _SYMBOLS | {"(", "o"}


def _drop_footnote_sup(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 4):match.start()]
    word = re.split(r"[^\wµμ]", before)[-1]
    return match.group(2) if word in _UNITS or word.isdigit() else ""


def strip_furniture(text: str) -> str:
    """Remove page furniture and footnote markers; keep everything else as printed."""
    text = _INVISIBLE.sub("", text)
    for pattern in _FURNITURE:
        text = pattern.sub(" ", text)
    text = _FOOTNOTE_SUP.sub(_drop_footnote_sup, text)
    return _FOOTNOTE_BRACKET.sub("", text)


@functools.lru_cache(maxsize=1 << 16)
def canonical(text: str) -> str:
    """The comparison form of `text`: equal canonical forms mean no change."""
    text = _LINE_END_HYPHEN.sub("", strip_furniture(text))
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    text = text.replace("\u00d7", "x")
    text = _SPACED_HYPHEN.sub("", text)
    # Spaces go first, so that "virus—see" and "virus - see" (a dash set open or closed) agree.
    return _WORD_HYPHEN.sub("", _WHITESPACE.sub("", text))


def loose(text: str) -> str:
    """Canonical form without letter case and punctuation: equal loose forms of two texts whose
    canonical forms differ make the change editorial (case or punctuation only). Quotes are kept:
    putting a word in quotes makes it a defined term."""
    return re.sub(r"[^\w\"']", "", canonical(text)).casefold()


def residual_is_noise(a: str, b: str) -> bool:
    """True when two canonical forms differ only by extraction artefacts: superscript digits moved
    elsewhere in the text, a Symbol-font character read as "(", or a degree sign read as "o"."""
    if len(a) + len(b) > 40_000 or abs(len(a) - len(b)) > 40:
        return False
    # Cheap test first: the artefacts only move digits or swap "(" / "o" for a symbol, so any
    # other character gained or lost means a real difference.
    ca, cb = Counter(a), Counter(b)
    if set((ca - cb) + (cb - ca)) - _SWAPPABLE:
        return False
    moved_from: Counter[str] = Counter()
    moved_to: Counter[str] = Counter()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = a[i1:i2], b[j1:j2]
        if op == "equal":
            continue
        if op == "replace" and _symbol_swap(old, new):
            continue
        if op in ("insert", "delete") and _exponent_like(a, i1, i2) and _exponent_like(b, j1, j2):
            # A superscript that left one place must arrive at another (a PDF moves them off
            # their line). Only digits hanging on a letter or a bracket, as exponents do: a
            # digit replaced or moved within a number ("15" -> "51", "1 to 10" -> "10 to 1") is
            # a real edit.
            moved_from.update(old)
            moved_to.update(new)
            continue
        return False
    return moved_from == moved_to


def _exponent_like(text: str, start: int, end: int) -> bool:
    """`text[start:end]` is empty, or one or two digits right after a letter or a bracket."""
    if start == end:
        return True
    return end - start <= 2 and text[start:end].isdigit() and start > 0 and (text[start - 1].isalpha()
                                                                             or text[start - 1] in ")]")


def _symbol_swap(old: str, new: str) -> bool:
    if len(old) != len(new) or not old:
        return False
    for x, y in zip(old, new, strict=True):
        pair = {x, y}
        if not (("(" in pair and pair - {"("} <= _SYMBOLS) or pair == {"o", "°"}):
            return False
    return True


def same(a: str, b: str) -> bool:
    """`a` and `b` say the same thing once formatting noise is removed."""
    ca, cb = canonical(a), canonical(b)
    return ca == cb or residual_is_noise(ca, cb)
