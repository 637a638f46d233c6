"""How two definitions differ, word by word: what a lawyer reading them side by side wants
highlighted. Typography is not a difference (quotes, dashes, case, spacing, British/American
spelling variants are compared as one), and the connective that opens the EU/Australian wording
(`means …`, `is …`) or repeats the term (`Technology means: …`) is set aside."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from indexer.query import spelling_variants
from nlp.definitions.keys import term_key
from nlp.definitions.scopes import is_location, scope_tokens
from nlp.parse.text import normalise_for_compare

OpTag = Literal["equal", "delete", "insert", "replace"]
_TOKEN = re.compile(r"[^\W_]+(?:[-'.,/][^\W_]+)*")
_CONNECTIVES = frozenset({"means", "mean", "is", "are"})


@dataclass(frozen=True)
class Op:
    tag: OpTag
    left: str  # words of the left (reference) definition in this span
    right: str  # words of the right one


@dataclass(frozen=True)
class Comparison:
    similarity: float  # 0..1, difflib ratio over words
    only_left: tuple[str, ...]  # distinct words (lower case) in the left text and not the right
    only_right: tuple[str, ...]
    ops: tuple[Op, ...]
    scope_only_left: tuple[str, ...]
    scope_only_right: tuple[str, ...]
    # False when a scope names a provision (`item 5504(1)`) or is missing: nothing to compare.
    scopes_comparable: bool = True

    @property
    def identical(self) -> bool:
        return all(op.tag == "equal" for op in self.ops)


def _canonical(word: str) -> str:
    w = word.casefold()
    variants = spelling_variants(w)
    # Pick one spelling of each pair (the American one sorts first often enough; any fixed choice works).
    return min((w, *variants))


def tokens(text: str, term: str = "") -> list[str]:
    """The words of a definition as printed, without a leading repeat of the term and connective."""
    words = _TOKEN.findall(normalise_for_compare(text).replace('"', " ").replace("'", " ")) if text else []
    printed = _TOKEN.findall(text.replace("\u2019", "'"))
    # Keep the printed words (case and all) but only as many as were tokenised from the normal form.
    out = printed if len(printed) == len(words) else words
    term_words = _TOKEN.findall(term_key(term)) if term else []
    if term_words and [w.casefold() for w in out[:len(term_words)]] == term_words:
        out = out[len(term_words):]
    while out and out[0].casefold() in _CONNECTIVES:
        out = out[1:]
    return out


def compare(left_text: str, right_text: str, *, left_term: str = "", right_term: str = "",
            left_scope: str = "", right_scope: str = "") -> Comparison:
    left = tokens(left_text, left_term)
    right = tokens(right_text, right_term)
    lkeys = [_canonical(w) for w in left]
    rkeys = [_canonical(w) for w in right]
    matcher = difflib.SequenceMatcher(a=lkeys, b=rkeys, autojunk=False)
    ops = tuple(Op(tag, " ".join(left[i1:i2]), " ".join(right[j1:j2]))
                for tag, i1, i2, j1, j2 in matcher.get_opcodes())
    lset, rset = set(lkeys), set(rkeys)
    only_left = tuple(dict.fromkeys(k for k in lkeys if k not in rset))
    only_right = tuple(dict.fromkeys(k for k in rkeys if k not in lset))
    ls, rs = scope_tokens(left_scope), scope_tokens(right_scope)
    comparable = bool(ls and rs) and not (is_location(left_scope) or is_location(right_scope))
    if not comparable:
        ls, rs = [], []
    return Comparison(round(matcher.ratio(), 3), only_left, only_right, ops,
                      tuple(t for t in ls if t not in rs), tuple(t for t in rs if t not in ls), comparable)
