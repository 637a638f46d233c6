"""Inline content of Justice Laws XML: which elements are text, which are metadata.

`itertext()` would glue superscripts to their base ("5 × 105 Rads") and keep amendment
citations; this walks the inline tree instead.
"""

from __future__ import annotations

from lxml import etree

from nlp.parse.text import clean_text

# Inline elements whose text is part of the regulation's wording.
_INLINE_TEXT = frozenset({
    "Emphasis", "DefinitionRef", "DefinedTermEn", "DefinedTermFr", "XRefExternal",
    "XRefInternal", "Language", "Repealed", "Leader", "LeaderRightJustified",
})
# Amendment citations and footnotes: consolidation metadata, not the list's wording.
_DROPPED = frozenset({"HistoricalNote", "HistoricalNoteSubItem", "Footnote", "FootnoteRef"})


def render_inline(element: etree._Element, warnings: list[str], where: str) -> str:
    """The cleaned text of an inline container such as `<Text>` or `<TitleText>`."""
    return clean_text(_render(element, warnings, where))


def _render(element: etree._Element, warnings: list[str], where: str) -> str:
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # comments/PIs are removed by safe_xml; tails still count
            parts.append(child.tail or "")
            continue
        if tag in _DROPPED:
            pass
        elif tag == "Sup":
            parts.append("^" + _render(child, warnings, where).strip())
        elif tag == "Sub":
            parts.append("_" + _render(child, warnings, where).strip())
        else:
            if tag not in _INLINE_TEXT:
                warnings.append(f"{where}: unknown inline element <{tag}>; its text is kept")
            parts.append(_render(child, warnings, where))
        parts.append(child.tail or "")
    return "".join(parts)


def is_only_repealed(element: etree._Element) -> bool:
    """True if the container holds nothing but a `<Repealed>` notice (a repealed provision)."""
    children = [c for c in element if isinstance(c.tag, str) and c.tag not in _DROPPED]
    if len(children) != 1 or children[0].tag != "Repealed":
        return False
    outside = (element.text or "") + (children[0].tail or "")
    return not outside.strip()


def first_sentence(text: str, limit: int = 200) -> str:
    """A heading for a node without a title: its text if short, else its first sentence or a cut."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    for index, char in enumerate(window):
        if char in ".:;" and (index + 1 == len(text) or text[index + 1] == " "):
            word = window[:index].rstrip().rsplit(" ", 1)[-1]
            # "No. 2008.11.10", "s. 1", "items 1-9.A.4.", "U.S." are not sentence ends; French
            # puts a space before ":".
            if len(word) > 3 and not word[-1].isdigit() and not word[-1].isupper():
                return window[: index + 1]
    return window.rsplit(" ", 1)[0] + "…"
