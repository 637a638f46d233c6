"""Canada's Export Control List (SOR/89-202) as Justice Laws XML, English and French.

A bundle holds one `<Regulation>` file per language. Each language becomes its own set of nodes
(codes aligned across languages: French paragraph labels "a)" are coded "(a)"); only the
in-force `<Schedule>` is read: `<Schedule id="NifProvs">` holds amendments not yet in force,
and `<Body>` (definitions, general rule) is not part of the list. See FORMATS.md section 1.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.justice_laws_xml.render import render_inline
from nlp.parse.justice_laws_xml.schedule import ScheduleWalker
from nlp.parse.safe_xml import parse_xml

__all__ = ["parse"]

_LIMS = "{http://justice.gc.ca/lims}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_IN_FORCE = "NifProvs"
_BOM = b"\xef\xbb\xbf"


def parse(bundle: Bundle) -> ParsedDocument:
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    warnings: list[str] = []
    entries: list[ParsedEntry] = []
    stats: dict[str, int] = {}
    dates: dict[str, dt.date] = {}
    titles: dict[str, str] = {}
    for fetched in bundle.files:
        what = f"{bundle.source_id} {fetched.url or '(no URL)'}"
        root = parse_xml(fetched.content.removeprefix(_BOM), what=what)
        if root.tag != "Regulation":
            raise ParseError(f"{what}: root element is <{root.tag}>, expected <Regulation>")
        language = _language(root, fetched, what, warnings)
        if language in titles:
            raise ParseError(f"{what}: a second file in language {language!r}; "
                             "expected one file per language")
        titles[language] = _title(root, warnings, language)
        date = current_date(root, what, warnings)
        if date is not None:
            dates[language] = date
        walker = ScheduleWalker(language)
        walker.walk(_list_schedule(root, what, warnings))
        found = walker.entries()
        if not any(e.kind == "group" for e in found):
            raise ParseError(f"{what}: no GROUP headings in the schedule; "
                             "not the Export Control List")
        warnings.extend(walker.warnings)
        entries.extend(found)
        stats.update(_stats(language, found))
    return ParsedDocument(
        version_date=_version_date(bundle, dates, warnings),
        title=titles.get("en") or next(iter(titles.values())),
        entries=tuple(entries),
        warnings=tuple(warnings),
        stats=stats,
    )


def _language(root: etree._Element, fetched: FetchedFile, what: str, warnings: list[str]) -> str:
    declared = (root.get(_XML_LANG) or "").strip().lower()
    if declared and declared != fetched.language:
        # The document states its own language; the bundle's label comes from configuration.
        warnings.append(f"{what}: file is labelled {fetched.language!r} but declares "
                        f"xml:lang={declared!r}; using {declared!r}")
    return declared or fetched.language


def _title(root: etree._Element, warnings: list[str], language: str) -> str:
    short = root.find("Identification/ShortTitle")
    if short is None:
        warnings.append(f"{language}: no Identification/ShortTitle")
        return "Export Control List"
    return render_inline(short, warnings, f"{language} title")


def current_date(root: etree._Element, what: str, warnings: list[str]) -> dt.date | None:
    """A Justice Laws document's `lims:current-date`, or None with a warning (both Canada parsers)."""
    # `lims:current-date` is the "Current to" date the site shows; <ConsolidationDate> differs.
    value = root.get(f"{_LIMS}current-date")
    if value is None:
        warnings.append(f"{what}: no lims:current-date on <{root.tag}>")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        warnings.append(f"{what}: lims:current-date {value!r} is not a date")
        return None


def _version_date(bundle: Bundle, dates: dict[str, dt.date], warnings: list[str]) -> dt.date:
    if len(set(dates.values())) > 1:
        listed = ", ".join(f"{lang} {date}" for lang, date in sorted(dates.items()))
        warnings.append(f"languages are current to different dates ({listed}); using the later")
    if dates:
        return max(dates.values())
    if bundle.requested_date is not None:
        return bundle.requested_date
    raise ParseError(f"{bundle.source_id}: no lims:current-date in any file and no requested date")


def _list_schedule(root: etree._Element, what: str, warnings: list[str]) -> etree._Element:
    schedules = [s for s in root.findall("Schedule") if s.get("id") != _NOT_IN_FORCE]
    if not schedules:
        raise ParseError(f"{what}: no in-force <Schedule> (the list) in the regulation")
    for extra in schedules[1:]:
        warnings.append(f"{what}: further <Schedule id={extra.get('id')!r}> ignored; "
                        "the list is the first schedule")
    return schedules[0]


def _stats(language: str, entries: list[ParsedEntry]) -> dict[str, int]:
    return {
        f"{language}.groups": sum(e.kind == "group" for e in entries),
        f"{language}.entries": sum(e.kind == "entry" for e in entries),
        f"{language}.items": sum(e.kind == "item" for e in entries),
        f"{language}.repealed": sum(e.status == "repealed" for e in entries),
        f"{language}.notes": sum(n.kind != "other" for e in entries for n in e.notes),
    }
