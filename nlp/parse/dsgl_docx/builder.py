"""Turn the DSGL's flat paragraph sequence into the tree of categories, groups, entries and items.

Paragraph styles in the DSGL are applied inconsistently (item text in note styles, whole regions
of Category 5 in `Normal`), so a style is only a hint. What decides where a labelled paragraph
goes is whether its label continues a sequence: the open item path of the current entry
("b", "7", "b" -> next "c" or "8" or "c"...), or the list inside the open note.
"""

from __future__ import annotations

import re
from collections import Counter

from nlp.model import EntryKind, EntryStatus, Note, NoteKind, ParsedEntry
from nlp.parse.dsgl_docx import patterns as pt
from nlp.parse.dsgl_docx.container import Block
from nlp.parse.dsgl_docx.nodes import NodeBuf, NoteBuf, note_subject
from nlp.parse.text import clean_text


def _status(text: str) -> EntryStatus:
    if pt.NOT_USED.match(text):
        return "not-used"
    if pt.RESERVED.match(text):
        return "reserved"
    if pt.REPEALED.match(text):
        return "repealed"
    return "active"


def _item_candidates(path: list[str], label: str) -> list[int]:
    levels = [k for k in range(1, len(path) + 1)
              if pt.label_kind(path[k - 1]) == pt.label_kind(label)
              and pt.next_label(path[k - 1]) == label]
    if pt.is_first_label(label) and pt.item_level_ok(path, len(path) + 1, label):
        levels.append(len(path) + 1)
    return levels


def _is_caps_subheading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (len(letters) >= 4 and not any(c.islower() for c in letters)
            and not any(c.isdigit() for c in text) and len(text) <= 120)


