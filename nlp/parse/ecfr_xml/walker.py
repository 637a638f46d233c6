"""A state machine over the flat children of Supplement No. 1 to Part 774 (the CCL).

The supplement is a flat run of `HD1`/`FP-2`/`FP-1`/`FP`/`P`/`NOTE`/`DIV` siblings: the hierarchy
(category › product group › ECCN › cumulative item labels) lives only in the text, so each element
is classified by what it says, in the context of what came before.
"""

from __future__ import annotations

from lxml import etree

from nlp.parse.ecfr_xml import labels, markup
from nlp.parse.ecfr_xml.blocks import Blocks
from nlp.parse.ecfr_xml.headings import Headings
from nlp.parse.ecfr_xml.inline import render_clean
from nlp.parse.ecfr_xml.tree import Node

_LICENSE_SECTIONS = frozenset({
    "License Requirements",
    "List Based License Exceptions",
    "Special Conditions for STA",
    "Reporting Requirements",
})
# Layout and metadata: the amendment link under the heading, source citations, editorial notes.
_DROPPED = {"XREF", "CITA", "EDNOTE", "HEAD"}


class Walker(Headings, Blocks):
    """Walks Supplement No. 1 once, in document order, building the tree in `self.tree`."""

    def walk(self, supp: etree._Element) -> None:
        self.marked = markup.eccns_with_items_marker(supp)
        for el in supp:
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag in markup.PARAGRAPHS:
                self._paragraph(el)
            elif tag == "NOTE":
                self._note(el)
            elif tag == "DIV":
                self._table(el)
            elif tag == "HD1":
                self._hd1(render_clean(el))
            elif tag in ("HD2", "HD3"):
                self._subheading(tag, render_clean(el))
            elif tag == "img":
                self._image(el)
            elif tag in _DROPPED:
                self.stats[f"dropped_{tag.lower()}"] += 1
            elif tag:
                self._warn(f"unrecognised element <{tag}>")

    def _paragraph(self, el: etree._Element) -> None:
        text = render_clean(el)
        if not text:
            return
        lead = markup.bold_lead(el)
        if labels.ECCN.match(lead):
            self._eccn(text)
            return
        if lead.startswith("EAR99"):
            self._ear99(text)
            return
        if self.annex is not None:
            self.annex.add(text)
        elif self.eccn is None:
            self._outside_eccn(el, text)
        else:
            self._in_eccn(el, text)

    def _outside_eccn(self, el: etree._Element, text: str) -> None:
        target = self._target()
        if target is not None and markup.is_italic(el):
            self._italic(el, text, target)
        else:
            self._warn(f"paragraph outside any ECCN: {text[:80]!r}")

    def _in_eccn(self, el: etree._Element, text: str) -> None:
        assert self.eccn is not None
        section = labels.section_of(text)
        if section is not None:
            self._set_section(section)
            return
        lead = markup.italic_lead(el)
        if lead and (section := labels.section_of(lead)) is not None:
            # "<E T="04">List of Items Controlled</E> a. Materials …" (9C610): title and item.
            self._set_section(section)
            rest = text[len(lead) :].strip()
            if section in _LICENSE_SECTIONS:
                self._section_line(rest)
            else:
                self._in_eccn_text(rest, lead_label=None)
            return
        if m := labels.RELATED.match(text):
            label = "Related Controls" if m.group("what").lower().startswith("control") else (
                "Related Definitions"
            )
            self.section = "List of Items Controlled"
            self.item = self.section_note = None
            self.last_note = self.eccn.new_note("related", label, text[m.end() :])
            return
        if self.section in _LICENSE_SECTIONS:
            self._license_line(el, text)
            return
        if (m := labels.ITEMS_MARKER.match(text)) and markup.leading_child(el, "I") is not None:
            self._items_marker(text[m.end() :])
            return
        if markup.is_italic(el):
            self._italic(el, text, self.item or self.eccn)
            return
        if (head := markup.note_label(el)) is not None:
            # "<I>Note:</I> plain text" after an item: a note, though only its label is italic.
            self.last_note = (self.item or self.eccn).new_note(
                head.kind, head.label, markup.after_label(text)
            )
            return
        # Run-in labels are italic ("<I>Unit:</I>"), once plain ("Unit: $ value." in 5A980).
        run_in = labels.GENERIC_LABEL.match(lead or text)
        self._in_eccn_text(text, lead_label=run_in.group(1) if run_in else None)

    def _in_eccn_text(self, text: str, lead_label: str | None) -> None:
        """A plain (not italic) paragraph inside an ECCN, past the section and note checks."""
        assert self.eccn is not None
        if not text:
            return
        label = self._label_of(text)
        if label is not None and (
            self.section == "items" or not (self.eccn.code in self.marked or self._note_lists())
        ):
            if self.section != "items":
                self.stats["items_without_marker"] += 1
            self._item(text, label)
        elif self.section == "header" and labels.REASON.match(text):
            # A few ECCNs (3A001, 6A003, 9B004, ...) omit the "License Requirements" title.
            self._set_section("License Requirements")
            self._section_line(text)
        elif lead_label is not None and self.section == "List of Items Controlled":
            # "Unit: $ value.", "ECCN Controls: This entry does not control …"
            body = text[len(lead_label) :].lstrip(" :")
            self.last_note = self.eccn.new_note("other", lead_label, body)
        else:
            self._plain(text)

    def _license_line(self, el: etree._Element, text: str) -> None:
        assert self.eccn is not None
        head = markup.note_label(el)
        if head is not None:
            self.last_note = self.eccn.new_note(head.kind, head.label, markup.after_label(text))
            return
        note = self.last_note
        if markup.is_italic(el) and note is not None and note is not self.section_note:
            note.add(text)
            return
        self._section_line(text)

    def _items_marker(self, rest: str) -> None:
        assert self.eccn is not None
        self.section = "items"
        self.item = self.last_note = None
        if not rest:
            return
        if (label := labels.item_label(rest)) is not None:
            self._item(rest, label)
        else:
            self.last_note = self.eccn.new_note("other", "Items", rest)

    def _italic(self, el: etree._Element, text: str, target: Node) -> None:
        head = markup.note_label(el)
        if head is not None:
            self.last_note = target.new_note(head.kind, head.label, markup.after_label(text))
        elif text in ("or", "and") and target is self.item:
            target.add_text(text)  # an italic conjunction between items (1C116.b.1 "or" b.2)
        elif self.last_note is not None:
            self.last_note.add(text)
        else:
            # Notes are set in italics; an italic paragraph with no label is a note all the same.
            self.last_note = target.new_note("note", "", text)
            self.stats["unlabelled_notes"] += 1

    def _plain(self, text: str) -> None:
        assert self.eccn is not None
        if self.section == "header":
            self.eccn.add_text(text)
            self.stats["eccn_body_paragraphs"] += 1
        elif self.section == "items" and self.item is not None and self.last_note is None:
            self.item.add_text(text)
            self.stats["item_continuations"] += 1
        elif self.section == "items" and self.item is None:
            # "The list of items controlled is contained in the ECCN heading." after "Items:"
            self.last_note = self.eccn.new_note("other", "Items", text)
        elif self.last_note is not None:
            self.last_note.add(text)
            self.stats["note_continuations"] += 1
        else:
            self._warn(f"unlabelled paragraph in {self.section or 'ECCN'}: {text[:80]!r}")
            (self.item or self.eccn).add_text(text)
