"""GPO inline markup of EAR sections rendered to text, with italic runs marked.

Paragraph labels are text at the start of a `P` ("(a)", "(1)", and "(<I>1</I>)" for the fifth
level), and a run-in heading is an italic run straight after a label. Rendering italics between
two control characters keeps both visible to the label reader; `unmark` drops the marks.
"""

from __future__ import annotations

from lxml import etree

from nlp.parse.ecfr_xml.inline import append_superscript, strip_trailing_space
from nlp.parse.text import clean_text

ITALIC_ON = "\x01"
ITALIC_OFF = "\x02"
# GPO typeface codes: 03 bold italic, 04 italic, 7462 italic (Latin terms); 51/53 superscripts.
_ITALIC_E = frozenset({"03", "04", "7462"})
_SUPERSCRIPT_E = frozenset({"51", "53"})
# Elements that carry no wording: a footnote anchor (its mark is the <SU> before it).
_SILENT = frozenset({"FTREF"})


def marked(el: etree._Element) -> str:
    """The text of `el` with italic runs wrapped in ITALIC_ON/ITALIC_OFF, whitespace collapsed."""
    return clean_text(_render(el, italic=False))


def unmark(text: str) -> str:
    return clean_text(text.replace(ITALIC_ON, "").replace(ITALIC_OFF, ""))


def plain(el: etree._Element) -> str:
    return unmark(_render(el, italic=False))


def _render(el: etree._Element, *, italic: bool) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("SU", "sup") or (tag == "E" and child.get("T") in _SUPERSCRIPT_E):
            # "ft\n<SU>3</SU>": the exponent or footnote mark belongs to the word before it.
            append_superscript(parts, unmark(_render(child, italic=italic)))
        elif tag == "FR":
            strip_trailing_space(parts)
            joined = "".join(parts)
            parts.append(("" if not joined or joined.endswith("(") else " ") + unmark(_render(child, italic=italic)))
        elif tag == "br":
            parts.append(" ")
        elif tag == "img":
            parts.append(f" [image: {child.get('src', '?')}] ")
        elif tag in _SILENT:
            pass
        elif not italic and (tag == "I" or (tag == "E" and child.get("T") in _ITALIC_E)):
            parts.append(ITALIC_ON + _render(child, italic=True) + ITALIC_OFF)
        else:
            parts.append(_render(child, italic=italic))
        parts.append(child.tail or "")
    return "".join(parts)
