"""Category, product-group, ECCN and EAR99 headings, and the HD1-HD3 sub-headings between them."""

from __future__ import annotations

from nlp.model import EntryStatus, NoteKind
from nlp.parse.ecfr_xml import labels
from nlp.parse.ecfr_xml.state import State
from nlp.parse.ecfr_xml.tree import Node


class Headings(State):
    """Opens categories, product groups and ECCNs; keeps sub-headings as notes."""

    def _hd1(self, text: str) -> None:
        section = labels.section_of(text)
        if section is not None:
            self._set_section(section)
        elif m := labels.CATEGORY.match(text):
            self._reset(group=True)
            self.category = self._add(Node(m.group(1), None, "category", m.group(2), [text]))
        elif self.category is not None and (m := labels.GROUP.match(text)):
            self._group(self.category, m.group(1), m.group(2), text)
        elif self.category is not None and labels.CATEGORY_PART.match(text):
            self._reset(group=True)
            self.category.new_note("other", "Part", text)
            self.parted.add(self.category.code)
        elif self.group is not None and labels.ROMAN_HEADING.match(text):
            self._reset()
            self.group.new_note("other", "Heading", text)
        elif self.category is not None and labels.ANNEX.match(text):
            self._reset(group=True)
            self.annex = self.category.new_note("other", text)
        else:
            self._warn(f"unrecognised HD1 heading {text[:80]!r}")

    def _group(self, category: Node, letter: str, heading: str, text: str) -> None:
        self._reset(group=True)
        code = category.code + letter
        status: EntryStatus = "reserved" if heading.endswith("[Reserved]") else "active"
        if code in self.tree and category.code in self.parted:
            # Category 5 repeats groups A-E for Part 2 ("Information Security"): one node each.
            self.group = self.tree.get(code)
            self.group.new_note("other", "Heading", text)
            self.stats["merged_groups"] += 1
        else:
            self.group = self._add(Node(code, category.code, "group", heading, [text], status))

    def _subheading(self, tag: str, text: str) -> None:
        if self.annex is not None:
            self.annex.add(text)
        elif self.eccn is not None:
            self.eccn.new_note("other", "Heading", text)
            self.last_note = None
        elif tag == "HD3" and self.category is not None:
            # Category 4 ends with a free-standing "Technical Note on 'APP'" after EAR99.
            kind: NoteKind = "technical-note" if "technical note" in text.lower() else "other"
            self.annex = self.category.new_note(kind, text)
        else:
            self._warn(f"{tag} {text[:80]!r} outside an ECCN")

    def _eccn(self, text: str) -> None:
        code = text[:5]  # the caller matched labels.ECCN on the bold lead this text starts with
        heading = text[len(code) :].strip()
        status: EntryStatus = "reserved" if labels.RESERVED.match(heading) else "active"
        parent = self.group
        if parent is None or parent.code != code[:2]:
            self._warn(f"ECCN {code} outside its product group {code[:2]}")
            parent = self.group or self.category
        self._reset()
        self.section = "header"
        parent_code = parent.code if parent else None
        self.eccn = self._add(Node(code, parent_code, "entry", heading, [text], status))

    def _ear99(self, text: str) -> None:
        if self.category is None:
            self._warn("EAR99 paragraph before any category")
            return
        self._reset(group=True)
        self.category.new_note("other", "EAR99", text)
