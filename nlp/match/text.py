"""Texts for matching: an entry's document (its text and its sub-items), code masking, and the
tokenisation shared by the lexical scorers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Control codes in any of the numbering schemes of the corpus, as they appear inside text.
_CODE_PATTERNS = (
    r"\b\d[A-E]\d{3}(?:\.?[a-z0-9]{1,2})*\b\.?",  # 3A001.b.1 / 9A001b1
    r"\b\d\.\s?[A-E]\.(?:\s?\d{1,3}\.)?(?:\s?[a-z0-9]{1,2}\.)*",  # 3.A.1.b.1.
    r"\bML\s?\d{1,3}(?:\.?[a-z0-9]{1,2}\b)*\.?",  # ML8.a
    r"\b\d-\d{1,2}(?:\.[A-E]\.(?:\d{1,3}\.)?)?",  # Canada's Guide items: 1-7.A.5.
    r"\bKM\s?\d{1,2}\b",  # Swiss war-material list
    r"\b\d[A-E]\d{2}\b",  # entry groups written short: 1A0, 3B9
    r"\b\d[A-E]\b(?=\s|,|\.|;|$)",  # groups: 3A, 1C
)
_CODE_RE = re.compile("|".join(f"(?:{p})" for p in _CODE_PATTERNS))
_SPACES = re.compile(r"\s+")


def mask_codes(text: str, extra: Iterable[str] = ()) -> str:
    """Remove control codes from a text: what is left is what a list says, not where it says it.

    `extra` are further literal codes to remove (e.g. a list's own item numbers such as `5504`)
    wherever they stand as a whole token."""
    out = _CODE_RE.sub(" ", text)
    for code in sorted({c for c in extra if len(c) >= 3}, key=len, reverse=True):
        out = re.sub(rf"(?<![\w.]){re.escape(code)}(?![\w])", " ", out)
    return _SPACES.sub(" ", out).strip()


def entry_document(texts: Sequence[str], limit: int = 2000) -> str:
    """One text for an entry: its own text then its sub-items' texts, in list order, capped.

    Sub-items carry most of the meaning ("Electronic items as follows:" says little)."""
    parts: list[str] = []
    size = 0
    for text in texts:
        text = _SPACES.sub(" ", text).strip()
        if not text or (parts and text == parts[-1]):
            continue
        parts.append(text)
        size += len(text) + 1
        if size >= limit:
            break
    return " ".join(parts)[:limit]


_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "‚": "'", "«": '"', "»": '"',
                      "–": "-", "—": "-", "\u00ad": None})


def normalise(text: str) -> str:
    """Lower case, NFKC, curly quotes and dashes folded, decimal commas read as points."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(_FOLD)
    return re.sub(r"(?<=\d),(?=\d)", ".", text)


_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def words(text: str) -> list[str]:
    """Word tokens of a normalised text (numbers kept whole: `2.5`, `10`)."""
    return _WORD.findall(normalise(text))


def numbers(text: str) -> list[str]:
    """The numbers of a text, normalised (`2,50` -> `2.5`, `1000` stays): language-neutral evidence."""
    out = []
    for raw in _NUMBER.findall(normalise(text).replace(" ", "")):
        value = raw.rstrip("0").rstrip(".") if "." in raw else raw.lstrip("0") or "0"
        out.append(value)
    return out


def char_grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams inside words (with word boundary marks): catch cognates across
    languages ("Magnetometer", "magnétomètres") and inflections."""
    out: list[str] = []
    for word in words(text):
        padded = f" {word} "
        if len(padded) <= n:
            out.append(padded)
            continue
        out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out
