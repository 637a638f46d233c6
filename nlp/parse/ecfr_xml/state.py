"""The walker's state: where in the CCL it is, and the helpers every step shares."""

from __future__ import annotations

from collections import Counter

from nlp.parse.ecfr_xml.tree import Node, NoteBuf, Tree


class State:
    """Position in the tree (category › group › ECCN › item) and in the ECCN's sections.

    `section` is "" outside an ECCN, "header" between an ECCN header and its first section title,
    then a section title ("License Requirements", ..., "List of Items Controlled"), and "items"
    once the "Items:" marker or the first item is passed.
    """

    def __init__(self) -> None:
        self.tree = Tree()
        self.warnings: list[str] = []
        self.stats: Counter[str] = Counter()
        self.category: Node | None = None
        self.group: Node | None = None
        self.eccn: Node | None = None
        self.item: Node | None = None
        self.section = ""
        self.section_note: NoteBuf | None = None
        self.last_note: NoteBuf | None = None
        self.annex: NoteBuf | None = None
        self.parted: set[str] = set()  # categories split into "Part 1"/"Part 2" (Category 5)
        self.synthetic: set[str] = set()
        self.marked: set[str] = set()  # ECCNs that print an "Items:" marker

    def _warn(self, message: str) -> None:
        where = self.item or self.eccn or self.group or self.category
        self.warnings.append(f"{where.code if where else 'Supp. No. 1'}: {message}")

    def _target(self) -> Node | None:
        return self.item or self.eccn or self.group or self.category

    def _reset(self, *, group: bool = False) -> None:
        if group:
            self.group = None
        self.eccn = self.item = None
        self.section = ""
        self.section_note = self.last_note = self.annex = None

    def _add(self, node: Node) -> Node:
        try:
            return self.tree.add(node)
        except KeyError:
            self._warn(f"duplicate code {node.code}; merged into the first occurrence")
            existing = self.tree.get(node.code)
            existing.text_parts.extend(node.text_parts)
            return existing

    def _set_section(self, name: str) -> None:
        if self.eccn is None:
            self._warn(f"section title {name!r} outside an ECCN")
            return
        self.item = None
        self.section = name
        self.section_note = self.last_note = None

    def _section_line(self, text: str) -> None:
        assert self.eccn is not None
        if not text:
            return
        if self.section_note is None:
            self.section_note = self.eccn.new_note("other", self.section)
        self.section_note.add(text)
        self.last_note = self.section_note

    def _note_lists(self) -> bool:
        """True if the last note introduces a list ("does not control the following:")."""
        note = self.last_note
        return note is not None and any(line.endswith(":") for line in note.lines)
