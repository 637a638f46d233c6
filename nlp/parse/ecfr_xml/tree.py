"""Mutable nodes collected while walking the CCL, frozen into ParsedEntry objects at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.model import EntryKind, EntryStatus, Note, NoteKind, ParsedEntry
from nlp.parse.text import clean_text

_HEADING_MAX = 200
# A sentence ends at ". " before a capital or an opening quote; not before "(", which follows
# abbreviations ("2 1/2 in. (3/8 in. pitch)").
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z“\"'])")


@dataclass
class NoteBuf:
    kind: NoteKind
    label: str
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        line = clean_text(line)
        if line:
            self.lines.append(line)

    def freeze(self) -> Note:
        return Note(kind=self.kind, label=self.label, text="\n".join(self.lines))


@dataclass
class Node:
    code: str
    parent: str | None
    kind: EntryKind
    heading: str
    text_parts: list[str]
    status: EntryStatus = "active"
    notes: list[NoteBuf] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        text = clean_text(text)
        if text:
            self.text_parts.append(text)

    def new_note(self, kind: NoteKind, label: str, first_line: str = "") -> NoteBuf:
        note = NoteBuf(kind, label)
        note.add(first_line)
        self.notes.append(note)
        return note


class Tree:
    """Nodes in document order, keyed by code (unique within the document)."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def __contains__(self, code: str) -> bool:
        return code in self.nodes

    def get(self, code: str) -> Node:
        return self.nodes[code]

    def add(self, node: Node) -> Node:
        if node.code in self.nodes:
            raise KeyError(node.code)
        self.nodes[node.code] = node
        return node

    def freeze(self, language: str) -> tuple[ParsedEntry, ...]:
        out: list[ParsedEntry] = []
        for position, node in enumerate(self.nodes.values()):
            out.append(
                ParsedEntry(
                    code=node.code,
                    parent=node.parent,
                    path=self._path(node),
                    kind=node.kind,
                    heading=node.heading,
                    text=clean_text(" ".join(node.text_parts)),
                    language=language,
                    notes=tuple(n.freeze() for n in node.notes),
                    status=node.status,
                    position=position,
                )
            )
        return tuple(out)

    def _path(self, node: Node) -> tuple[str, ...]:
        path = [node.code]
        parent = node.parent
        while parent is not None:
            path.append(parent)
            parent = self.nodes[parent].parent
        return tuple(reversed(path))


def first_sentence(text: str) -> str:
    """An item's heading: its first sentence, cut at a word boundary after ~200 characters."""
    text = clean_text(text)
    head = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(head) <= _HEADING_MAX:
        return head
    cut = head[:_HEADING_MAX].rsplit(" ", 1)[0]
    return cut + " …"
