"""Mutable provision nodes collected while walking a part, frozen into ParsedEntry at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.model import EntryKind, EntryStatus, Note, NoteKind, ParsedEntry
from nlp.parse.justice_laws_xml.render import first_sentence
from nlp.parse.node_path import code_path


@dataclass
class Node:
    code: str
    parent: Node | None
    kind: EntryKind
    heading: str
    position: int
    texts: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    status: EntryStatus = "active"

    def add_text(self, text: str) -> None:
        if text:
            self.texts.append(text)

    def add_note(self, kind: NoteKind, label: str, text: str) -> None:
        if text or label:
            self.notes.append(Note(kind, label, text))

    @property
    def path(self) -> tuple[str, ...]:
        return code_path(self)

    def freeze(self, language: str) -> ParsedEntry:
        text = "\n".join(self.texts)
        heading = self.heading or first_sentence(" ".join(self.texts)) or self.code
        status = self.status
        if status == "active" and text.strip().lower() in ("[reserved]", "[reserved].") and not self.notes:
            status = "reserved"
        return ParsedEntry(code=self.code, parent=self.parent.code if self.parent else None,
                           path=self.path, kind=self.kind, heading=heading, text=text,
                           language=language, notes=tuple(self.notes), status=status,
                           position=self.position)


class Nodes:
    """Nodes by code, in document order; a repeated code is merged and reported."""

    def __init__(self) -> None:
        self.by_code: dict[str, Node] = {}
        self.warnings: list[str] = []

    def add(self, code: str, parent: Node | None, kind: EntryKind, heading: str) -> Node:
        existing = self.by_code.get(code)
        if existing is not None:
            self.warnings.append(f"{code}: printed twice; the second text is added to the first")
            return existing
        node = Node(code, parent, kind, heading, len(self.by_code))
        self.by_code[code] = node
        return node

    def get(self, code: str) -> Node | None:
        return self.by_code.get(code)

    def freeze(self, language: str) -> tuple[ParsedEntry, ...]:
        return tuple(n.freeze(language) for n in self.by_code.values())
