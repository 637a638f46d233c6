"""Text of one Word paragraph: runs, tabs, symbols and superscripts.

python-docx's `Paragraph.text` drops `w:sym`, non-breaking hyphens and run properties, so the
runs are read from the XML directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Adobe Symbol font code points (0x20..0xFE) that occur in regulatory texts, mapped to Unicode.
# Word stores them either as `w:sym w:char="F061"` or as the private-use character U+F061.
SYMBOL_FONT: dict[int, str] = {
    0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2A: "∗", 0x2D: "−", 0x40: "≅",
    0x41: "Α", 0x42: "Β", 0x43: "Χ", 0x44: "Δ", 0x45: "Ε", 0x46: "Φ", 0x47: "Γ", 0x48: "Η",
    0x49: "Ι", 0x4A: "ϑ", 0x4B: "Κ", 0x4C: "Λ", 0x4D: "Μ", 0x4E: "Ν", 0x4F: "Ο", 0x50: "Π",
    0x51: "Θ", 0x52: "Ρ", 0x53: "Σ", 0x54: "Τ", 0x55: "Υ", 0x56: "ς", 0x57: "Ω", 0x58: "Ξ",
    0x59: "Ψ", 0x5A: "Ζ", 0x5C: "∴", 0x5E: "⊥",
    0x61: "α", 0x62: "β", 0x63: "χ", 0x64: "δ", 0x65: "ε", 0x66: "φ", 0x67: "γ", 0x68: "η",
    0x69: "ι", 0x6A: "ϕ", 0x6B: "κ", 0x6C: "λ", 0x6D: "μ", 0x6E: "ν", 0x6F: "ο", 0x70: "π",
    0x71: "θ", 0x72: "ρ", 0x73: "σ", 0x74: "τ", 0x75: "υ", 0x76: "ϖ", 0x77: "ω", 0x78: "ξ",
    0x79: "ψ", 0x7A: "ζ", 0x7E: "∼",
    0xA1: "ϒ", 0xA2: "′", 0xA3: "≤", 0xA4: "⁄", 0xA5: "∞", 0xA6: "ƒ", 0xAB: "↔", 0xAC: "←",
    0xAD: "↑", 0xAE: "→", 0xAF: "↓", 0xB0: "°", 0xB1: "±", 0xB2: "″", 0xB3: "≥", 0xB4: "×",
    0xB5: "∝", 0xB6: "∂", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡", 0xBB: "≈", 0xBC: "…",
    0xC5: "⊕", 0xC6: "∅", 0xC7: "∩", 0xC8: "∪", 0xCE: "∈", 0xD0: "∠", 0xD1: "∇", 0xD5: "∏",
    0xD6: "√", 0xD7: "⋅", 0xE5: "∑", 0xF2: "∫",
}
# Characters 0x20-0x3F and 0x5B-0x60 etc. of the Symbol font coincide with ASCII.
_SYMBOL_ASCII = set(range(0x20, 0x40)) - {0x22, 0x24, 0x27, 0x2A, 0x2D} | {0x5B, 0x5D, 0x5F,
                                                                          0x7B, 0x7C, 0x7D}

# Containers whose runs are part of the paragraph text; anything else (w:del, w:moveFrom,
# bookmarks, proofing marks) is not.
_CONTAINERS = {w(t) for t in ("hyperlink", "smartTag", "ins", "fldSimple", "sdt", "sdtContent",
                              "customXml", "moveTo", "dir", "bdo")}
_DEGREE_LOOKALIKES = {"o", "°", "º"}
_OBJECTS = {w(t) for t in ("drawing", "pict", "object")}


@dataclass
class ParagraphText:
    text: str
    # Problems worth a warning: unknown symbol characters, embedded objects without text.
    problems: list[str] = field(default_factory=list)
    superscripts: int = 0


def symbol_char(code: int) -> str | None:
    """Unicode for a Symbol-font code point (0x20..0xFF, or its U+F0xx private-use alias)."""
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    if code in SYMBOL_FONT:
        return SYMBOL_FONT[code]
    if code in _SYMBOL_ASCII:
        return chr(code)
    return None


def _runs(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if child.tag == w("r"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _runs(child)


def _run_font(run: etree._Element) -> str:
    fonts = run.find(f"{w('rPr')}/{w('rFonts')}")
    if fonts is None:
        return ""
    return str(fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or fonts.get(w("cs")) or "")


def _is_superscript(run: etree._Element) -> bool:
    va = run.find(f"{w('rPr')}/{w('vertAlign')}")
    return va is not None and va.get(w("val")) == "superscript"


def _normalise_chars(text: str, font: str, problems: list[str]) -> str:
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if 0xE000 <= cp <= 0xF8FF:
            mapped = symbol_char(cp) if font.lower() == "symbol" else None
            if mapped is None:
                problems.append(f"unknown private-use character U+{cp:04X} (font {font or '?'})")
                out.append(ch)
            else:
                out.append(mapped)
        elif ch == "\u00b5":
            # The list mixes MICRO SIGN and GREEK SMALL LETTER MU; NFKC folds to the Greek one.
            out.append("\u03bc")
        else:
            out.append(ch)
    return "".join(out)


def paragraph_text(p: etree._Element) -> ParagraphText:
    """The printed text of a `w:p`: tabs kept as TAB, breaks as newline, superscripts as `^x`."""
    parts: list[str] = []
    problems: list[str] = []
    in_sup = False
    sup_count = 0
    for run in _runs(p):
        sup = _is_superscript(run)
        font = _run_font(run)
        for el in run:
            tag = el.tag
            piece = ""
            if tag == w("t"):
                piece = _normalise_chars(el.text or "", font, problems)
            elif tag in (w("tab"), w("ptab")):
                piece = "\t"
            elif tag in (w("br"), w("cr")):
                piece = "\n"
            elif tag == w("noBreakHyphen"):
                piece = "-"
            elif tag == w("softHyphen"):
                piece = "\u00ad"
            elif tag == w("sym"):
                code = int(el.get(w("char")) or "0", 16)
                sym_font = el.get(w("font")) or ""
                mapped = symbol_char(code) if sym_font.lower() == "symbol" else None
                if mapped is None:
                    problems.append(f"unknown symbol {sym_font or '?'}:{code:04X}")
                    mapped = "\ufffd"
                piece = mapped
            elif tag in _OBJECTS:
                problems.append("embedded formula or picture: its content is not text; "
                                "'[formula]' stands in for it")
                piece = "[formula]"
            else:
                continue
            if not piece:
                continue
            raised = sup
            if raised and piece.strip() in _DEGREE_LOOKALIKES:
                # "100 ºC" typed as a raised letter o: a degree sign, not an exponent.
                piece, raised = "°", False
            if raised and piece.strip():
                if not in_sup:
                    parts.append("^")
                    sup_count += 1
                in_sup = True
            elif not raised:
                in_sup = False
            parts.append(piece)
    return ParagraphText("".join(parts), problems, sup_count)
