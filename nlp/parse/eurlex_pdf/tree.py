"""Annex I content lines -> a tree of categories, groups, entries and items with their notes.

The layout is the only structure the PDF has. A line's level comes from its column (columns are
normalised per page by `pages`), checked against the labels: an item must be the successor of an
open item's last child (`b` after `a`) or open a new level (`a`, `1`). Where the two disagree the
labels win, because pdftotext's columns drift by a character or two while a label sequence never
skips. Notes are indented under the node they qualify and keep their own lists (`a.`, `1.`); a
note ends at a label that continues the item structure rather than the note's own list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.model import EntryKind, Note, NoteKind
from nlp.parse.eurlex_pdf import labels as lb
from nlp.parse.eurlex_pdf.pages import CODE_COL, CodeLine, Continuation, Footnote, Item, Line
from nlp.parse.eurlex_pdf.reflow import Vocabulary, join_lines
from nlp.parse.eurlex_pdf.table import TableBlock
from nlp.parse.node_path import code_path

# The end of a note's text that announces a list; `the following;` is a misprint of 6A008.k.2.
LEAD_IN = re.compile(r"(?::|\bfollow(?:ing|s)[;,]?)$")
# Columns drift by one character (right-aligned `10.` against `9.`, justified lines).
TOL = 1


@dataclass
class NoteBuf:
    kind: NoteKind
    label: str
    owner: Node
    heading_col: int
    body_col: int  # column of the note's first text (same line or the next)
    lines: list[str] = field(default_factory=list)
    # Open levels of the note's own list: (label, label column, text column).
    items: list[tuple[str, int, int]] = field(default_factory=list)

    def to_note(self, words: Vocabulary) -> Note:
        return Note(self.kind, self.label, join_lines(self.lines, words))


@dataclass
class Node:
    code: str
    kind: EntryKind
    parent: Node | None
    label: str  # item label ("a", "1"); the code for other kinds
    text_col: int
    lineno: int
    lines: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    last_child: str | None = None  # label of the last item child
    last_child_col: int = 0  # its label column
    not_used: bool = False
    heading: str | None = None  # categories and groups: their printed title

    @property
    def path(self) -> tuple[str, ...]:
        return code_path(self)


class TreeBuilder:
    """Feed it the items of `pages.annex_i` in order; read `nodes` and `warnings` afterwards."""

    def __init__(self, words: Vocabulary) -> None:
        self.words = words
        self.nodes: list[Node] = []
        self.by_code: dict[str, Node] = {}
        self.warnings: list[str] = []
        self.category: Node | None = None
        self.group: Node | None = None
        self.stack: list[Node] = []  # the open entry, then its open items, deepest last
        self.note: NoteBuf | None = None
        self.subpart: str | None = None  # "Part 2" inside Category 5
        self.table: TableBlock | None = None
        self.block: NoteBuf | None = None  # a capitals-headed note block at category level
        self.title_open = False  # the category heading may wrap onto the next line
        self.prev: Line | None = None
        self.tables = 0

    # ---- helpers -------------------------------------------------------------------------------

    def warn(self, where: str, lineno: int, message: str) -> None:
        self.warnings.append(f"{where} (line {lineno}): {message}")

    def where(self) -> str:
        if self.stack:
            return self.stack[-1].code
        node = self.group or self.category
        return node.code if node else "Annex I"

    def add(self, node: Node) -> Node:
        if node.code in self.by_code:
            self.warn(node.code, node.lineno, "code printed twice; text merged into the first")
            return self.by_code[node.code]
        self.nodes.append(node)
        self.by_code[node.code] = node
        return node

    def open_nodes(self) -> list[Node]:
        """Every node a line can belong to, outermost first."""
        out = [n for n in (self.category, self.group) if n is not None]
        return out + self.stack

    def close_note(self) -> None:
        if self.note is not None:
            note = self.note
            if note.owner.kind == "category" and self.subpart:
                note.label = f"{self.subpart}, {note.label}"
            note.owner.notes.append(note.to_note(self.words))
            self.note = None

    def close_block(self) -> None:
        if self.block is not None:
            self.block.owner.notes.append(self.block.to_note(self.words))
            self.block = None
        if self.table is not None:
            self.finish_table(self.table)
            self.table = None

    def close_entry(self) -> None:
        self.close_note()
        self.close_block()
        self.stack = []

    # ---- dispatch ------------------------------------------------------------------------------

    def feed(self, item: Item) -> None:
        if isinstance(item, CodeLine):
            self.title_open = False
            self.code_line(item)
        elif isinstance(item, Continuation):
            self.continuation(item)
        elif isinstance(item, Footnote):
            self.footnote(item)
        else:
            self.line(item)
            self.prev = item

    def finish(self) -> None:
        self.close_entry()

    # ---- structural lines ----------------------------------------------------------------------

    def code_line(self, item: CodeLine) -> None:
        self.close_entry()
        self.prev = None
        if lb.GROUP_CODE.match(item.code):
            self.group_line(item)
        else:
            self.entry_line(item)

    def group_line(self, item: CodeLine) -> None:
        cat = self.category
        if cat is None or item.code[0] != cat.code:
            self.warn(item.code, item.lineno, f"group outside its category ({cat.code if cat else 'none'})")
        parent = cat
        node = Node(item.code, "group", parent, item.code, item.rest_col, item.lineno,
                    [item.rest] if item.rest else [], heading=item.rest)
        self.group = self.add(node)

    def entry_line(self, item: CodeLine) -> None:
        group = self.group
        if group is None or group.code[:2] != item.code[:2]:
            self.warn(item.code, item.lineno, f"entry outside its group ({group.code if group else 'none'})")
        node = self.add(Node(item.code, "entry", group, item.code, item.rest_col, item.lineno))
        self.stack = [node]
        first = lb.item_label(item.rest)
        if first is not None and lb.is_first(first.label):
            # `4E001   a. "Technology" …`: the entry has no title of its own.
            self.new_item(node, first, item.rest_col, item.lineno)
        elif item.rest:
            node.lines.append(item.rest)
            node.not_used = lb.is_not_used(item.rest)

    def category_heading(self, line: Line, num: str, title: str) -> None:
        self.close_entry()
        self.group = None
        self.subpart = None
        code = num
        node = Node(code, "category", None, code, 0, line.lineno, [title], heading=title)
        self.category = self.add(node)
        self.title_open = True

    # ---- page furniture ------------------------------------------------------------------------

    def continuation(self, item: Continuation) -> None:
        self.prev = None
        self.title_open = False
        if self.block is not None or self.table is not None:
            return
        if lb.GROUP_CODE.match(item.code):
            # `2B      5. (continued)`: inside the group's notes, which stay open.
            if self.group is None or self.group.code != item.code:
                self.warn(item.code, item.lineno, "continuation of a group that is not open")
            return
        if not self.stack or self.stack[0].code != item.code:
            self.warn(item.code, item.lineno,
                      f"continuation of {item.code} while {self.where()} is open")
            return
        path = [n.label for n in self.stack[1 : len(item.labels) + 1]]
        if path != list(item.labels):
            if self.note is None:
                self.warn(item.code, item.lineno,
                          f"continuation path {'.'.join(item.labels)} does not match open "
                          f"path {'.'.join(n.label for n in self.stack[1:])}")
            return
        depth = len(item.labels) + 1
        # The line shows where this page puts the path's columns; a page may indent a little
        # more or less than the one before.
        for k in range(depth):
            node = self.stack[k]
            if k < len(item.cols):
                node.text_col = item.cols[k]
            if k > 0:
                self.stack[k - 1].last_child_col = item.cols[k - 1]
        note = self.note
        if note is not None and note.owner in self.stack[:depth]:
            # The page goes on inside the note, whether or not the line names it: some lines
            # name a note that has ended (`2B006   b. Note:`), others omit one that goes on.
            self.stack = self.stack[:depth]
            return
        self.close_note()
        self.stack = self.stack[:depth]

    def footnote(self, item: Footnote) -> None:
        nodes = self.open_nodes()
        owner = self.note.owner if self.note else nodes[-1] if nodes else None
        if owner is None:
            self.warn("Annex I", item.lineno, "footnote outside any category")
            return
        owner.notes.append(Note("other", f"Footnote ({item.number})", join_lines([item.text])))

    # ---- content lines -------------------------------------------------------------------------

    def line(self, line: Line) -> None:
        text = line.text
        if lb.PART_LINE.match(text) or lb.CATEGORY_LINE.match(text):
            self.close_entry()
            self.title_open = False
            return
        m = lb.CATEGORY_HEADING.match(text)
        if m:
            self.category_heading(line, m["num"], m["title"])
            return
        if self.title_open and self.category is not None:
            if not any(ch.islower() for ch in text) and not lb.SUBPART_HEADING.match(text):
                self.category.lines.append(text)
                self.category.heading = join_lines(self.category.lines)
                return
            self.title_open = False
        sub = lb.SUBPART_HEADING.match(text)
        if sub and line.col > CODE_COL + 2 and self.category is not None:
            self.close_entry()
            self.group = None
            self.subpart = f"Part {sub['num']}"
            return
        if self.table is not None:
            self.table.add(line)
            return
        if text == "Table" and line.col > 30:
            self.close_notes()
            self.table = TableBlock(line.lineno)
            self.table.add(line)
            return
        if line.gap_before and lb.is_block_heading(text) and self.category is not None:
            self.close_notes()
            self.block = NoteBuf("technical-note" if "TECHNICAL" in text else "note",
                                 join_lines([text]), self.category, line.col, line.col)
            return
        if self.block is not None:
            self.block.lines.append(text)
            return
        self.content(line)

    def close_notes(self) -> None:
        """Close notes, blocks and tables but leave the entry open."""
        self.close_note()
        self.close_block()

    def content(self, line: Line) -> None:
        text = line.text
        title = lb.note_title(text)
        label = lb.item_label(text) if title is None else None
        if label is not None and not self.starts_item(line):
            label = None  # a wrapped line that happens to start with `1. ` or `a. `
        if title is not None:
            self.note_start(line, title)
        elif label is not None:
            self.label_line(line, label)
        else:
            self.text_line(line)

    def starts_item(self, line: Line) -> bool:
        prev = self.prev
        if line.gap_before or prev is None:
            return True
        return prev.text.endswith(":") or lb.note_title(prev.text) is not None

    # ---- notes ---------------------------------------------------------------------------------

    def note_start(self, line: Line, title: lb.NoteTitle) -> None:
        note = self.note
        if note is not None and line.col > note.heading_col + TOL and not lb.follows(
                note.label, title.label):
            # A note inside a note (`N.B.` under `Note:`) stays part of the outer note's text.
            note.lines.append(line.text)
            return
        self.close_note()
        owner = self.owner_for(line.col)
        if owner is None:
            self.warn("Annex I", line.lineno, f"note {title.label!r} outside any category")
            return
        body_col = line.col + title.rest_offset
        self.note = NoteBuf(title.kind, title.label, owner, line.col, body_col,
                            [title.rest] if title.rest else [])
        if not title.rest:
            self.note.body_col = -1  # set by the first body line

    def owner_for(self, col: int) -> Node | None:
        """The deepest open node whose text column is at or left of `col`."""
        nodes = self.open_nodes()
        for node in reversed(nodes):
            if node.text_col <= col + TOL:
                return node
        return nodes[0] if nodes else None

    def note_label(self, note: NoteBuf, line: Line, label: lb.Label) -> bool:
        """Whether a label line belongs to the open note's own list (and add it there)."""
        text_col = line.col + label.rest_offset
        for k in range(len(note.items) - 1, -1, -1):
            lab, lcol, tcol = note.items[k]
            if lb.successor(lab) == label.label and (
                abs(lcol - line.col) <= TOL or abs(tcol - text_col) <= TOL
            ):
                del note.items[k:]
                note.items.append((label.label, line.col, text_col))
                note.lines.append(line.text)
                return True
        if lb.is_first(label.label):
            # A list opens under the last list item's text, or after a lead-in ending in a colon
            # (`Note 1: … the following:`, `Technical Notes:`) at or right of the title's column.
            # There the items of the annotated node could also stand; without a lead-in such a
            # label is the node's next item, not the note's.
            last = note.lines[-1] if note.lines else ":"  # a title alone is a lead-in too
            if note.items and line.col >= note.items[-1][2] - TOL:
                pass
            elif LEAD_IN.search(last) and line.col >= note.heading_col - TOL:
                note.items = [it for it in note.items if it[1] < line.col - TOL]
            else:
                return False
            note.items.append((label.label, line.col, text_col))
            note.lines.append(line.text)
            return True
        return False

    # ---- items ---------------------------------------------------------------------------------

    def label_line(self, line: Line, label: lb.Label) -> None:
        if self.note is not None:
            placement = self.place(line, label)
            if self.note_label(self.note, line, label):
                return
            if placement is None:
                self.note.lines.append(line.text)
                self.warn(self.where(), line.lineno,
                          f"label {label.label}. fits neither the items nor the open note's list;"
                          " kept in the note")
                return
            self.close_note()
        placement = self.place(line, label)
        if placement is None:
            self.warn(self.where(), line.lineno, f"unexpected label {label.label}.; kept as text")
            self.text_line(line)
            return
        self.stack = self.stack[: self.stack.index(placement) + 1]
        self.new_item(placement, label, line.col, line.lineno)

    def place(self, line: Line, label: lb.Label) -> Node | None:
        """The parent of a new item, or None if the label fits nowhere."""
        if not self.stack:
            return None

        def fits(node: Node) -> bool:
            if node.last_child is None:
                return lb.is_first(label.label) and (
                    node.kind == "entry" or not lb.same_kind(node.label, label.label))
            return lb.successor(node.last_child) == label.label

        by_col = next((n for n in reversed(self.stack) if n.text_col <= line.col + TOL), None)
        if by_col is not None and fits(by_col):
            return by_col
        # Columns disagree with the labels: take the node the label continues whose last child
        # (or, for a first child, whose text) stands nearest to the label's column.
        candidates = [n for n in self.stack if fits(n)]
        if not candidates:
            return None

        def distance(node: Node) -> int:
            ref = node.last_child_col if node.last_child is not None else node.text_col
            return abs(ref - line.col)

        return min(reversed(candidates), key=distance)

    def new_item(self, parent: Node, label: lb.Label, col: int, lineno: int) -> None:
        code = f"{parent.code}.{label.label}"
        node = Node(code, "item", parent, label.label, col + label.rest_offset, lineno)
        parent.last_child = label.label
        parent.last_child_col = col
        self.stack.append(self.add(node))
        inner = lb.item_label(label.rest)
        if inner is not None and lb.is_first(inner.label) and not lb.same_kind(inner.label, label.label):
            # `1. a. Voltage rating …`: the first sub-item starts on its parent's line.
            self.new_item(node, inner, node.text_col, lineno)
        elif label.rest:
            node.lines.append(label.rest)
            node.not_used = lb.is_not_used(label.rest)

    def text_line(self, line: Line) -> None:
        note = self.note
        if note is not None:
            if note.body_col < 0:
                note.body_col = line.col
            if line.col >= note.heading_col - TOL:
                note.lines.append(line.text)
                return
            self.close_note()
        owner = self.owner_for(line.col)
        if owner is None:
            self.warn("Annex I", line.lineno, f"text outside any category: {line.text[:60]!r}")
            return
        if self.stack and owner is not self.stack[-1]:
            self.warn(owner.code, line.lineno, f"text after sub-items: {line.text[:60]!r}")
            self.stack = self.stack[: self.stack.index(owner) + 1] if owner in self.stack else []
        owner.lines.append(line.text)

    # ---- tables --------------------------------------------------------------------------------

    def finish_table(self, table: TableBlock) -> None:
        self.tables += 1
        owner = self.table_owner()
        if owner is None:
            owner = self.stack[-1] if self.stack else self.group or self.category
            if owner is None:
                self.warn("Annex I", table.lineno, "table outside any category; dropped")
                return
            self.warn(owner.code, table.lineno,
                      "no node refers to the following table; attached to the last node")
        rendered = table.render(self.words)
        self.warnings.extend(f"{owner.code}: {w}" for w in rendered.warnings)
        owner.lines.append(rendered.text)
        owner.notes.extend(rendered.notes)

    def table_owner(self) -> Node | None:
        """The latest node of the category whose text announces `the following table`."""
        cat = self.category
        for node in reversed(self.nodes):
            if node is cat:
                return None
            if "following table" in join_lines(node.lines).casefold():
                return node
        return None
