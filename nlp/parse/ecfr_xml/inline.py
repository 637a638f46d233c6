"""Rendering GPO inline markup to plain text: superscripts, fractions, line breaks, tables."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from nlp.parse.text import clean_text

# GPO typeface codes: 51 superscript, 53 italic superscript; 52/54 are subscripts, kept as plain
# text ("KNH2") because a marker there would only add noise to search.
_SUPERSCRIPT_E = {"51", "53"}


def render(el: etree._Element) -> str:
    """The text of `el` and its descendants, with superscripts as `^n` glued to their base."""
    parts: list[str] = [el.text or ""]
    for child in el:
        _render_child(child, parts)
        parts.append(child.tail or "")
    return "".join(parts)


def render_clean(el: etree._Element) -> str:
    return clean_text(render(el))


def _render_child(child: etree._Element, parts: list[str]) -> None:
    tag = child.tag if isinstance(child.tag, str) else ""
    if tag in ("SU", "sup") or (tag == "E" and child.get("T") in _SUPERSCRIPT_E):
        append_superscript(parts, clean_text(render(child)))
    elif tag == "FR":
        # "2\n<FR>1/2</FR> ton" is two and a half: keep one space, except straight after "(".
        strip_trailing_space(parts)
        joined = "".join(parts)
        space = "" if not joined or joined.endswith("(") else " "
        parts.append(space + clean_text(render(child)))
    elif tag == "br":
        parts.append(" ")
    elif tag == "img":
        parts.append(f" [image: {child.get('src', '?')}] ")
    else:
        parts.append(render(child))


def append_superscript(parts: list[str], text: str) -> None:
    """Add a superscript as `^text`, glued to its base: the XML puts a newline before <SU>
    ("ft\n<SU>3</SU>"). An exponent split over two superscripts ("10<E T="51">−</E>\n<SU>8</SU>",
    us:4A001.a.2.c) is read as one: "10^−8", not "10^−^8"."""
    strip_trailing_space(parts)
    if parts and parts[-1][-2:-1] == "^" and parts[-1][-1:] in "−-–+":
        parts.append(text)
    else:
        parts.append("^" + text)


def strip_trailing_space(parts: list[str]) -> None:
    while parts and parts[-1].rstrip() != parts[-1]:
        parts[-1] = parts[-1].rstrip()
        if parts[-1]:
            return
        parts.pop()


@dataclass(frozen=True)
class TableRow:
    header: bool
    cells: tuple[str, ...]


def table_rows(div: etree._Element) -> tuple[str, list[TableRow]]:
    """Caption and rows of a GPO table wrapper (`DIV` › `DIV.gpotbl_div` › `TABLE`)."""
    caption = ""
    rows: list[TableRow] = []
    for table in div.iter("TABLE"):
        cap = table.find("CAPTION")
        if cap is not None:
            caption = render_clean(cap)
        for tr in table.iter("TR"):
            cells = tuple(render_clean(c) for c in tr if c.tag in ("TD", "TH"))
            in_head = tr.getparent() is not None and tr.getparent().tag == "THEAD"
            if any(cells):
                rows.append(TableRow(header=in_head, cells=cells))
    return caption, rows
