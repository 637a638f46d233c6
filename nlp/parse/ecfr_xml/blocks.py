"""NOTE blocks, tables and images: what attaches to the node the walker is on."""

from __future__ import annotations

from lxml import etree

from nlp.parse.ecfr_xml import labels, markup
from nlp.parse.ecfr_xml.inline import render_clean, table_rows
from nlp.parse.ecfr_xml.items import Items
from nlp.parse.ecfr_xml.tree import NoteBuf


class Blocks(Items):
    """Attaches NOTE blocks, tables and images to the current node."""

    def _note(self, el: etree._Element) -> None:
        hed = el.find("HED")
        head = labels.note_head(render_clean(hed) if hed is not None else "")
        if self.annex is not None:
            self.annex.add(head.label)
            for child in el:
                if child.tag != "HED":
                    self.annex.add(render_clean(child))
            return
        target = self._target()
        if target is None:
            self._warn("NOTE before any category")
            return
        note: NoteBuf | None = target.new_note(head.kind, head.label)
        self.stats["notes"] += 1
        for child in el:
            if child.tag == "HED":
                continue
            text = render_clean(child)
            if self._item_inside_note(child, text):
                target, note = self._target() or target, None
                continue
            sub = markup.note_label(child)
            if sub is not None and (note is None or note.lines):
                # One NOTE block can carry "Note 2:", "Note 3:" paragraphs after "Note 1".
                note = target.new_note(sub.kind, sub.label)
                self.stats["notes"] += 1
                text = markup.after_label(text)
            elif note is None:
                note = target.new_note("note", "")
                self.stats["unlabelled_notes"] += 1
            note.add(text)
        self.last_note = note

    def _item_inside_note(self, child: etree._Element, text: str) -> bool:
        """A plain item paragraph the markup put inside a NOTE (6A002 "a.3."): take it out."""
        if self.eccn is None or self.section != "items" or child.tag != "P" or markup.is_italic(child):
            return False
        label = labels.item_label(text)
        if label is None:
            return False
        self._warn(f"item {label} printed inside a NOTE block; taken as an item")
        self._item(text, label)
        return True

    def _table(self, el: etree._Element) -> None:
        caption, rows = table_rows(el)
        self.stats["tables"] += 1
        if self.eccn is not None and self.section == "License Requirements":
            if self.section_note is None:
                self.section_note = self.eccn.new_note("other", self.section)
            for row in rows:
                if row.header and row.cells[0].lower().startswith("control"):
                    continue  # "Control(s) | Country Chart (See Supp. No. 1 to part 738)"
                self.section_note.add(" — ".join(c for c in row.cells if c))
            self.last_note = self.section_note
            return
        target = self._target()
        if target is None:
            self._warn("table before any category")
            return
        note = target.new_note("other", caption or "Table")
        for row in rows:
            note.add(" | ".join(row.cells))
        self.last_note = note
        self.stats["other_tables"] += 1

    def _image(self, el: etree._Element) -> None:
        # Formula images carry no text; keep a pointer so the reader knows something is there.
        marker = f"[image: {el.get('src', '?')}]"
        self.stats["images"] += 1
        if self.last_note is not None:
            self.last_note.add(marker)
        elif (target := self._target()) is not None:
            target.add_text(marker)
