"""Term keys: how a defined term is normalised for storage and looked up.

A key is the term casefolded, with quotation marks and trailing punctuation removed and
whitespace collapsed: `"Bias" (accelerometer)` -> `bias (accelerometer)`,
`Adjusted Peak Performance (APP).` -> `adjusted peak performance (app)`. Lookup also tries the
key without its parentheses (`adjusted peak performance`), an acronym printed in them (`app`),
singular/plural and British/American spellings, so that the lists' different typography still
meets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from indexer.query import spelling_variants

_DOUBLE_QUOTES = re.compile(r"[\"\u201c\u201d\u201e\u201f\u00ab\u00bb]")
# A single quote used as a quotation mark (not an apostrophe inside a word such as "Canada's").
_SINGLE_QUOTES = re.compile(r"(?<!\w)[\u2018\u2019\u201a\u201b']|[\u2018\u2019\u201a\u201b'](?!\w)")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.,:;]+$")
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def clean_term(printed: str) -> str:
    """The term as printed, without quotation marks, spare spaces or a trailing full stop."""
    text = unicodedata.normalize("NFKC", printed).replace("\u00ad", "")
    text = _SINGLE_QUOTES.sub("", _DOUBLE_QUOTES.sub("", text))
    text = _SPACES.sub(" ", text).strip()
    return _TRAILING.sub("", text)


def term_key(printed: str) -> str:
    """The stored key of a term: see the module docstring."""
    return clean_term(printed).translate(_DASHES).casefold()


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper * 2 >= len(letters)


def acronyms(term: str) -> list[str]:
    """Acronyms printed after a term, in parentheses (`Circular Error Probable ("CEP")` -> cep) or
    as an alternative (`internal compliance programme or ICP` -> icp). A lower-case qualifier
    such as `(gyro)` is not an acronym."""
    cleaned = clean_term(term)
    out = [term_key(inner) for inner in _PARENTHESES.findall(cleaned) if _is_acronym(inner)]
    head, sep, alternative = cleaned.rpartition(" or ")
    if sep and _is_acronym(alternative) and " " not in alternative:
        out += [term_key(alternative), term_key(head)]
    return out


def base_key(key: str) -> str:
    """A key without its parenthesised qualifiers: `bias (gyro)` -> `bias`."""
    return _SPACES.sub(" ", _PARENTHESES.sub("", key)).strip()


def match_forms(term: str, key: str) -> set[str]:
    """Every form under which a stored definition is found by an exact lookup."""
    forms = {key, base_key(key), *acronyms(term)}
    forms.discard("")
    return forms


def _number_variants(word: str) -> set[str]:
    out = {word}
    if word.endswith("ies") and len(word) > 4:
        out.add(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        out.add(word[:-2])
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.add(word[:-1])
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        out.add(word[:-1] + "ies")
    elif word.endswith(("ch", "sh", "ss", "x")):
        out.add(word + "es")
    elif not word.endswith("s"):
        out.add(word + "s")
    return out


def query_variants(query: str) -> set[str]:
    """Keys a looked-up term may be stored under besides its own: the last word singular or
    plural, and each word in its other spelling (synthesiser/synthesizer, fibre/fiber)."""
    key = term_key(query)
    words = key.split(" ")
    if not key:
        return set()
    options: list[set[str]] = []
    for i, word in enumerate(words):
        forms = {word, *spelling_variants(word)} if _WORD.fullmatch(word) else {word}
        if i == len(words) - 1:
            forms = {v for f in forms for v in _number_variants(f)}
        options.append(forms)
    variants = {""}
    for forms in options:
        variants = {f"{v} {f}".strip() for v in variants for f in forms}
        if len(variants) > 256:  # a very long query: enough variants to be useful
            break
    variants.discard(key)
    return variants


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def suggestions(query: str, keys: Iterable[str], limit: int = 8) -> list[str]:
    """Stored keys that start with, contain, or nearly spell the looked-up term."""
    import difflib

    key = term_key(query)
    pool = sorted(set(keys))
    starts = [k for k in pool if k.startswith(key) or base_key(k).startswith(key)]
    contains = [k for k in pool if k not in starts and re.search(rf"\b{re.escape(key)}", k)]
    close = difflib.get_close_matches(key, pool, n=limit, cutoff=0.75)
    out: list[str] = []
    for k in [*starts, *contains, *close]:
        if k not in out:
            out.append(k)
    return out[:limit]
