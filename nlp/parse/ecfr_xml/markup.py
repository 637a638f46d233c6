"""Predicates on GPO paragraph markup: bold headers, italic run-in labels, all-italic notes."""

from __future__ import annotations

from lxml import etree

from nlp.parse.ecfr_xml import labels
from nlp.parse.ecfr_xml.inline import render_clean

PARAGRAPHS = frozenset({"P", "FP", "FP-1", "FP-2"})
# GPO typeface codes the CCL uses for italics besides <I>: 03 (bold italic), 04 (italic).
_ITALIC_E = frozenset({"03", "04"})
_NEUTRAL = frozenset({"E", "SU", "FR", "br"})


def bold_lead(el: etree._Element) -> str:
    """The bold run an ECCN header opens with (only `FP-1`/`FP-2` can be headers)."""
    if el.tag not in ("FP-1", "FP-2"):
        return ""
    bold = leading_child(el, "B")
    return render_clean(bold) if bold is not None else ""


def italic_lead(el: etree._Element) -> str:
    lead = leading_child(el, "I")
    if lead is None:
        lead = leading_child(el, "E")
    return render_clean(lead) if lead is not None else ""


def is_items_marker(el: etree._Element) -> bool:
    return leading_child(el, "I") is not None and bool(labels.ITEMS_MARKER.match(italic_lead(el)))


def eccns_with_items_marker(supp: etree._Element) -> set[str]:
    marked: set[str] = set()
    code = ""
    for el in supp:
        if m := labels.ECCN.match(bold_lead(el)):
            code = m.group()
        elif code and el.tag in PARAGRAPHS and is_items_marker(el):
            marked.add(code)
    return marked


def leading_child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child if it has tag `tag` and nothing but whitespace precedes it."""
    if (el.text or "").strip() or len(el) == 0:
        return None
    first = el[0]
    return first if first.tag == tag else None


def is_italic(el: etree._Element) -> bool:
    """True if all the words of a paragraph are set in italics (how the CCL prints notes)."""
    if any(ch.isalnum() for ch in el.text or ""):
        return False
    seen = False
    for child in el:
        if any(ch.isalnum() for ch in child.tail or ""):
            return False
        if child.tag == "I" or (child.tag == "E" and child.get("T") in _ITALIC_E):
            seen = seen or any(ch.isalnum() for ch in "".join(child.itertext()))
        elif child.tag not in _NEUTRAL:
            return False
    return seen


def note_label(el: etree._Element) -> labels.NoteHead | None:
    """The note heading of a paragraph that opens with an italic "Note 2:" / "N.B.:" label."""
    lead = leading_child(el, "I")
    if lead is None:
        lead = leading_child(el, "E")
    if lead is None:
        return None
    m = labels.NOTE_LABEL.match(render_clean(lead))
    return labels.note_head(m.group("label")) if m else None


def after_label(text: str) -> str:
    m = labels.NOTE_LABEL.match(text)
    return text[m.end() :].strip() if m else text
