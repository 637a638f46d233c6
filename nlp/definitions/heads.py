"""Pieces every layout shares: the head of a definition (`"Term" (qualifier) (scope) rest`),
note labels, and a builder that gathers lines into definitions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nlp.definitions.keys import clean_term, term_key
from nlp.definitions.model import Definition, DefinitionNote
from nlp.parse.eurlex_pdf.reflow import Vocabulary, join_lines
from nlp.parse.text import clean_text

# Same length as the input, so that positions found in the normalised copy slice the original.
_QUOTE_MAP = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_OPEN_TERM = re.compile(r'^\s*"(?P<term>[^"]+)"')
# Words between a term and its parenthesis: `"Spread spectrum" radar (6)`, `("DBRN") Systems`.
_EXTRA_WORDS = re.compile(
    r"\s+(?P<words>[a-z][\w-]*(?:\s+[a-z][\w-]*)?(?=\s*\()"
    r"|[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?(?=\s*$|\s+-\s+see\b))")
# A paragraph label opening the text, not a qualifier: `Utilization facility. (a) As defined …`.
_LABEL = re.compile(r"^(?:[a-z]|\d{1,2}|[ivx]{1,4})$")
# Words that open a definition's text, never a term: `"Tip shroud" means …`.
_VERBS = frozenset({"means", "mean", "is", "are", "refers", "include", "includes", "has", "have"})
_BEFORE_PARENTHESIS = re.compile(r"[\s.,]*(?=\()")
_LATE_WORD = re.compile(r"^(?P<word>[A-Z][\w-]*)\s+(?:means|is|are)\b")
NOTE_LABEL = re.compile(
    r"^(?P<label>Technical\s+Notes?(?:\s+\d+)?|Notes?(?:\s+\d+)?|N\.\s?B\.(?:\s?\d+\.?)?)"
    r"(?:\s*:|(?=\s|$))\s*(?P<rest>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Head:
    term: str  # as printed, quotation marks removed, qualifiers kept: `Bias (accelerometer)`
    scope: str  # the category parentheses as printed, "" if none
    rest: str  # the text after the head


def _closing(text: str, start: int) -> int:
    """Index just after the parenthesis opened at `start`, or -1 if it is not closed."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def parse_quoted_head(text: str, is_scope: Callable[[str], bool]) -> Head | None:
    """Read `"Term" (qualifier)… (scope)… rest` at the start of `text` (straight or curly quotes).

    Parentheses before the first scope parenthesis are qualifiers and stay in the term
    (`"Bias" (gyro) (7)`: term `Bias (gyro)`, scope `(7)`); one or two words between the closing
    quote and a parenthesis, the line end or `- see` belong to the term too (`"Spread spectrum"
    radar (6) - see …`). Returns None when `text` does not open with a quoted term.
    """
    norm = text.translate(_QUOTE_MAP)
    m = _OPEN_TERM.match(norm)
    if m is None:
        return None
    pos = m.end()
    term_parts = [text[m.start("term"):m.end("term")]]
    scopes: list[str] = []
    while True:
        # `"UAV"). (Cat 9)` in § 772.1: a full stop may stand between the parentheses
        gap = _BEFORE_PARENTHESIS.match(norm, pos)
        at = gap.end() if gap else pos + len(norm[pos:]) - len(norm[pos:].lstrip())
        if at < len(norm) and norm[at] == "(":
            end = _closing(norm, at)
            if end < 0:
                break
            inner = norm[at + 1:end - 1]
            if is_scope(inner):
                scopes.append(text[at:end])
            elif scopes or _LABEL.match(inner):
                break  # text after the scope that opens with a parenthesis, or a labelled paragraph
            else:
                term_parts.append(text[at:end])
            pos = end
            continue
        if not scopes and (w := _EXTRA_WORDS.match(norm, pos)) and \
                w.group("words").split()[0].casefold() not in _VERBS:
            term_parts.append(w.group("words"))
            pos = w.end()
            continue
        break
    rest = text[pos:].strip()
    if scopes and (late := _LATE_WORD.match(rest)):
        # `"Data-Based Referenced Navigation" ("DBRN") (7) Systems means …` (Australia)
        term_parts.append(late.group("word"))
        rest = rest[late.end("word"):].strip()
    if not scopes and len(term_parts) > 1 and re.fullmatch(r"\([a-z]{1,5}\)", term_parts[-1]) and \
            rest.split(" ", 1)[0].casefold() in _VERBS:
        # `"Digital transfer rate" (def) means …`: an unusual reference, but in the reference's place
        scopes.append(term_parts.pop())
    # `"Accuracy" (2 3 6 7 8), usually measured …`: the comma belonged to the head
    return Head(clean_term(" ".join(term_parts)), " ".join(s.strip() for s in scopes), rest.lstrip(",; "))


