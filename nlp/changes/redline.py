"""Word-level redline between two texts, blind to formatting noise.

Words and punctuation marks are compared by their canonical form (`noise.canonical`), so a curly
quote against a straight one, or a reflowed line, shows as kept text. The spans carry the text as
printed (the new version's for kept and inserted words, the old one's for struck words), with
the original spacing.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

from nlp.changes.model import RedlineSpan, SpanOp
from nlp.changes.noise import canonical, strip_furniture

# A control code (3A001.b.1, 3.A.1.b.1), a number with separators (8703.40, 30,000), a word
# (with inner hyphens and apostrophes), or one punctuation mark: a changed threshold or code then
# shows as one struck and one added token, not as "8703 . [-40-] {+50+}".
_TOKEN = re.compile(r"\d[A-E]\d{3}(?:\.[a-z0-9]+)*|\d\.[A-E]\.\d+(?:\.[a-z0-9]+)*|\d+(?:[.,]\d+)+"
                    r"|\w+(?:[-\u2010\u2011'\u2019]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class _Token:
    key: str
    text: str  # the token with the whitespace before it, as printed


def tokens(text: str) -> list[_Token]:
    text = strip_furniture(text)
    out: list[_Token] = []
    last = 0
    for m in _TOKEN.finditer(text):
        key = canonical(m.group())
        if key:
            out.append(_Token(key, text[last:m.end()]))
            last = m.end()
    return out


def redline(old: str, new: str) -> tuple[RedlineSpan, ...]:
    """Spans that turn `old` into `new`: equal, delete (old words), insert (new words)."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    spans: list[RedlineSpan] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(spans, "equal", b[j1:j2])
            continue
        if op in ("delete", "replace"):
            _add(spans, "delete", a[i1:i2])
        if op in ("insert", "replace"):
            _add(spans, "insert", b[j1:j2])
    return tuple(spans)


def _add(spans: list[RedlineSpan], op: SpanOp, toks: list[_Token]) -> None:
    text = "".join(t.text for t in toks)
    if not text:
        return
    if not spans:
        text = text.lstrip()
    if spans and spans[-1].op == op:
        spans[-1] = RedlineSpan(op, spans[-1].text + text)
    else:
        spans.append(RedlineSpan(op, text))


def changed_words(spans: tuple[RedlineSpan, ...]) -> int:
    return sum(len(_TOKEN.findall(s.text)) for s in spans if s.op != "equal")


def render_plain(spans: tuple[RedlineSpan, ...]) -> str:
    """`[-struck-]{+added+}` markup, for logs, tests and terminals without colour."""
    parts = []
    for s in spans:
        if s.op == "equal":
            parts.append(s.text)
        elif s.op == "delete":
            parts.append(_wrap(s.text, "[-", "-]"))
        else:
            parts.append(_wrap(s.text, "{+", "+}"))
    return "".join(parts)


def _wrap(text: str, left: str, right: str) -> str:
    stripped = text.lstrip()
    return text[: len(text) - len(stripped)] + left + stripped + right


def render_html(spans: tuple[RedlineSpan, ...]) -> str:
    """HTML with `<del>` for struck and `<ins>` for added words (text escaped)."""
    parts = []
    for s in spans:
        text = html.escape(s.text)
        if s.op == "equal":
            parts.append(text)
        else:
            tag = "del" if s.op == "delete" else "ins"
            stripped = text.lstrip()
            parts.append(f"{text[: len(text) - len(stripped)]}<{tag}>{stripped}</{tag}>")
    return "".join(parts)
