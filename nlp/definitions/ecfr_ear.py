"""US EAR § 772.1 "Definitions of terms as used in the EAR" (eCFR versioner XML; FORMATS.md 2).

The section is a flat run of `P`s under `DIV8 N="772.1"`. A term opens a `P` either in a
leading `<I>` (`<I>Accuracy.</I> (Cat 2, 3, 6, 7 and 8)—…`) or, ten times, in curly quotes
(`“Bias”. (gyro) (Cat 7) …`); the other `P`s (`(1) …`, `(a) …`), formula lines (`FP-2`) and
`NOTE`s continue the definition above them. The reference parenthesis is worded
(`(Cat 5P2)`, `(MTCR context)`, `(734, 744)`, `(All)`) and sometimes sits inside the italics
(`Personal area network (Cat 5 Part 2)`); parentheses that are not references qualify the term
(`Bias (accelerometer)`, `Adjusted Peak Performance (APP)`).

A bundle of the `ecfr-ear` format holds several parts (734, 738, 772.1): the file whose URL asks
for `section=772.1` (or, failing that, any XML holding `DIV8 N="772.1"`) is read.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from exportwatch.errors import ParseError
from nlp.definitions.heads import DefinitionBuilder, parse_quoted_head
from nlp.definitions.keys import clean_term
from nlp.definitions.model import Extracted
from nlp.definitions.scopes import is_us_scope
from nlp.parse import FetchedFile
from nlp.parse.ecfr_xml.inline import render_clean
from nlp.parse.safe_xml import parse_xml

__all__ = ["extract", "extract_section"]

_SECTION = "772.1"
_METADATA = frozenset({"HEAD", "CITA", "EDNOTE", "EFFDNOT", "SOURCE", "AUTH"})
_TEXT = frozenset({"P", "FP", "FP-1", "FP-2", "EXTRACT", "GPOTABLE"})
_TRAILING_SCOPE = re.compile(r"^(?P<term>.*?)[\s.]*\((?P<inner>[^()]*)\)\.?$")
_LEAD_PUNCTUATION = re.compile(r"^[\s\u2014\u2013.,:;-]+")


def extract(files: tuple[FetchedFile, ...], source_id: str) -> Extracted:
    ordered = sorted(files, key=lambda f: "section=772.1" not in f.url and "772" not in f.url)
    for f in ordered:
        if not f.content.lstrip().startswith(b"<"):
            continue  # not XML
        root = parse_xml(f.content, what=f"{source_id} {f.url}")
        section = root if _is_section(root) else next(
            (d for d in root.iter("DIV8") if d.get("N") == _SECTION), None)
        if section is not None:
            result = extract_section(section, language=f.language, what=f"{source_id} {f.url}")
            return Extracted(result.definitions, result.warnings, (f.url,), result.stats)
    raise ParseError(f"{source_id}: no § 772.1 (DIV8 N=\"772.1\") in the fetched files "
                     f"({', '.join(f.url for f in files)})")


def _is_section(el: etree._Element) -> bool:
    return bool(el.tag == "DIV8" and el.get("N") == _SECTION)


def _italic_head(p: etree._Element) -> tuple[str, str] | None:
    """(term as printed, text after it) of a `P` that opens with an italic term."""
    if (p.text or "").strip() or len(p) == 0 or p[0].tag != "I":
        return None
    rest_el = copy.deepcopy(p)
    lead = rest_el[0]
    term = render_clean(lead)
    rest_el.text = lead.tail
    rest_el.remove(lead)  # lxml keeps the tail with the removed element: it was moved to .text
    # `<I>600 Series Major Defense Equipment</I> or <I>MDE.</I>`: two names for one term.
    if (rest_el.text or "").strip() == "or" and len(rest_el) and rest_el[0].tag == "I":
        second = rest_el[0]
        term = f"{term} or {render_clean(second)}"
        rest_el.text = second.tail
        rest_el.remove(second)
    return term, render_clean(rest_el)


def _head_string(term: str, rest: str) -> str:
    """`"term" rest`, with a reference printed inside the italics moved out after the term, and a
    parenthesis the italics cut in two (`“Government end user” (as applied to …`) made whole."""
    if term.count("(") > term.count(")") and ")" in rest:
        cut = rest.index(")") + 1
        term, rest = f"{term} {rest[:cut]}".replace(" )", ")"), rest[cut:]
    core = term.strip().rstrip(".")
    m = _TRAILING_SCOPE.match(core)
    while m and is_us_scope(m.group("inner")):
        rest = f"({m.group('inner')}) {rest}"
        core = m.group("term").strip()
        m = _TRAILING_SCOPE.match(core)
    return f'"{clean_term(core)}" {rest}'


def extract_section(section: etree._Element, *, language: str = "en", what: str = "§ 772.1") -> Extracted:
    builder = DefinitionBuilder(language)
    for i, el in enumerate(section):
        tag = el.tag if isinstance(el.tag, str) else ""
        where = f"{what} element {i + 1} <{tag}>"
        if tag in _METADATA or not tag:
            continue
        if tag == "P" and (head := _term_of(el)) is not None:
            builder.start(head[0], head[1], head[2], where=where)
            continue
        if not builder.open:
            continue  # the introductory paragraph
        if tag in _TEXT:
            builder.end_note()
            builder.text(render_clean(el))
        elif tag == "NOTE":
            hed = el.find("HED")
            label = render_clean(hed) if hed is not None else "Note"
            builder.note(label, " ".join(render_clean(p) for p in el if p.tag != "HED"))
            builder.end_note()
        elif tag == "img":
            builder.end_note()
            builder.text(f"[image: {el.get('src', '?')}]")
        else:
            builder.warnings.append(f"{where}: element not expected in § 772.1; its text is kept")
            builder.text(render_clean(el))
    definitions = builder.finish()
    if not definitions:
        raise ParseError(f"{what}: no defined terms found")
    return Extracted(tuple(definitions), tuple(builder.warnings), (),
                     {"definitions": len(definitions), "notes": sum(len(d.notes) for d in definitions)})


def _term_of(p: etree._Element) -> tuple[str, str, str] | None:
    """(term, scope, text) of a `P` that opens a definition, else None."""
    italic = _italic_head(p)
    if italic is not None:
        head_text = _head_string(*italic)
    else:
        text = render_clean(p)
        if not text.startswith("\u201c"):
            return None
        head_text = text
    head = parse_quoted_head(head_text, is_us_scope)
    if head is None:
        return None
    return head.term, head.scope, _LEAD_PUNCTUATION.sub("", head.rest)