class TreeBuilder:
    def __init__(self, language: str) -> None:
        self.language = language
        self.nodes: dict[str, NodeBuf] = {}
        self.order: list[NodeBuf] = []
        self.warnings: list[str] = []
        self.stats: Counter[str] = Counter()
        self.section = "front"  # front -> part1a -> ml -> dual -> done
        self.title = ""
        self.dated: tuple[str, str, str] | None = None
        self.category: NodeBuf | None = None
        self.entry: NodeBuf | None = None
        self.current: NodeBuf | None = None
        self.item_path: list[str] = []
        self.note: NoteBuf | None = None
        self.untrusted_styles: set[str] = set()
        self.run_owner: NodeBuf | None = None
        self.note_seq = 0
        self.annex: NoteBuf | None = None
        self.annex_target: NodeBuf | None = None
        self.block: Block | None = None

    # -- helpers -------------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        where = self.block.where if self.block is not None else "document"
        if self.note is not None and self.note.owner is not None:
            at = f" in {self.note.label} of {self.note.owner.code}"
        elif self.annex is not None and self.annex.owner is not None:
            at = f" in {self.annex.label[:40]!r} of {self.annex.owner.code}"
        else:
            at = f" under {self.current.code}" if self.current is not None else ""
        self.warnings.append(f"{where}{at}: {message}")

    def node(self, code: str, parent: NodeBuf | None, kind: EntryKind, heading: str = "") -> NodeBuf:
        existing = self.nodes.get(code)
        if existing is not None:
            return existing
        path = (*parent.path, code) if parent is not None else (code,)
        buf = NodeBuf(code, parent.code if parent else None, path, kind, heading, len(self.order))
        self.nodes[code] = buf
        self.order.append(buf)
        self.stats[kind] += 1
        return buf

    def next_seq(self) -> int:
        self.note_seq += 1
        return self.note_seq

    def close_note(self) -> None:
        if self.note is not None:
            self.settle(self.note)
        self.note = None

    def set_current(self, node: NodeBuf) -> None:
        self.close_note()
        self.current = node
        self.run_owner = None

    # -- block dispatch ------------------------------------------------------------------------

    def feed(self, block: Block) -> None:
        self.block = block
        if block.rows is not None:
            self.table(block)
            return
        text = block.text
        if self.section in ("ml", "dual"):
            self.stats["superscripts"] += block.superscripts
        if block.style.startswith("ActHead"):
            self.heading(clean_text(text), block.style)
            return
        if self.section == "front":
            self.front_matter(block)
            return
        if self.section == "part1a":
            if block.style == "Definition" and text.strip():
                self.stats["definitions_part1a"] += 1
            return
        if self.section == "done" or not text.strip():
            return
        self.content(block)
        for problem in block.problems:
            self.warn(problem)

    def front_matter(self, block: Block) -> None:
        if block.style == "ShortT" and not self.title:
            self.title = clean_text(block.text)
        m = pt.DATED.match(block.text)
        if m and self.dated is None:
            self.dated = (m.group(1), m.group(2), m.group(3))

    def heading(self, text: str, style: str) -> None:
        self.annex = None
        self.close_note()
        part = pt.ACT_PART.match(text)
        if part:
            which = part.group(1)
            if which == "1A":
                self.section = "part1a"
            elif which == "1":
                self.section = "ml"
                self.category = self.node("ML", None, "category", "Munitions List")
                self.set_current(self.category)
            else:
                self.section = "dual"
                self.category = None
                self.close_note()
                self.current = None
                self.run_owner = None
            self.entry = None
            self.item_path = []
            return
        if self.section not in ("ml", "dual"):
            return
        cat = pt.ACT_CATEGORY.match(text)
        if self.section == "dual" and cat:
            self.category = self.node(cat.group(1), None, "category", clean_text(cat.group("title")))
            self.set_current(self.category)
            self.entry = None
            self.item_path = []
            return
        if style in ("ActHead 2", "ActHead 3", "ActHead 6"):
            # The Sensitive / Very Sensitive lists and Schedule 1 repeat or amend Part 2: not ours.
            self.section = "done"
            return
        self.warn(f"unexpected heading {text[:80]!r} ignored")

    def content(self, block: Block) -> None:
        text = block.text
        stripped = clean_text(text)
        if self.structure_line(text):
            self.annex = None
            return
        if pt.TABLE_HEAD.match(stripped) or block.style == "DL0ATableHead":
            self.start_annex(stripped, block.style)
            return
        if self.annex is not None:
            label = f"{block.auto_label} " if block.auto_label else ""
            self.annex.lines.append(label + stripped)
            return
        marker = pt.note_marker(text)
        if marker is not None:
            self.open_note(marker, block.style)
            if block.numbered:
                self.warn(f"auto-number {block.auto_label or ''!s} on a {marker.label} paragraph ignored")
            return
        if pt.CATEGORY_PART.match(stripped) and self.category is not None:
            # "Part 2 — “INFORMATION SECURITY”": the notes that follow are about the category.
            self.stats["category_parts"] += 1
            self.set_current(self.category)
            self.entry = None
            self.item_path = []
            return
        if _is_caps_subheading(stripped) and not pt.LABEL.match(text):
            self.stats["subheadings"] += 1
            self.close_note()
            return
        labels, rest = self.own_labels(block)
        if labels:
            self.labelled(block, labels, rest)
            return
        line = ("• " if block.numbering_note == "bullet" else "") + stripped
        if self.note is not None:
            self.note.lines.append(line)
        else:
            self.append_text(line)

    def structure_line(self, text: str) -> bool:
        """Entry, full-path and group lines; True if `text` was one."""
        if self.section == "ml":
            m = pt.ML_ENTRY.match(text)
            if m:
                self.full_path(f"ML{m.group(1)}", "ML", None, text[m.end():])
            return m is not None
        m = pt.DUAL_ENTRY.match(text)
        if m:
            code = f"{m.group(1)}{m.group(2)}{m.group(3)}"
            self.full_path(code, m.group(1), f"{m.group(1)}{m.group(2)}", text[m.end():])
            return True
        m = pt.DUAL_ENTRY_NO_CATEGORY.match(text)
        if m and self.category is not None and self.category.code.isdigit():
            cat = self.category.code
            self.warn(f"full path without its category digit read as {cat}{m.group(1)}{m.group(2)}")
            self.full_path(f"{cat}{m.group(1)}{m.group(2)}", cat, f"{cat}{m.group(1)}",
                           text[m.end() - 1:])
            return True
        g = pt.DUAL_GROUP.match(text)
        if g:
            self.group(g.group(1), g.group(2), clean_text(g.group("title")))
            return True
        return False

    def own_labels(self, block: Block) -> tuple[list[str], str]:
        """The paragraph's labels: usually one ("a."), sometimes two ("1.\ta.\tVoltage …")."""
        m = pt.LABEL.match(block.text)
        if m:
            if block.auto_label:
                self.stats["auto_numbered_with_text_label"] += 1
            labels, rest = [m.group(1)], block.text[m.end():]
        elif block.auto_label:
            am = pt.AUTO_LABEL.match(block.auto_label)
            if not am:
                self.warn(f"auto-number {block.auto_label!r} is not a list label; kept as text")
                return [], block.text
            self.stats["auto_numbered"] += 1
            labels, rest = [am.group(1)], block.text
        else:
            if block.numbered and block.numbering_note != "bullet":
                self.warn(f"auto-numbered paragraph without a derivable label ({block.numbering_note})")
            return [], block.text
        more, rest = pt.path_labels(rest)
        return labels + more, rest

    # -- structure -----------------------------------------------------------------------------

    def group(self, cat: str, letter: str, title: str) -> None:
        category = self.nodes.get(cat)
        if category is None or category is not self.category:
            self.warn(f"group {cat}{letter} outside its category heading")
            category = self.node(cat, None, "category")
        code = f"{cat}{letter}"
        existing = self.nodes.get(code)
        if existing is not None:
            if existing.heading != title:
                self.warn(f"group {code} re-opened with another title {title!r}")
            self.stats["groups_reopened"] += 1
        grp = self.node(code, category, "group", title)
        self.set_current(grp)
        self.entry = None
        self.item_path = []

    def full_path(self, code: str, cat: str, group: str | None, rest: str) -> None:
        """An entry line, or a full-path re-opening such as `0.\tA.\t001.\tj.\t…`."""
        labels, rest = pt.path_labels(rest)
        text = clean_text(rest)
        if (self.note is not None and self.entry is not None and self.entry.code == code
                and len(labels) == 1 and self.note.list_path and self.note.fit(labels[0])
                and not _item_candidates(self.item_path, labels[0])):
            # e.g. "ML910.\t\te.\ttranquilliser guns;" is item e. of the Note's list, typed as a path.
            self.warn(f"full path {code}.{labels[0]} continues the note's list, kept in the note")
            self.note_line(self.note, labels, f"{labels[0]}. {text}", self.note.fit(labels[0]))
            return
        parent = self.nodes.get(cat)
        if parent is None:
            self.warn(f"{code} appears before its category heading")
            parent = self.node(cat, None, "category")
        if group is not None:
            grp = self.nodes.get(group)
            if grp is None:
                self.warn(f"{code} appears before its group heading {group}")
                grp = self.node(group, parent, "group")
            parent = grp
        existed = code in self.nodes
        entry = self.node(code, parent, "entry")
        if self.entry is not entry:
            self.untrusted_styles = set()
        self.entry = entry
        if not labels:
            self.set_current(entry)
            self.item_path = []
            if existed and entry.texts and text:
                self.warn(f"entry {code} occurs twice; texts merged")
            if text:
                entry.texts.append(text)
            self.stats["entry_lines"] += 1
            return
        if not existed:
            self.stats["entries_opened_by_item_path"] += 1
        self.open_item(labels, text)
        self.stats["full_path_lines"] += 1

    def open_item(self, labels: list[str], text: str, inline: int = 1) -> None:
        """Open the item `labels` below the current entry; the last `inline` labels were printed
        together on this paragraph ("1.\ta.\tVoltage …" opens 1. and 1.a.)."""
        assert self.entry is not None
        parent = self.entry
        for depth in range(1, len(labels)):
            code = f"{self.entry.code}.{'.'.join(labels[:depth])}"
            existing = self.nodes.get(code)
            if existing is None:
                if depth <= len(labels) - inline:
                    self.warn(f"item {code} is missing; created empty to hold its sub-items")
                else:
                    self.stats["items_opened_inline"] += 1
                existing = self.node(code, parent, "item")
            parent = existing
        code = f"{self.entry.code}.{'.'.join(labels)}"
        existed = code in self.nodes
        item = self.node(code, parent, "item")
        if existed and item.texts and text:
            self.warn(f"item {code} occurs twice; texts merged")
        if text:
            item.texts.append(text)
        self.item_path = list(labels)
        self.set_current(item)

    def labelled(self, block: Block, labels: list[str], rest: str) -> None:
        label = labels[0]
        line = f"{'. '.join(labels)}. {clean_text(rest)}"
        note = self.note
        if note is not None:
            depth = note.fit(label)
            if depth is None:
                # A Technical Note or N.B. inside a Note's list interrupts it: "a. … Technical
                # Note: … b. …" continues the Note, not the Technical Note.
                earlier = self.earlier_note_fitting(label)
                if earlier is not None:
                    note, depth = earlier, earlier.fit(label)
            if pt.is_noteish_style(block.style):
                self.note_line(note, labels, line, depth)
                return
            other_item_style = pt.is_item_style(block.style) and block.style != note.style
            if depth is not None and not other_item_style:
                self.note_line(note, labels, line, depth)
                return
        if self.entry is None:
            self.warn(f"list paragraph {label}. outside any entry; kept as text")
            self.append_text(line)
            return
        candidates = _item_candidates(self.item_path, label)
        hint = pt.style_level(block.style)
        if hint is not None and len(candidates) == 1 and hint != candidates[0]:
            # Styles are often copied down a whole list; once one misleads, ignore it here.
            self.untrusted_styles.add(block.style)
        trusted = hint is not None and block.style not in self.untrusted_styles
        if candidates:
            level = hint if trusted and hint in candidates else max(candidates)
        elif (hint and 1 <= hint <= len(self.item_path) + 1
              and pt.item_level_ok(self.item_path, hint, label)):
            level = hint
            self.warn(f"label {label}. does not continue {'.'.join(self.item_path) or 'the entry'};"
                      f" placed at depth {hint} after its style {block.style!r}")
        else:
            self.warn(f"label {label}. fits neither the item sequence "
                      f"{'.'.join(self.item_path) or '(none)'} nor a note; kept as text")
            if self.note is not None:
                self.note.lines.append(line)
            else:
                self.append_text(line)
            return
        self.open_item([*self.item_path[: level - 1], *labels], clean_text(rest), len(labels))

    def earlier_note_fitting(self, label: str) -> NoteBuf | None:
        owner = self.note.owner if self.note is not None else None
        if owner is None:
            return None
        for note in reversed(owner.notes):
            if note is self.note:
                continue
            if note.list_path and note.fit(label) is not None:
                return note
        return None

    # -- notes, text, tables -------------------------------------------------------------------

    def open_note(self, marker: pt.NoteMarker, style: str) -> None:
        self.close_note()
        # A run of notes stays together: once one moved to the node it names, the next follow.
        target = self.run_owner or self.current or self.category
        if target is None:
            self.warn(f"{marker.label} before any list node; dropped")
            return
        note = NoteBuf(marker.kind, marker.label, style, owner=target, entry=self.entry,
                       seq=self.next_seq(), known_nodes=len(self.order))
        target.notes.append(note)
        self.note = note
        self.stats["notes"] += 1
        rest = clean_text(marker.rest)
        if rest:
            note.lines.append(rest)

    def note_line(self, note: NoteBuf, labels: list[str], line: str, depth: int | None) -> None:
        if depth is not None:
            note.list_path = [*note.list_path[: depth - 1], *labels]
        if note is not self.note:
            self.close_note()
        note.lines.append(line)
        self.note = note

    def settle(self, note: NoteBuf) -> None:
        """Move a finished note to the node it names (see `note_subject`); its successors in the
        same run of notes follow it there."""
        if note.settled:
            return
        note.settled = True
        target = note_subject(note, self.nodes)
        if target is None or note.owner is None or target is note.owner:
            return
        note.owner.notes.remove(note)
        target.notes.append(note)
        note.owner = target
        self.run_owner = target
        self.stats["notes_moved_to_named_node"] += 1

    def append_text(self, line: str) -> None:
        if self.current is None:
            self.warn(f"text outside any list node dropped: {line[:60]!r}")
            return
        self.current.texts.append(line)

    def start_annex(self, heading: str, style: str) -> None:
        """A block of `TABLE —` / technical-note headings at the end of a category.

        "TABLE — DEPOSITION TECHNIQUES" follows 2E301 but belongs to the item that announces "the
        following table" (2E003.f); a technical note such as Category 4's on "APP" is about the
        whole category. Each heading becomes one note; the paragraphs after it are its text.
        """
        if self.annex is None:
            target: NodeBuf | None = None
            is_table = bool(pt.TABLE_HEAD.match(heading))
            for buf in reversed(self.order):
                if self.category is None or buf.path[0] != self.category.code:
                    break
                if re.search(r"following\s+table", " ".join(buf.texts), re.IGNORECASE):
                    target = buf
                    break
            if target is None or not is_table:
                if is_table:
                    self.warn(f"{heading[:60]!r}: no item announces this table; "
                              f"attached to the category")
                target = self.category or self.current
            self.annex_target = target
        if self.annex_target is None:
            self.warn(f"{heading[:60]!r} outside any category; dropped")
            return
        upper = heading.upper()
        kind: NoteKind = ("technical-note" if "TECHNICAL NOTE" in upper
                          else "note" if upper.endswith("NOTES") else "other")
        self.annex = NoteBuf(kind, heading, style, owner=self.annex_target, seq=self.next_seq())
        self.annex_target.notes.append(self.annex)
        self.close_note()
        self.stats["table_annex_blocks"] += 1

    def table(self, block: Block) -> None:
        if self.section not in ("ml", "dual"):
            return
        assert block.rows is not None
        lines = [" | ".join(c for c in (clean_text(x) for x in row) if c) for row in block.rows]
        lines = [ln for ln in lines if ln]
        self.stats["tables"] += 1
        if self.annex is not None:
            self.annex.lines.extend(lines)
            return
        self.warn("table outside a table section; attached to the node above as a note")
        target = self.current or self.category
        if target is not None:
            target.notes.append(NoteBuf("other", "Table", "", lines, seq=self.next_seq()))

    # -- result --------------------------------------------------------------------------------

    def entries(self) -> list[ParsedEntry]:
        self.close_note()
        out: list[ParsedEntry] = []
        for buf in self.order:
            text = clean_text(" ".join(buf.texts))
            heading = buf.heading or pt.split_sentence(text)
            notes = tuple(Note(n.kind, n.label, clean_text(" ".join(n.lines)))
                          for n in sorted(buf.notes, key=lambda n: n.seq))
            status: EntryStatus = _status(text) if buf.kind in ("entry", "item") else "active"
            out.append(ParsedEntry(
                code=buf.code, parent=buf.parent, path=buf.path, kind=buf.kind, heading=heading,
                text=text, language=self.language, notes=notes, status=status,
                position=buf.position,
            ))
        return out
