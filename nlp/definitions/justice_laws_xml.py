"""Canada (Justice Laws XML): the definitions section of a regulation or act, and the terms its
schedule defines by reference (FORMATS.md 1).

`<Body>` › `<Section>` › `<Definition><Text><DefinedTermEn>Guide</DefinedTermEn> means … .
(<DefinedTermFr>Guide</DefinedTermFr>)</Text>`: in the English file the English term opens the
text and the French one closes it in parentheses, the other way round in the French file. Both
languages' definitions carry the English term's key as `id_key`, which pairs them
(`ca:def:wassenaar arrangement` and `ca:def:wassenaar arrangement@fr`).

The Export Control List defines few terms itself; its items borrow them: "In this item,
<DefinitionRef>technology</DefinitionRef> … have the same meaning as in the Guide …" (5504,
5506), "<DefinitionRef>antique firearms</DefinitionRef> as defined in subsection 84(1) of the
Criminal Code" (Group 2). Each such term becomes a definition by reference, qualified by where it
applies (`technology (item 5504)`), its text the provision that says so. French terms differ
(`technologie`) and are keyed by their own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from exportwatch.errors import ParseError
from nlp.definitions.keys import clean_term, term_key
from nlp.definitions.model import Definition, DefinitionNote, Extracted
from nlp.parse import FetchedFile
from nlp.parse.justice_laws_xml.render import render_inline
from nlp.parse.safe_xml import parse_xml

__all__ = ["extract", "extract_root"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BOM = b"\xef\xbb\xbf"
_NOT_IN_FORCE = "NifProvs"
_ROOTS = frozenset({"Regulation", "Statute"})
_GROUP = re.compile(r"^GROUPE?\s+(\d+)$", re.IGNORECASE)
_OTHER = {"en": "fr", "fr": "en"}
_LOCATION = {"en": ("item", "Group"), "fr": ("article", "groupe")}


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    """All files' definitions; a bundle may hold several instruments (the Act and a permit), whose
    terms can coincide: a repeated key is qualified by the instrument (`guide (sor/2015-200)`)."""
    definitions: list[Definition] = []
    warnings: list[str] = []
    documents: list[str] = []
    taken: set[tuple[str, str]] = set()
    for f in files:
        what = f"{source_id} {f.url}"
        root = parse_xml(f.content.removeprefix(_BOM), what=what)
        if root.tag not in _ROOTS:
            raise ParseError(f"{what}: root element is <{root.tag}>, expected <Regulation> or <Statute>")
        found = extract_root(root, language=(root.get(_XML_LANG) or f.language).lower(), what=what)
        instrument = _instrument(root).casefold()
        for d in found.definitions:
            if (d.language, d.term_key) in taken and instrument:
                d = Definition(d.term, f"{d.term_key} ({instrument})", d.language, d.scope, d.text, d.notes,
                               d.position, d.id_key and f"{d.id_key} ({instrument})")
            taken.add((d.language, d.term_key))
            definitions.append(_renumber(d, len(definitions)))
        warnings += found.warnings
        if found.definitions:
            documents.append(f.url)
    if not definitions:
        raise ParseError(f"{source_id}: no definitions in any file's <Body> or schedule")
    return Extracted(tuple(definitions), tuple(warnings), tuple(documents),
                     {"definitions": len(definitions),
                      "by_reference": sum(1 for d in definitions if "(" in d.term_key and d.scope)})


def _instrument(root: etree._Element) -> str:
    """`SOR/2015-200` (French `DORS/…` written the English way, so that languages pair) or `E-19`."""
    number = (root.findtext("Identification/InstrumentNumber") or "").strip()
    if number:
        return re.sub(r"^DORS/", "SOR/", number)
    return (root.findtext("Identification/Chapter/ConsolidatedNumber") or "").strip()


def _renumber(d: Definition, position: int) -> Definition:
    return Definition(d.term, d.term_key, d.language, d.scope, d.text, d.notes, position, d.id_key)


def extract_root(root: etree._Element, *, language: str, what: str) -> Extracted:
    warnings: list[str] = []
    out = _body_definitions(root, language, what, warnings)
    out += _by_reference(root, language, what, warnings)
    return Extracted(tuple(_renumber(d, i) for i, d in enumerate(out)), tuple(warnings))


def _term_el(definition: etree._Element, language: str) -> tuple[etree._Element | None, etree._Element | None]:
    own = "DefinedTermEn" if language == "en" else "DefinedTermFr"
    other = "DefinedTermFr" if language == "en" else "DefinedTermEn"
    return definition.find(f".//{own}"), definition.find(f".//{other}")


def _body_definitions(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[Definition]:
    out: list[Definition] = []
    body = root.find("Body")
    if body is None:
        return out
    for n, definition in enumerate(body.iter("Definition"), start=1):
        where = f"{what} <Body> definition {n}"
        text_el = definition.find("Text")
        if text_el is None:
            warnings.append(f"{where}: no <Text>; skipped")
            continue
        own, other = _term_el(definition, language)
        if own is None:
            warnings.append(f"{where}: no defined term in {language!r}; skipped")
            continue
        term = clean_term(render_inline(own, warnings, where))
        other_term = clean_term(render_inline(other, warnings, where)) if other is not None else ""
        full = _render_definition(definition, warnings, where)
        body_text = _strip_terms(full, term, other_term)
        if not body_text:
            warnings.append(f"{where}: {term!r} has no wording; skipped")
            continue
        repealed = text_el.find("Repealed")
        if repealed is not None and body_text == render_inline(repealed, warnings, where).strip():
            continue  # `Free Trade Agreement [Repealed, 1997, c. 14, s. 70]`: no longer a defined term
        notes = (DefinitionNote(f"Equivalent term ({_OTHER.get(language, '?')})", other_term),) if other_term else ()
        en_term = term if language == "en" else other_term
        out.append(Definition(term, term_key(term), language, "", body_text, notes, len(out),
                              id_key=term_key(en_term) if en_term else ""))
    return out


def _render_definition(el: etree._Element, warnings: list[str], where: str) -> str:
    """The definition's text with its paragraphs (`(a) a CUSMA country, (a.1) …`), in order;
    amendment notes dropped."""
    parts: list[str] = []
    for child in el:
        if child.tag == "Text":
            parts.append(render_inline(child, warnings, where))
        elif child.tag == "Label":
            label = (child.text or "").strip()
            parts.append(label if label.startswith("(") else f"({label.rstrip(')')})")
        elif child.tag in ("Paragraph", "Subparagraph", "Clause", "Subclause", "ContinuedParagraph",
                           "ContinuedSubparagraph", "ContinuedDefinition"):
            parts.append(_render_definition(child, warnings, where))
        elif child.tag not in ("HistoricalNote", "Footnote", "MarginalNote"):
            warnings.append(f"{where}: <{child.tag}> inside a definition; its text is kept")
            parts.append(render_inline(child, warnings, where))
    return " ".join(p for p in parts if p)


def _strip_terms(full: str, term: str, other_term: str) -> str:
    """`Guide means … time. (Guide)` -> `means … time.`: the term opens the text and the other
    language's term closes it in parentheses. A comma right after the term goes with it
    (`surge, in respect of goods …` -> `in respect of goods …`)."""
    text = full
    if text.startswith(term):
        text = text[len(term):].strip().removeprefix(",").strip()
    if other_term:
        text = re.sub(rf"\s*\(\s*{re.escape(other_term)}\s*\)\s*$", "", text)
    return text.strip().rstrip(";").strip()


@dataclass
class _Where:
    group: str = ""
    item: str = ""


def _by_reference(root: etree._Element, language: str, what: str, warnings: list[str]) -> list[Definition]:
    out: list[Definition] = []
    seen: set[str] = set()
    for schedule in root.findall("Schedule"):
        if schedule.get("id") == _NOT_IN_FORCE:
            continue  # amendments not yet in force
        where = _Where()
        for child in schedule:
            if child.tag == "Heading" and child.get("level") == "1":
                label = (child.findtext("Label") or "").strip()
                m = _GROUP.match(label)
                where.group = m.group(1) if m else label
            elif child.tag == "Provision":
                where.item = (child.findtext("Label") or "").strip()
                for text_el in child.iter("Text"):
                    _references_in(text_el, where, language, what, warnings, out, seen)
    return out


def _path(text_el: etree._Element) -> str:
    """`5504(1)`, `(a)`: the labels of the provisions enclosing a `<Text>`, outermost first; French
    paragraph labels `a)` are written `(a)` as in the entry codes."""
    labels: list[str] = []
    node = text_el.getparent()
    while node is not None and node.tag == "Provision":
        label = (node.findtext("Label") or "").strip()
        if label:
            labels.append(label)
        node = node.getparent()
    labels.reverse()
    return "".join(label if i == 0 and label[0].isdigit() else f"({label.strip('()')})"
                   for i, label in enumerate(labels))


def _references_in(text_el: etree._Element, where: _Where, language: str, what: str,
                   warnings: list[str], out: list[Definition], seen: set[str]) -> None:
    refs = text_el.findall("DefinitionRef")
    if not refs:
        return
    item_word, group_word = _LOCATION.get(language, ("item", "Group"))
    anchor = f"{item_word} {where.item}" if where.item else f"{group_word} {where.group}"
    path = _path(text_el)
    scope = f"{item_word} {path}" if where.item else f"{anchor} {path}".strip()
    sentence = render_inline(text_el, warnings, f"{what} {scope}")
    for ref in refs:
        term = clean_term(render_inline(ref, warnings, f"{what} {scope}"))
        if not term:
            continue
        key = f"{term_key(term)} ({anchor.casefold()})"
        if key in seen:
            continue  # the same term referred to again in the same item or group
        seen.add(key)
        out.append(Definition(term, key, language, scope, sentence, (), len(out)))
