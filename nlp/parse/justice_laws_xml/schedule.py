"""The list itself: one language's `<Schedule>` turned into group, entry and item nodes.

Inside the schedule everything is flat and in document order: level-1 headings open a group,
level-2/3 headings are sub-group titles (not nodes; they travel with the items as notes), labelled
`<Provision>`s are items and unlabelled ones the group's own text. Sub-levels are nested
`<Provision>`s; an unlabelled nested one reading "NOTE"/"NOTA :" holds notes on its parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from nlp.model import EntryKind, EntryStatus, Note, ParsedEntry
from nlp.parse.justice_laws_xml.render import first_sentence, is_only_repealed, render_inline

_GROUP_LABEL = re.compile(r"^GROUPE?\s+(\d+)$", re.IGNORECASE)
_ITEM_LABEL = re.compile(r"^(\d{4}|\d+-\d+)$")
# "(a)", "(1)", "(iv)", "(A)", "(IV)"; French writes paragraphs as "a)".
_SUB_LABEL = re.compile(r"^\(?([0-9]+|[a-z]+|[A-Z]+)\)$")
_NOTE_HEAD = re.compile(r"^(NOTES?|NOTA)\b\s*:?\s*(.*)$", re.IGNORECASE)
_SKIPPED = frozenset({"ScheduleFormHeading", "HistoricalNote", "Footnote"})
_PROVISION_META = frozenset({"HistoricalNote", "Footnote"})


@dataclass
class _Node:
    code: str
    path: tuple[str, ...]
    kind: EntryKind
    heading: str = ""
    text: str = ""
    status: EntryStatus = "active"
    notes: list[Note] = field(default_factory=list)


@dataclass
class _Context:
    """Where the walk is: the open group and the sub-group titles in force."""

    group: _Node | None = None
    level2: str = ""
    level3: str = ""
    # A sub-group title seen since the last item: the title of the next item if it has no text.
    fresh_title: str = ""


class ScheduleWalker:
    """Collects the nodes of one language's schedule; `entries()` returns them in order."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.warnings: list[str] = []
        self._nodes: dict[str, _Node] = {}
        self._ctx = _Context()

    def walk(self, schedule: etree._Element) -> None:
        for child in schedule:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == "Heading":
                self._heading(child)
            elif tag == "Provision":
                self._top_provision(child)
            else:
                self._warn("schedule", f"unexpected element <{tag}> ignored")

    def entries(self) -> list[ParsedEntry]:
        return [
            ParsedEntry(
                code=node.code,
                parent=node.path[-2] if len(node.path) > 1 else None,
                path=node.path,
                kind=node.kind,
                heading=node.heading,
                text=node.text,
                language=self.language,
                notes=tuple(node.notes),
                status=node.status,
                position=position,
            )
            for position, node in enumerate(self._nodes.values())
        ]

    # -- top level -------------------------------------------------------------------------

    def _heading(self, heading: etree._Element) -> None:
        ctx = self._ctx
        here = f"heading after {ctx.group.code}" if ctx.group is not None else "heading"
        level = heading.get("level")
        label = self._render_child(heading, "Label", here)
        title_el = heading.find("TitleText")
        title = self._render_child(heading, "TitleText", here)
        match = _GROUP_LABEL.match(label) if level == "1" else None
        if match:
            node = self._add(f"group-{match.group(1)}", (), "group")
            node.heading = title
            if title_el is not None and is_only_repealed(title_el):
                node.status = "repealed"
                node.text = title
            self._ctx = _Context(group=node)
            return
        if level not in ("1", "2", "3"):
            self._warn(here, f"heading level {level!r} ({title!r}) "
                       "treated as a sub-group title")
        elif level == "1":
            self._warn(here, f"level-1 heading without a GROUP label ({label!r} {title!r}) "
                       "treated as a sub-group title")
        if label and level != "1":
            self._warn(here, f"sub-group heading has a label {label!r}; kept in its title")
            title = f"{label} {title}"
        if ctx.group is None:
            self._warn(here, f"sub-group title {title!r} before any GROUP heading")
        if level == "3":
            ctx.level3 = title
        else:
            ctx.level2, ctx.level3 = title, ""
        ctx.fresh_title = title

    def _top_provision(self, provision: etree._Element) -> None:
        ctx = self._ctx
        label = self._render_child(provision, "Label", "item")
        if not label:
            self._group_text(provision)
            return
        code = re.sub(r"\s+", "", label)
        if not _ITEM_LABEL.match(code):
            self._warn(code, "item label does not look like 5101, 3-01 or 9-3; kept as is")
        parent_path = ctx.group.path if ctx.group is not None else ()
        if ctx.group is None:
            self._warn(code, "item before any GROUP heading; it has no parent")
        node = self._add(code, parent_path, "entry")
        self._fill(node, provision)
        subgroups = " > ".join(t for t in (ctx.level2, ctx.level3) if t)
        if subgroups:
            node.notes.insert(0, Note(kind="other", label="Heading", text=subgroups))
        if not node.heading:
            node.heading = ctx.fresh_title or self._first_child_heading(node)
        ctx.fresh_title = ""

    def _group_text(self, provision: etree._Element) -> None:
        group = self._ctx.group
        if group is None:
            self._warn("schedule", "unlabelled provision before any GROUP heading ignored: "
                                   + first_sentence(self._own_text(provision, "schedule")))
            return
        if group.text or any(n.path[:-1] == group.path for n in self._nodes.values()):
            self._warn(group.code, "second unlabelled group provision; its text is appended")
        self._fill(group, provision, keep_heading=True)

    # -- provisions ------------------------------------------------------------------------

    def _fill(self, node: _Node, provision: etree._Element, *, keep_heading: bool = False) -> None:
        """Give `node` the provision's own text, status and notes, and add its sub-levels."""
        text = self._own_text(provision, node.code)
        if text:
            node.text = f"{node.text} {text}".strip() if node.text else text
        if not keep_heading and not node.heading:
            node.heading = first_sentence(text)
        texts = [t for t in provision if t.tag == "Text"]
        if len(texts) == 1 and is_only_repealed(texts[0]):
            node.status = "repealed"
        for child in provision:
            tag = child.tag
            if not isinstance(tag, str) or tag in ("Label", "Text") or tag in _PROVISION_META:
                continue
            if tag == "Provision":
                self._sub_provision(child, node)
            else:
                self._warn(node.code, f"unexpected element <{tag}> in a provision ignored")

    def _sub_provision(self, provision: etree._Element, parent: _Node) -> None:
        label = self._render_child(provision, "Label", parent.code)
        if not label:
            self._unlabelled_sub(provision, parent)
            return
        compact = re.sub(r"\s+", "", label)
        match = _SUB_LABEL.match(compact)
        if match:
            suffix = f"({match.group(1)})"
        else:
            suffix = f"({compact.strip('()')})"
            self._warn(parent.code, f"unrecognised sub-level label {label!r}; coded {suffix}")
        node = self._add(parent.code + suffix, parent.path, "item")
        self._fill(node, provision)

    def _unlabelled_sub(self, provision: etree._Element, parent: _Node) -> None:
        text = self._own_text(provision, parent.code)
        match = _NOTE_HEAD.match(text)
        if match is None:
            self._warn(parent.code, "unlabelled sub-provision that is not a NOTE; "
                                    "its text is appended to the parent's")
            parent.text = f"{parent.text} {self._flatten(provision, parent.code)}".strip()
            return
        base = match.group(1).upper()
        if match.group(2):
            parent.notes.append(Note(kind="note", label=base, text=match.group(2)))
        for child in provision:
            if child.tag == "Provision":
                number = self._render_child(child, "Label", parent.code).strip("()")
                label = f"{base} {number}" if number else base
                parent.notes.append(Note(kind="note", label=label,
                                         text=self._flatten(child, parent.code, with_label=False)))
            elif isinstance(child.tag, str) and child.tag not in ("Text", *_PROVISION_META):
                self._warn(parent.code, f"unexpected element <{child.tag}> in a NOTE ignored")
        if not match.group(2) and not provision.findall("Provision"):
            self._warn(parent.code, "empty NOTE")

    def _flatten(self, provision: etree._Element, where: str, *, with_label: bool = True) -> str:
        """A provision and its sub-levels as one text (for notes, which are not nodes)."""
        parts: list[str] = []
        label = self._render_child(provision, "Label", where)
        if with_label and label:
            parts.append(label)
        parts.append(self._own_text(provision, where))
        parts.extend(self._flatten(c, where) for c in provision if c.tag == "Provision")
        return " ".join(p for p in parts if p)

    # -- helpers ---------------------------------------------------------------------------

    def _add(self, code: str, parent_path: tuple[str, ...], kind: EntryKind) -> _Node:
        existing = self._nodes.get(code)
        if existing is not None:
            # Codes are unique in a consolidated regulation; a repeat is a real duplicate.
            self._warn(code, "code occurs twice; the second occurrence is merged into the first")
            return existing
        node = _Node(code=code, path=(*parent_path, code), kind=kind)
        self._nodes[code] = node
        return node

    def _own_text(self, provision: etree._Element, where: str) -> str:
        texts = [t for t in provision if t.tag == "Text"]
        if len(texts) > 1:
            self._warn(where, f"{len(texts)} <Text> elements in one provision; joined")
        rendered = (render_inline(t, self.warnings, self._where(where)) for t in texts)
        return " ".join(r for r in rendered if r)

    def _first_child_heading(self, node: _Node) -> str:
        for other in self._nodes.values():
            if other.path[:-1] == node.path and other.text:
                return first_sentence(other.text)
        return ""

    def _render_child(self, element: etree._Element, tag: str, where: str) -> str:
        child = element.find(tag)
        return render_inline(child, self.warnings, self._where(where)) if child is not None else ""

    def _where(self, code: str) -> str:
        return f"{self.language} {code}"

    def _warn(self, code: str, message: str) -> None:
        self.warnings.append(f"{self._where(code)}: {message}")
