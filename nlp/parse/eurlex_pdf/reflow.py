"""Lines of a paragraph back into one text; a heading out of a text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlp.parse.text import clean_text

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_HYPHEN_END = re.compile(r"([^\W_]+)-$")
_WORD_START = re.compile(r"^[^\W_]+")


class Vocabulary:
    """The words a document writes within its lines, to tell a hyphen at a line end apart.

    The PDF hyphenates with soft hyphens (U+00AD), which clean_text removes with the line break,
    so a hard hyphen at a line end is nearly always a real one (`non-` / `volatile`, `ISO 230-` /
    `2:1988`) and stays, without a space. A few are typeset word breaks (`freq-` / `uency`): the
    hyphen goes when the document writes the joined word elsewhere and never the hyphenated one.
    """

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.words: set[str] = set()
        for line in lines:
            for word in _WORD.findall(line.replace("\u00ad", "")):
                self.words.add(word.casefold())
                self.words.update(part.casefold() for part in word.split("-"))

    def drops_hyphen(self, left: str, right: str) -> bool:
        joined = (left + right).casefold()
        hyphenated = f"{left}-{right}".casefold()
        return joined in self.words and hyphenated not in self.words


_NO_WORDS = Vocabulary()


def join_lines(lines: Iterable[str], words: Vocabulary = _NO_WORDS) -> str:
    """Join wrapped lines into one whitespace-cleaned text (see Vocabulary for hyphens)."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        end = _HYPHEN_END.search(out) if out else None
        start = _WORD_START.match(line)
        if not out:
            out = line
        elif end and start and words.drops_hyphen(end.group(1), start.group()):
            out = out[:-1] + line
        elif end or (out.endswith(("-", "/")) and not out.endswith(" -")):
            out += line
        else:
            out += "\n" + line
    return clean_text(out)


def first_sentence(text: str, limit: int = 200) -> str:
    """A heading: the text if short, else up to its first `:`, `;` or sentence end, or a cut."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    for m in re.finditer(r"[.:;](?= |$)", window):
        end = m.start()
        word = window[:end].rsplit(" ", 1)[-1]
        # `1C009.b.`, `e.g.`, `i.e.`, `No.` and numbers do not end a sentence.
        if m.group() == "." and (not word or re.search(r"\d|\.\w|^\w{1,3}$", word)):
            continue
        return window[: end + 1]
    return window.rsplit(" ", 1)[0] + "…"
