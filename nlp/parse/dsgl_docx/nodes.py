"""Mutable buffers for nodes and notes while the tree is built, and which node a note is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.model import EntryKind, NoteKind
from nlp.parse.dsgl_docx import patterns as pt


@dataclass
class NoteBuf:
    kind: NoteKind
    label: str
    style: str
    lines: list[str] = field(default_factory=list)
    list_path: list[str] = field(default_factory=list)
    owner: NodeBuf | None = None
    entry: NodeBuf | None = None  # the entry open when the note began
    seq: int = 0  # document order among notes
    known_nodes: int = 0  # nodes that existed when the note began
    settled: bool = False

    def expects_list(self) -> bool:
        return not self.lines or self.lines[-1].rstrip().endswith(":")

    def fit(self, label: str) -> int | None:
        """Depth at which `label` continues this note's own list, or None."""
        path = self.list_path
        for k in range(len(path), 0, -1):
            if pt.label_kind(path[k - 1]) == pt.label_kind(label) and pt.next_label(path[k - 1]) == label:
                return k
        if pt.is_first_label(label) and (path or self.expects_list()):
            return len(path) + 1
        return None


@dataclass
class NodeBuf:
    code: str
    parent: str | None
    path: tuple[str, ...]
    kind: EntryKind
    heading: str
    position: int
    texts: list[str] = field(default_factory=list)
    notes: list[NoteBuf] = field(default_factory=list)


# A code named in a note: "1C350 does not apply", "In 0A001.h.", "ML8.a.10."; not after "see".
_CODE_IN_TEXT = re.compile(
    r"(?<![\w.])(?P<see>(?:see|See|SEE)\s+(?:also\s+|ALSO\s+)?)?"
    r"(ML\d{1,3}|\d[A-E]\d{3})((?:\.(?:[a-z]{1,2}|\d{1,3})(?!\w))*)"
)


def _named_codes(text: str) -> list[str]:
    return [m.group(2) + "".join(f".{x}" for x in re.findall(r"[a-z]{1,2}|\d{1,3}", m.group(3)))
            for m in _CODE_IN_TEXT.finditer(text) if not m.group("see")]


def _named_code(text: str) -> str | None:
    codes = _named_codes(text)
    return codes[0] if codes else None


def note_subject(note: NoteBuf, nodes: dict[str, NodeBuf]) -> NodeBuf | None:
    """The node a finished note is about, if its text says so; None to leave it where it is.

    Notes often follow the last sub-item of what they qualify: "Note: 1C350 does not apply …"
    comes after 1C350.91, "Note: ML7.f.1. includes:" after ML7.f.3, "Note 1: ML7.b. and ML7.d.
    do not apply …" after ML7.i.2.c. Such a note belongs to the common ancestor of the nodes of
    its entry that it names: in its first line, or, for a list of technical notes ("1. For the
    purposes of 9E003.a.2.a., …", "2. … 9E003.a.2.d."), in the first line of each point. Only
    nodes that existed when the note began count. Cross-references ("see 0A001.e.") and N.B.s
    name other things.
    """
    owner, entry = note.owner, note.entry
    if note.kind == "nb" or owner is None or entry is None or entry.code not in owner.path:
        return None
    if not note.lines:
        return None
    if pt.LABEL.match(note.lines[0]):
        codes = [c for c in (_named_code(ln[:200]) for ln in note.lines if pt.LABEL.match(ln)) if c]
    else:
        codes = _named_codes(note.lines[0][:200])
    depth = len(entry.path)
    named = [node.path for node in (nodes.get(c) for c in codes)
             if node is not None and node.position < note.known_nodes
             and node.path[:depth] == entry.path]
    if not named:
        return None
    common = named[0]
    for path in named[1:]:
        k = 0
        while k < min(len(common), len(path)) and common[k] == path[k]:
            k += 1
        common = common[:k]
    return nodes[common[-1]]
