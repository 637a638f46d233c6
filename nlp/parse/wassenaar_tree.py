"""Building the Wassenaar code tree from labelled lines; shared by the .doc and the PDF parsers.

Wassenaar codes are dotted paths of labels: dual-use `3.A.1.a.1` (category, group, entry, then
alternating letters and numbers), munitions `ML8.a.17` (entry, then letters and numbers). Both
layouts print a full path only at the start of a block and bare labels (`a.`, `9.`) after it, so
a parser needs to know which label may come next at which depth: `Scheme` says which labels are
valid at a depth, `Tree` keeps the nodes and the last child of each, `fit` says how a bare label
fits under a parent. Note headers (`Note 1`, `N.B.`, `Technical Notes cont.`) are recognised by
`match_note_header`; `subject_node` picks the node a note belongs to.

Use: `tree = Tree("en")`; `tree.root("ML", "Munitions List")` for the munitions root; for a full
path `nodes = tree.path(DUAL_USE, ["3", "A", "1"], where)`; for a bare label at depth d under
`parent`, check `fit(parent.last_child, label)` and `scheme.label_ok(d, label)`, then
`node, created = tree.child(DUAL_USE, parent, label, d)`; `node.add_text(line)`,
`node.note(kind, label).add(text)`; finally `tree.entries()` (positions in creation order).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from nlp.model import EntryKind, EntryStatus, Note, NoteKind, ParsedEntry
from nlp.parse.node_path import code_path
from nlp.parse.text import clean_text

_DIGITS = re.compile(r"\d{1,3}")
# Sub-item letters run a..z, then aa, bb, ... (ML8 stabilisers go past z).
_LETTERS = re.compile(r"([a-z])\1?")
_GROUP = re.compile(r"[A-E]")
_CATEGORY = re.compile(r"\d")
_ML_ENTRY = re.compile(r"ML\d{1,2}")


@dataclass(frozen=True)
class Scheme:
    """Which label is valid at which depth (1 = first label of a full path) and what it makes.

    `root` is a node above the depth-1 labels (the munitions list "ML"), or None when the depth-1
    label is itself the top node (a dual-use category).
    """

    name: Literal["dual-use", "munitions"]
    root: str | None

    def label_ok(self, depth: int, label: str) -> bool:
        if depth < 1:
            return False
        if self.name == "dual-use":
            if depth == 1:
                return bool(_CATEGORY.fullmatch(label))
            if depth == 2:
                return bool(_GROUP.fullmatch(label))
            if depth == 3:
                return bool(_DIGITS.fullmatch(label))
            pattern = _LETTERS if depth % 2 == 0 else _DIGITS
            return bool(pattern.fullmatch(label))
        if depth == 1:
            return bool(_ML_ENTRY.fullmatch(label))
        pattern = _LETTERS if depth % 2 == 0 else _DIGITS
        return bool(pattern.fullmatch(label))

    def kind(self, depth: int) -> EntryKind:
        if self.name == "dual-use":
            return ("category", "group", "entry")[depth - 1] if depth <= 3 else "item"
        return "entry" if depth == 1 else "item"

    def code(self, labels: Sequence[str]) -> str:
        return ".".join(labels)


DUAL_USE = Scheme("dual-use", None)
MUNITIONS = Scheme("munitions", "ML")


def split_label(token: str) -> str | None:
    """`"a."` -> `"a"`, `"17. "` -> `"17"`, `"ML8."` -> `"ML8"`; None if the token is no label."""
    token = token.strip()
    if not token.endswith(".") or len(token) > 6:
        return None
    label = token[:-1]
    if _DIGITS.fullmatch(label) or _LETTERS.fullmatch(label) or _GROUP.fullmatch(label):
        return label
    if _ML_ENTRY.fullmatch(label):
        return label
    return None


def label_rank(label: str) -> int | None:
    """Position of a label in its sequence (1 for `a`, `1`, `A`), to compare siblings."""
    if label.isdigit():
        return int(label)
    if label.startswith("ML"):
        return int(label[2:])
    if _LETTERS.fullmatch(label):
        return (ord(label[0]) - ord("a") + 1) + 26 * (len(label) - 1)
    if _GROUP.fullmatch(label):
        return ord(label) - ord("A") + 1
    return None


Fit = Literal["first", "next", "gap"]


def fit(previous: str | None, label: str) -> Fit | None:
    """How `label` follows the last child label `previous` of the same parent.

    "first": no child yet and the label starts a sequence; "next": the direct successor;
    "gap": a later label (labels skipped; the source sometimes drops a deleted item entirely);
    None: a repeat or a step back, so the line is not the next sibling.
    """
    rank = label_rank(label)
    if rank is None:
        return None
    if previous is None:
        return "first" if rank == 1 else "gap"
    prev_rank = label_rank(previous)
    if prev_rank is None or not _same_sequence(previous, label):
        return None
    if rank == prev_rank + 1:
        return "next"
    return "gap" if rank > prev_rank else None


def _same_sequence(a: str, b: str) -> bool:
    return a.isdigit() == b.isdigit() and a[:2].isupper() == b[:2].isupper()


# ----------------------------------------------------------------------------------------- notes

@dataclass(frozen=True)
class NoteHeader:
    kind: NoteKind
    label: str  # as printed, without "cont." and trailing colon
    continued: bool  # "Note 2 cont.", "Technical Notes (cont.)": more of an earlier note
    rest: str  # text after the header on the same line

    @property
    def base(self) -> str:
        """The label without its subject: `Note 3 to 6.A.3.b.4.b.` -> `Note 3`."""
        return base_label(self.label)


def base_label(label: str) -> str:
    return re.sub(r"\s+to\s.*$", "", label).rstrip(".")


_NOTE_HEADER = re.compile(
    r"""^(?P<label>
          Technical\ Notes?
        | N\.\s?B\.(?:\s?\d+\.?)?
        | Notes?(?:\s?\d+)?(?:\ to\ [^\t]+?)?
        )
        (?P<cont>\s*\(?\s*cont(?:d|inued)?\.?\s*\)?)?
        :?\s*\(?\s*
        (?:\t(?P<rest>.*))?$""",
    re.VERBOSE,
)


def match_note_header(line: str) -> NoteHeader | None:
    """Recognise `Note\\t…`, `Note 1\\t…`, `N.B.2.\\t…`, `Technical Notes`, `Note 2 cont.`.

    `line` is the line without its leading indentation. A header is the label alone on the line
    or followed by a TAB; "Note that …" in running text is not a header.
    """
    m = _NOTE_HEADER.match(line.rstrip())
    if m is None:
        return None
    label = re.sub(r"\s+", " ", m.group("label")).strip()
    kind: NoteKind
    if label.startswith("Technical"):
        kind = "technical-note"
    elif label.startswith("N."):
        kind = "nb"
        label = re.sub(r"^N\.\s?B\.", "N.B.", label)
    else:
        kind = "note"
    return NoteHeader(kind, label, m.group("cont") is not None, (m.group("rest") or "").strip())


_SUBJECT = re.compile(
    r"""^(?:Item\s+)?
    (\d\.\s?[A-E](?:\.\s?[a-z0-9]{1,3})*      # 1.A.2, 3.A.1.a.1.c
    | ML\.?\s?\d{1,2}(?:\.[a-z0-9]{1,3})*)     # ML8.h, ML.8.f.17.b (sic)
    \.?(?=[\s,]|$)""",
    re.VERBOSE,
)


def note_subject(text: str) -> str | None:
    """The code a note names as its subject: `1.A.2. does not apply …` -> "1.A.2",
    `Item ML.8.f.17.b. includes:` -> "ML8.f.17.b"; None if the note starts otherwise."""
    m = _SUBJECT.match(text.strip())
    if m is None:
        return None
    return re.sub(r"\s", "", m.group(1)).replace("ML.", "ML")


def subject_node(tree: Tree, node: Node, text: str) -> Node:
    """The node a note attaches to: the node above it, or the node the note names if that is
    in the same entry (`Note 1  1.A.2. does not apply …` printed after 1.A.2.b.2 belongs to
    1.A.2; `Note  1.A.2.b.1. does not apply …` after 1.A.2.b.2 to 1.A.2.b.1)."""
    code = note_subject(text)
    named = tree.nodes.get(code) if code is not None else None
    if named is None:
        return node
    entry = _entry_of(node)
    if named in _ancestors(node) or (entry is not None and entry in _ancestors(named)):
        return named
    return node


def _ancestors(node: Node) -> list[Node]:
    out: list[Node] = []
    current: Node | None = node
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def _entry_of(node: Node) -> Node | None:
    return next((n for n in _ancestors(node) if n.kind == "entry"), None)


_NOT_USED = re.compile(r"(?:^|[-\u2013\u2014]\s*)Not used(?: since \d{4})?\b")


# A subheading kept only to say that nothing is controlled under it: "6.B.3. CAMERAS - None".
_NONE = re.compile(r"[A-Z][A-Z ,/&()'’-]*[A-Z)]\s*[-\u2013\u2014]\s*None\.?")


def status_of(text: str) -> EntryStatus:
    """`Not used since 2010` (alone or after a subheading: `RADAR - Not used since 2004`);
    `CAMERAS - None` is a placeholder that controls nothing: reserved."""
    if _NOT_USED.search(text):
        return "not-used"
    return "reserved" if _NONE.fullmatch(text.strip()) else "active"


HEADING_MAX = 200


def heading_of(first_line: str) -> str:
    """The first sentence of a node's first line, at most HEADING_MAX characters."""
    text = clean_text(first_line)
    m = re.search(r"(?<=[.;:])\s+(?=[A-Z\"'])", text)
    if m is not None and m.start() <= HEADING_MAX:
        text = text[: m.start()]
    if len(text) <= HEADING_MAX:
        return text
    cut = text.rfind(" ", 0, HEADING_MAX - 1)
    return text[: cut if cut > 0 else HEADING_MAX - 1].rstrip() + "\u2026"


# ------------------------------------------------------------------------------------------ tree

@dataclass
class NoteDraft:
    kind: NoteKind
    label: str
    parts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text.strip():
            self.parts.append(text)

    def freeze(self) -> Note:
        return Note(self.kind, self.label, clean_text(" ".join(self.parts)))


@dataclass
class Node:
    code: str
    label: str
    depth: int  # 0 for a root above the labels, else the label depth in its scheme
    kind: EntryKind
    parent: Node | None
    heading: str = ""
    parts: list[str] = field(default_factory=list)
    notes: list[NoteDraft] = field(default_factory=list)
    last_child: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return code_path(self)

    def add_text(self, text: str) -> None:
        if not text.strip():
            return
        if not self.parts and not self.heading:
            self.heading = heading_of(text)
        self.parts.append(text)

    def text(self) -> str:
        return clean_text(" ".join(self.parts))

    def note(self, kind: NoteKind, label: str) -> NoteDraft:
        draft = NoteDraft(kind, label)
        self.notes.append(draft)
        return draft


class Tree:
    """The nodes of one language of one Wassenaar list, in document order, codes unique."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.nodes: dict[str, Node] = {}
        self.warnings: list[str] = []

    def root(self, code: str, heading: str, kind: EntryKind = "category") -> Node:
        node = self.nodes.get(code)
        if node is None:
            node = Node(code, code, 0, kind, None, heading=heading)
            self.nodes[code] = node
        return node

    def child(self, scheme: Scheme, parent: Node | None, label: str, depth: int) -> tuple[Node, bool]:
        """The node `label` under `parent` (None: at the top), created if new; True if created.

        A parent's `last_child` only moves forward, so that a full path restarting an earlier
        node (`ML8.\\ta.\\t17.` after ML8.a.16) does not rewind the sibling sequence.
        """
        if parent is None and scheme.root is not None:
            parent = self.root(scheme.root, "")
        code = scheme.code([*(_labels_of(parent) if parent is not None else []), label])
        node = self.nodes.get(code)
        created = node is None
        if node is None:
            node = Node(code, label, depth, scheme.kind(depth), parent)
            self.nodes[code] = node
        if parent is not None:
            prev = parent.last_child
            prev_rank = label_rank(prev) if prev is not None else None
            rank = label_rank(label)
            if prev_rank is None or (rank is not None and rank > prev_rank):
                parent.last_child = label
        return node, created

    def path(self, scheme: Scheme, labels: Sequence[str], where: str) -> list[Node]:
        """The nodes of a full path, creating missing ancestors (with a warning: a full path
        normally follows the lines of its ancestors)."""
        nodes: list[Node] = []
        parent: Node | None = None
        for depth, label in enumerate(labels, start=1):
            node, created = self.child(scheme, parent, label, depth)
            if created and depth < len(labels):
                self.warnings.append(
                    f"{where}: {node.code} never appears itself; created as the parent of "
                    f"{scheme.code(labels)}"
                )
            nodes.append(node)
            parent = node
        return nodes

    def entries(self) -> tuple[ParsedEntry, ...]:
        out: list[ParsedEntry] = []
        for position, node in enumerate(self.nodes.values()):
            text = node.text()
            out.append(
                ParsedEntry(
                    code=node.code,
                    parent=node.parent.code if node.parent is not None else None,
                    path=node.path,
                    kind=node.kind,
                    heading=node.heading,
                    text=text,
                    language=self.language,
                    notes=_unique_notes(node.notes),
                    status=status_of(text),
                    position=position,
                )
            )
        return tuple(out)


def _unique_notes(drafts: list[NoteDraft]) -> tuple[Note, ...]:
    """Frozen notes without empty ones (a `Note 2 cont.` header whose text went elsewhere) and
    without repeats (the same footnote printed on two pages)."""
    out: list[Note] = []
    for draft in drafts:
        note = draft.freeze()
        if note.text and note not in out:
            out.append(note)
    return tuple(out)


def _labels_of(node: Node) -> list[str]:
    labels: list[str] = []
    current: Node | None = node
    while current is not None and current.depth > 0:
        labels.append(current.label)
        current = current.parent
    return list(reversed(labels))
