"""Parser for Canadian Acts and regulations as Justice Laws XML, read as provisions.

Input: a bundle of `<Statute>` and `<Regulation>` files (https://laws-lois.justice.gc.ca/eng/XML/
E-19.xml, …/fra/XML/E-19.xml, …/eng/XML/SOR-2015-200.xml), English and French.
Output: per instrument and language, a "group" node coded by the instrument ("E-19",
"SOR-2015-200"; French regulation numbers DORS/… are coded as SOR-… so that languages align),
"section" nodes "E-19 s. 7" and "paragraph" nodes "E-19 s. 7(1)(a)". Secondary languages get
`@fr` entry ids from the store. The version date is the latest `lims:current-date` ("Current
to") of the files; each instrument's own date is a "Current to" note. See FORMATS.md section 1
and walker.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from lxml import etree

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.justice_laws_provisions.walker import InstrumentWalker
from nlp.parse.justice_laws_xml import current_date
from nlp.parse.justice_laws_xml.render import render_inline
from nlp.parse.safe_xml import parse_xml

__all__ = ["parse"]

_LIMS = "{http://justice.gc.ca/lims}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BOM = b"\xef\xbb\xbf"
_ROOTS = ("Statute", "Regulation")


def parse(bundle: Bundle) -> ParsedDocument:
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    entries: list[ParsedEntry] = []
    warnings: list[str] = []
    stats: Counter[str] = Counter()
    dates: list[dt.date] = []
    seen: set[tuple[str, str]] = set()
    titles: list[str] = []
    for fetched in bundle.files:
        what = f"{bundle.source_id} {fetched.url or '(no URL)'}"
        root = parse_xml(fetched.content.removeprefix(_BOM), what=what)
        if root.tag not in _ROOTS:
            raise ParseError(f"{what}: root element is <{root.tag}>, expected <Statute> or <Regulation>")
        language = _language(root, fetched, what, warnings)
        instrument = _instrument(root, what)
        if (instrument, language) in seen:
            raise ParseError(f"{what}: a second file of {instrument} in language {language!r}")
        seen.add((instrument, language))
        title, long_title = _titles(root, warnings, what)
        current = current_date(root, what, warnings)
        if current is not None:
            dates.append(current)
        walker = InstrumentWalker(instrument, language, what)
        walker.walk(root, title, long_title, current.isoformat() if current else "")
        found = walker.entries(start=len(entries))
        if not any(e.kind == "section" for e in found):
            raise ParseError(f"{what}: no numbered sections in <Body>")
        entries.extend(found)
        warnings.extend(walker.warnings)
        stats.update({f"{instrument}.{language}.{k}": v for k, v in walker.stats.items()})
        stats[f"{instrument}.{language}.entries"] = len(found)
        if language == "en":
            titles.append(title)
    if not dates and bundle.requested_date is None:
        raise ParseError(f"{bundle.source_id}: no lims:current-date in any file and no requested date")
    return ParsedDocument(
        version_date=max(dates) if dates else bundle.requested_date,  # type: ignore[arg-type]
        title="; ".join(titles) or "Justice Laws instruments",
        entries=tuple(entries),
        warnings=tuple(warnings),
        stats=dict(stats),
    )


def _language(root: etree._Element, fetched: FetchedFile, what: str, warnings: list[str]) -> str:
    declared = (root.get(_XML_LANG) or "").strip().lower()
    if declared and declared != fetched.language:
        warnings.append(f"{what}: file is labelled {fetched.language!r} but declares xml:lang={declared!r}; "
                        f"using {declared!r}")
    return declared or fetched.language


def _instrument(root: etree._Element, what: str) -> str:
    """The citation code: an Act's chapter ("E-19"), a regulation's number ("SOR-2015-200")."""
    if root.tag == "Statute":
        number = root.findtext("Identification/Chapter/ConsolidatedNumber")
    else:
        number = root.findtext("Identification/InstrumentNumber")
    if not number or not number.strip():
        raise ParseError(f"{what}: no consolidated number or instrument number in <Identification>")
    code = re.sub(r"\s+", "", number.strip()).replace("/", "-")
    return re.sub(r"^DORS-", "SOR-", re.sub(r"^TR-", "SI-", code))


def _titles(root: etree._Element, warnings: list[str], what: str) -> tuple[str, str]:
    short = root.find("Identification/ShortTitle")
    long = root.find("Identification/LongTitle")
    long_text = render_inline(long, warnings, what) if long is not None else ""
    short_text = render_inline(short, warnings, what) if short is not None else ""
    if not short_text and not long_text:
        warnings.append(f"{what}: no ShortTitle or LongTitle")
    return short_text or long_text, long_text


