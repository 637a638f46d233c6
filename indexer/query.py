"""The user query language, shared by every backend.

    frequency synthesizer       both words (any form: synthesiser, synthesizers)
    "frequency synthesizer"     the phrase
    synth*                      prefix
    laser OR maser              either
    -military / NOT military    exclude
    3A001.b                     a control code: the entry and its sub-items, in any jurisdiction

A malformed query (unbalanced quote, a lone operator) raises QueryError saying what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exportwatch.errors import QueryError

# US and UK spellings both occur in the lists (EU/UK/AU: "synthesiser", US/WA: "synthesizer").
_SPELLING_PAIRS = {
    "fibre": "fiber", "centre": "center", "metre": "meter", "litre": "liter", "calibre": "caliber",
    "aluminium": "aluminum", "sulphur": "sulfur", "programme": "program", "defence": "defense",
    "licence": "license", "catalogue": "catalog", "colour": "color", "behaviour": "behavior",
    "vapour": "vapor", "modelling": "modeling", "signalling": "signaling", "travelling": "traveling",
    "labelled": "labeled", "analyse": "analyze", "analysed": "analyzed", "manoeuvre": "maneuver",
}
_REVERSE = {v: k for k, v in _SPELLING_PAIRS.items()}
_ISE = re.compile(r"^(\w{3,})is(e|er|ers|ed|es|ing|ation|ations)$")
_IZE = re.compile(r"^(\w{3,})iz(e|er|ers|ed|es|ing|ation|ations)$")
CODE_RE = re.compile(
    r"^(?:(?:\d[A-E]\d{3}|\d\.[A-E]\.\d{1,3}|ML\d{1,3}|\d{4}|\d-\d{1,2}(?:\.[A-Z]\.\d+)?)"
    r"(?:[.(][0-9a-zA-Z()]+)*\.?)$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r'"[^"]*"|\S+')


@dataclass(frozen=True)
class Term:
    """A word (with spelling variants), a phrase, or a prefix."""

    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False
    negated: bool = False
    variants: tuple[str, ...] = ()  # other spellings of a single word


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses are ANDed; the terms inside one clause are ORed."""

    clauses: tuple[tuple[Term, ...], ...]
    code: str | None = None


def spelling_variants(word: str) -> tuple[str, ...]:
    w = word.lower()
    out = []
    if w in _SPELLING_PAIRS:
        out.append(_SPELLING_PAIRS[w])
    if w in _REVERSE:
        out.append(_REVERSE[w])
    if m := _ISE.match(w):
        out.append(f"{m.group(1)}iz{m.group(2)}")
    if m := _IZE.match(w):
        out.append(f"{m.group(1)}is{m.group(2)}")
    return tuple(out)


def parse_query(text: str) -> ParsedQuery:
    text = text.strip()
    if not text:
        raise QueryError("empty query: give words, a \"phrase\" or a control code")
    if text.count('"') % 2:
        raise QueryError(f"unbalanced quote in {text!r}: close the phrase with a second \"")
    if (CODE_RE.match(text) and not text.isdigit()) or re.fullmatch(r"\d{4}", text):
        return ParsedQuery(clauses=(), code=text.rstrip("."))
    clauses: list[list[Term]] = []
    pending_or = False
    negate_next = False
    for raw in _TOKEN.findall(text):
        if raw == "OR":
            if not clauses or pending_or:
                raise QueryError(f"'OR' needs a term on each side in {text!r}")
            pending_or = True
            continue
        if raw in ("NOT", "-"):
            negate_next = True
            continue
        term = _term(raw, negate_next)
        negate_next = False
        if term is None:
            continue
        if pending_or:
            if term.negated or any(t.negated for t in clauses[-1]):
                raise QueryError("a NOT term cannot be part of an OR")
            clauses[-1].append(term)
            pending_or = False
        else:
            clauses.append([term])
    if pending_or or negate_next:
        raise QueryError(f"query {text!r} ends with an operator: add the term it applies to")
    if not clauses:
        raise QueryError(f"query {text!r} has no searchable words")
    if all(c[0].negated for c in clauses):
        raise QueryError("a query cannot only exclude: add a word to look for")
    return ParsedQuery(clauses=tuple(tuple(c) for c in clauses))


def _term(raw: str, negated: bool) -> Term | None:
    if raw.startswith("-") and len(raw) > 1:
        negated, raw = True, raw[1:]
    if raw.startswith('"'):
        phrase = tuple(re.findall(r"\w+", raw.strip('"').lower()))
        return Term(words=phrase, negated=negated) if phrase else None
    prefix = raw.endswith("*")
    words = re.findall(r"\w+", raw.lower())
    if not words:
        return None
    if len(words) > 1:  # "non-volatile", "x-ray": keep as a phrase
        return Term(words=tuple(words), negated=negated)
    word = words[0]
    return Term(words=(word,), prefix=prefix, negated=negated,
                variants=() if prefix else spelling_variants(word))