@dataclass
class _Draft:
    term: str
    scope: str
    lines: list[str]
    notes: list[tuple[str, list[str]]] = field(default_factory=list)
    where: str = ""
    note_open: bool = False


class DefinitionBuilder:
    """Collects lines into definitions: `start` a term, then `text` or `note` lines."""

    def __init__(self, language: str, words: Vocabulary | None = None) -> None:
        self.language = language
        self.words = words or Vocabulary()
        self.definitions: list[Definition] = []
        self.warnings: list[str] = []
        self._draft: _Draft | None = None

    @property
    def open(self) -> bool:
        return self._draft is not None

    @property
    def in_note(self) -> bool:
        return self._draft is not None and bool(self._draft.notes) and self._draft.note_open

    def start(self, term: str, scope: str, first_text: str = "", where: str = "") -> None:
        self.close()
        self._draft = _Draft(term, clean_text(scope), [first_text] if first_text.strip() else [], where=where)

    def add_scope(self, part: str) -> None:
        """A further piece of a reference printed in a column beside the text (Wassenaar)."""
        if self._draft is None or not part.strip():
            return
        scope, part = self._draft.scope, clean_text(part)
        self._draft.scope = f"{scope} {part}" if not scope or scope.endswith((",", "&")) else f"{scope}, {part}"
        self._draft.scope = self._draft.scope.strip()

    def text(self, line: str) -> None:
        """A line of the definition, or of its open note."""
        if self._draft is None:
            return
        if self._draft.notes and self._draft.note_open:
            self._draft.notes[-1][1].append(line)
        else:
            self._draft.lines.append(line)

    def note(self, label: str, first_text: str = "") -> None:
        if self._draft is not None:
            self._draft.notes.append((clean_text(label).rstrip(":"), [first_text] if first_text.strip() else []))
            self._draft.note_open = True

    def end_note(self) -> None:
        """The note is closed (an XML `<NOTE>` ended): further lines belong to the definition."""
        if self._draft is not None:
            self._draft.note_open = False

    def close(self) -> None:
        draft, self._draft = self._draft, None
        if draft is None:
            return
        text = join_lines(draft.lines, self.words)
        notes = tuple(DefinitionNote(label, join_lines(lines, self.words)) for label, lines in draft.notes)
        if not text:
            if not notes:
                self.warnings.append(f"{draft.where or draft.term}: definition of {draft.term!r} has no text; "
                                     "skipped")
                return
            # A term whose only wording is in a note (rare): the first note carries the meaning.
            text, notes = f"{notes[0].label}: {notes[0].text}", notes[1:]
        key = term_key(draft.term)
        if not key:
            self.warnings.append(f"{draft.where}: empty term; skipped")
            return
        self.definitions.append(Definition(term=draft.term, term_key=key, language=self.language,
                                           scope=draft.scope, text=text, notes=notes,
                                           position=len(self.definitions)))

    def finish(self) -> list[Definition]:
        self.close()
        return self.definitions
