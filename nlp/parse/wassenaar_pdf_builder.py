"""Build the code tree of the Wassenaar 2025 PDF from its content lines.

A line carries either a full code (`3. A. 1.    a.    5.   text`, `ML8. a. 17.  text`), which
sets the whole path, or only its own label at some indent (`    b.   text`, or a partial path
`c.   2.  text`), whose depth is decided from, in this order:
  * the label sequence: a label other than `a`/`1` continues the open level whose last label
    precedes it (`b` after `a`); `a`/`1` opens a level under the deepest open node, and only
    under one whose text announces items (`… as follows:`);
  * the column, to choose between open levels that both fit (`b` after `a.1.a`);
  * the codes printed in full further on: a bare `1.` inside a Technical Note is not item
    `x.1` when `x.1` appears later as a full code.
Notes (`Note`, `Note 1`, `N.B.`, `Technical Note(s)`) take every following line up to a full
code, another note at or left of their column, or a label left of the note's own text column
that continues the tree. A note goes to the node it names (`1.A.4. does not apply…`,
`For the purposes of 1.A.4.a.:`) when that node is open or in the same entry, else to the
node of the note before it in a numbered series (`N.B.2` after `N.B.1`), else to the deepest
open node whose label is left of the note label.
Annex blocks (the Category 1 explosives list, the Category 2 deposition table, the Category 4
APP note), `Part n - …` titles and page footnotes become notes of the category; subject
captions (`OPTICAL SENSORS`) notes of the next node — as `nlp.parse.wassenaar_doc` does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from nlp.model import EntryKind, Note, NoteKind, ParsedEntry
from nlp.parse import wassenaar_pdf_lines as wl
from nlp.parse.node_path import code_path
from nlp.parse.text import clean_text
from nlp.parse.wassenaar_pdf_layout import Line
from nlp.parse.wassenaar_tree import heading_of, note_subject, status_of

MUNITIONS_TITLE = "Munitions List"
_SIBLING_TOLERANCE = 8  # columns a sibling label may drift (full-code lines shift labels)
_ENTRY_LABEL_MAX_COL = 10  # bare entry numbers (`       2.`) sit left of item labels
_CODE_REF = re.compile(
    r"(?<![\w.])((?:\d\.[A-E]\.\d{1,2}|ML\d{1,2})\.(?:(?:[a-z]{1,2}|\d{1,2})\.)*)")
_REF_SPAN = 160  # `For the purposes of 1.A.4.a.:` names its node near the start
_HYPHEN_END = re.compile(r"\w-$")
_SERIES_NUMBER = re.compile(r"\d+(?=\.?$)")


@dataclass(eq=False)
class _Node:
    code: str
    parent: _Node | None
    kind: EntryKind
    label: str
    label_col: int  # column of the node's own label where it was last printed
    text_col: int
    heading: str = ""
    parts: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def path(self) -> tuple[str, ...]:
        return code_path(self)

    def entry(self) -> _Node | None:
        node: _Node | None = self
        while node is not None and node.kind != "entry":
            node = node.parent
        return node


@dataclass(eq=False)
class _OpenNote:
    kind: NoteKind
    label: str
    col: int
    parts: list[str]
    chain: tuple[_Node, ...]  # the open nodes when the note began
    fallback: _Node
    text_col: int | None = None  # column of the note's first text
    list_last: str | None = None  # last label of the note's own list
    list_col: int = -1
    list_min_col: int = 10_000  # leftmost label of the note's own lists


def join_lines(parts: Iterable[str]) -> str:
    """Reflow wrapped lines; a line ending in `word-` joins the next without a space, keeping
    the hyphen (`'non-` / `volatile memories'` → `'non-volatile memories'`)."""
    out = ""
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        if not out:
            out = part
        elif _HYPHEN_END.search(out):
            out += part
        else:
            out += " " + part
    return clean_text(out)


class TreeBuilder:
    """Feed the content lines of the Dual-use categories and the Munitions List in document
    order, then call `finish()`. `titles` maps category codes to headings."""

    def __init__(self, explicit_codes: set[str], titles: dict[str, str],
                 language: str = "en") -> None:
        self.language = language
        self.explicit = explicit_codes
        self.titles = titles
        self.nodes: dict[str, _Node] = {}
        self.chain: list[_Node] = []
        self.warnings: list[str] = []
        self.stats: Counter[str] = Counter()
        self._note: _OpenNote | None = None
        self._block: _OpenNote | None = None  # an annex block or a footnote
        self._block_headings: set[str] = set()
        self._last_note: tuple[str, _Node] | None = None  # for `N.B.2` after `N.B.1`
        self._pending: list[str] = []  # captions waiting for the next node
        self._scope: tuple[str, str | None] | None = None  # (section, category)
        self._line: Line | None = None

    # -- nodes -----------------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        line = self._line
        where = f"line {line.lineno} (page {line.page})" if line else "end of the list"
        self.warnings.append(f"{where}: {message}")

    def _node(self, code: str, parent: _Node | None, kind: EntryKind, label: str,
              label_col: int, text_col: int) -> tuple[_Node, bool]:
        existing = self.nodes.get(code)
        if existing is not None:
            return existing, False
        node = _Node(code, parent, kind, label, label_col, text_col)
        self.nodes[code] = node
        return node, True

    def _category(self, line: Line) -> _Node:
        code = "ML" if line.section == "ml" else line.category or "?"
        node, created = self._node(code, None, "category", code, -1, 0)
        if created:
            node.heading = MUNITIONS_TITLE if code == "ML" else \
                self.titles.get(code, line.category_title or "")
        return node

    def _entered(self, chain: list[_Node]) -> None:
        """`chain` is the open path now; captions seen before it go to its last node."""
        self.chain = chain
        self._last_note = None
        node = chain[-1]
        for caption in self._pending:
            node.notes.append(Note("other", "Subheading", caption))
        self._pending = []

    # -- notes and blocks ------------------------------------------------------------------

    def _close_note(self) -> None:
        note, self._note = self._note, None
        if note is None:
            return
        text = join_lines(note.parts)
        target = self._note_target(note, text)
        target.notes.append(Note(note.kind, note.label, text))
        self._last_note = (note.label, target)
        self.stats["notes"] += 1

    def _note_target(self, note: _OpenNote, text: str) -> _Node:
        subject = note_subject(text)
        named = self.nodes.get(subject) if subject else None
        entry = note.fallback.entry()
        if named is not None and (named in note.chain or (entry and named.entry() is entry)):
            return named
        open_nodes = {n.code: n for n in note.chain}
        for ref in _CODE_REF.findall(text[:_REF_SPAN]):
            hit = open_nodes.get(ref.rstrip("."))
            if hit is not None:
                return hit
        number = _SERIES_NUMBER.search(note.label)
        if number and self._last_note is not None:
            last_label, last_target = self._last_note
            last = _SERIES_NUMBER.search(last_label)
            if (last and last_label[: last.start()] == note.label[: number.start()]
                    and int(number.group()) == int(last.group()) + 1):
                return last_target
        return note.fallback

    def _open_note(self, start: wl.NoteStart, line: Line) -> None:
        fallback = self.chain[0]
        for node in self.chain:
            if node.label_col < line.col:
                fallback = node
        text_col = line.col + len(line.text) - len(start.text) if start.text else None
        parts = [start.text] if start.text else []
        self._note = _OpenNote(start.kind, start.label, line.col, parts, tuple(self.chain),
                               fallback, text_col)

    def _note_text(self, line: Line) -> None:
        assert self._note is not None
        if self._note.text_col is None:
            self._note.text_col = line.col
        self._note.parts.append(line.text)

    def _close_block(self) -> None:
        block, self._block = self._block, None
        if block is None:
            return
        text = join_lines(block.parts)
        notes = block.fallback.notes
        if not any(n.label == block.label and n.text == text for n in notes):
            notes.append(Note(block.kind, block.label, text))  # a footnote repeats per page
            self.stats["footnotes" if block.label == "*" else "annex_blocks"] += 1

    def _close_all(self) -> None:
        self._close_note()
        self._close_block()

    # -- lines -----------------------------------------------------------------------------

    def _enter(self, line: Line) -> None:
        scope = (line.section, line.category)
        if scope == self._scope:
            return
        self._close_all()
        if self._pending:
            self._warn(f"caption(s) {self._pending!r} at the end of {self.chain[0].code}")
            self._pending = []
        self._scope = scope
        self.chain = [self._category(line)]
        self._last_note = None

    def feed(self, line: Line) -> None:
        self._line = line
        self._enter(line)
        if line.kind == "footnote":
            self._footnote(line)
            return
        if self._block is not None and self._block.label == "*":
            self._close_block()
        text, col = line.text, line.col
        if wl.is_continued_marker(text):
            self.stats["continued_markers"] += 1
            return
        full = wl.full_code(text, col, munitions=line.section == "ml")
        group = wl.group_heading(text, col) if line.section == "dual" and not full else None
        block = wl.annex_heading(text) if not (full or group) else None
        if self._block is not None and not (full or group) and self._block_line(text, block):
            return
        if full is not None:
            self._close_all()
            self._full_code(full)
        elif group is not None:
            self._close_all()
            self._group(*group)
        elif block is not None and wl.starts_block(block):
            self._close_all()
            kind: NoteKind = "technical-note" if block.startswith("TECHNICAL NOTE") else "other"
            self._block = _OpenNote(kind, block, col, [], (), self.chain[0])
            self._block_headings = {block}
        elif wl.is_category_line(text, line.category):
            self.stats["category_title_lines"] += 1
        elif (start := wl.note_start(text)) is not None:
            self._note_line(start, line)
        elif (bare := wl.bare_label(text)) is not None:
            self._label(bare, line)
        elif (caption := wl.caption(text)) is not None:
            self._caption(*caption)
        elif self._note is not None:
            self._note_text(line)
        elif len(self.chain) > 1:
            self.chain[-1].parts.append(text)
        else:
            self._warn(f"text outside any entry kept as category text: {text[:60]!r}")
            self.chain[0].parts.append(text)

    def _block_line(self, text: str, heading: str | None) -> bool:
        """Feed a line to the open annex block; False if the line starts another block."""
        assert self._block is not None
        if heading is None:
            self._block.parts.append(text)
            return True
        if heading in self._block_headings:
            return True  # a heading repeated at the top of the next page (`… cont.`)
        if wl.starts_block(heading):
            return False
        self._block_headings.add(heading)
        self._block.parts.append(heading)  # `LIST - "EXPLOSIVES"` under `ANNEX`
        return True

    def _footnote(self, line: Line) -> None:
        block = self._block
        if block is not None and block.label != "*":
            block.parts.append(line.text)  # `* The numbers in parenthesis …` of a table
            return
        star = re.match(r"\*+", line.text)
        if star is None and block is not None:
            block.parts.append(line.text)
            return
        self._close_block()
        body = line.text[star.end():] if star else line.text
        # the footnote of a star on the list or category title (or in its text) belongs to
        # the category, not to the node above it
        self._block = _OpenNote("other", "*", line.col, [body], (), self.chain[0])

    def _caption(self, part: str | None, title: str) -> None:
        self._close_note()
        self.stats["captions"] += 1
        if part is not None:
            # `Part 2 - "INFORMATION SECURITY"`: where the second part of Category 5 begins
            self.chain[0].notes.append(Note("other", part, title))
        else:
            self._pending.append(title)

    def _group(self, category: str, letter: str, heading: str) -> None:
        cat = self.chain[0]
        if cat.code != category:
            self._warn(f"group {category}.{letter} under category {cat.code}")
        node, created = self._node(f"{cat.code}.{letter}", cat, "group", letter, 0, 0)
        if created:
            node.heading = heading
        self._entered([cat, node])

    def _full_code(self, full: wl.FullCode) -> None:
        cat = self.chain[0]
        if full.category != cat.code:
            self._warn(f"code {full.category}.{full.group}.{full.number} under category "
                       f"{cat.code}")
        chain = [cat]
        if full.group is not None:
            group, created = self._node(f"{cat.code}.{full.group}", cat, "group", full.group,
                                        0, 0)
            if created:
                self._warn(f"group {group.code} has no heading line")
            chain.append(group)
        entry, created = self._node(f"{chain[-1].code}.{full.number}" if full.group else
                                    f"ML{full.number}", chain[-1], "entry", full.number,
                                    full.number_col, full.text_col)
        chain.append(entry)
        new = [entry] if created else []
        for i, token in enumerate(full.tokens):
            item, created = self._node(f"{chain[-1].code}.{token.label}", chain[-1], "item",
                                       token.label, token.col, full.text_col)
            if created:
                new.append(item)
                if i < len(full.tokens) - 1:
                    self._warn(f"{item.code} first appears inside the full code of a child")
            chain.append(item)
        deepest = chain[-1]
        if deepest not in new:
            self.stats["full_codes_restating_a_node"] += 1
            if full.text and deepest.parts:
                self._warn(f"{deepest.code} printed in full a second time; texts joined")
        deepest.text_col = full.text_col
        if full.text:
            deepest.parts.append(full.text)
        self._entered(chain)

    # -- bare labels -----------------------------------------------------------------------

    def _candidates(self, label: str, col: int, restart: bool) -> list[tuple[int, int]]:
        """(column distance, chain index of the parent) of each place `label` fits, best
        first. With `restart` (a partial path `c.   2.`) it may name an open node again."""
        kind = wl.label_type(label)
        entry_at = next((i for i, n in enumerate(self.chain) if n.kind == "entry"), None)
        group_at = next((i for i, n in enumerate(self.chain) if n.kind == "group"), None)
        found: list[tuple[int, int]] = []

        def consider(parent_at: int, distance: int) -> None:
            code = f"{self.chain[parent_at].code}.{label}"
            if code not in self.explicit and code not in self.nodes:
                found.append((distance, parent_at))

        if group_at is not None and kind == "digit" and col <= _ENTRY_LABEL_MAX_COL:
            if entry_at is None and label == "1":
                consider(group_at, 0)
            elif entry_at is not None and label == wl.next_label(self.chain[entry_at].label):
                consider(group_at, abs(col - self.chain[entry_at].label_col))
        if entry_at is None:
            return sorted(found)
        for i in range(entry_at + 1, len(self.chain)):
            node = self.chain[i]
            distance = abs(col - node.label_col)
            if wl.label_type(node.label) != kind or distance > _SIBLING_TOLERANCE:
                continue
            if label == wl.next_label(node.label):
                consider(i - 1, distance)
            elif restart and label == node.label:
                found.append((distance, i - 1))
        depth = len(self.chain) - entry_at  # 1 = first item level (letters)
        want: wl.LabelType = "letter" if depth % 2 else "digit"
        parent = self.chain[-1]
        if (kind == want and label == wl.first_label(want) and col > parent.label_col
                and self._announces_items(parent)):
            consider(len(self.chain) - 1, abs(col - parent.text_col))
        return sorted(found)

    @staticmethod
    def _announces_items(node: _Node) -> bool:
        """Items follow `… as follows:`; a `1.` after `… 15 cm;` starts a Technical Note's
        list. Withdrawn items keep withdrawn sub-items (8.A.2.f `Not used since 2009`)."""
        if not node.parts:
            return False
        return node.parts[-1].rstrip().endswith(":") or status_of(node.parts[0]) == "not-used"

    def _place(self, parent_at: int, bare: wl.BareLabel, line: Line) -> None:
        chain = self.chain[: parent_at + 1]
        text_col = line.col + bare.text_offset
        for token in bare.tokens:
            parent = chain[-1]
            kind: EntryKind = "entry" if parent.kind == "group" else "item"
            node, _ = self._node(f"{parent.code}.{token.label}", parent, kind, token.label,
                                 line.col + token.col, text_col)
            chain.append(node)
        if bare.text:
            chain[-1].parts.append(bare.text)
        self._entered(chain)

    def _label(self, bare: wl.BareLabel, line: Line) -> None:
        label = bare.tokens[0].label
        found = self._candidates(label, line.col, restart=len(bare.tokens) > 1)
        note = self._note
        if note is not None:
            in_list = (note.list_last is not None and label == wl.next_label(note.list_last)
                       and abs(line.col - note.list_col) <= 2)
            # A note's own list sits at its text column (`Note 1   1.A.2. does not apply to:`
            # / `a. …`), or at the label column of a Technical Note whose text starts on the
            # next line; only a label left of that can continue the tree.
            inside = max(note.col + 2, (note.text_col or note.col) - 1)
            if in_list or line.col >= inside or not found:
                self._note_text(line)
                note.list_min_col = min(note.list_min_col, line.col)
                if in_list or note.list_last is None or line.col <= note.list_col:
                    note.list_last, note.list_col = label, line.col
                return
            self._close_note()
        if not found:
            self._warn(f"label {label!r} fits nowhere under {self.chain[-1].code}; "
                       "kept as its text")
            self.chain[-1].parts.append(line.text)
            return
        self._place(found[0][1], bare, line)

    def _note_line(self, start: wl.NoteStart, line: Line) -> None:
        note = self._note
        if note is not None and line.col > note.col + 1 \
                and line.col >= min((note.text_col or note.col) - 1, note.list_min_col):
            self._note_text(line)  # a note inside the note (`N.B.` under `Note 1`)
            return
        self._close_note()
        self._open_note(start, line)

    # -- result ----------------------------------------------------------------------------

    def finish(self) -> list[ParsedEntry]:
        self._line = None
        self._close_all()
        if self._pending:
            self._warn(f"caption(s) {self._pending!r} after the last entry")
        out: list[ParsedEntry] = []
        for position, node in enumerate(self.nodes.values()):
            text = join_lines(node.parts)
            out.append(ParsedEntry(
                code=node.code, parent=node.parent.code if node.parent else None,
                path=node.path(), kind=node.kind, heading=node.heading or heading_of(text),
                text=text, language=self.language, notes=tuple(node.notes),
                status=status_of(text) if node.kind in ("entry", "item") else "active",
                position=position))
        return out
