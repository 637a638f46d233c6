"""Parser for the US Commerce Control List as served by the eCFR versioner API (XML).

Input: `https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774`, a `DIV5` part
whose `DIV9` "Supplement No. 1 to Part 774" is the CCL. Only that supplement is parsed; the
others (General Technology Note, Sensitive List, ...) are counted in `stats` and skipped.
The file states no date of its own (`/on/_SUBSTITUTE_DATE_/`): the version is the date asked for.

Output: categories ("3"), product groups ("3A"), ECCNs ("3A001", kind "entry") and their
cumulative-label items ("3A001.b.1"). An ECCN's `text` is its bold header, code included; its
`heading` is the same without the code (the "(see List of Items Controlled)." tail is kept).
Its licence sections become notes of kind "other" labelled with the section title (the
Control(s)/Country Chart table as "NS applies to … — NS Column 1." lines), Related Controls and
Related Definitions notes of kind "related", HD2 sub-headings notes labelled "Heading". An item's
`text` is its paragraph without the label, which is in the code; "b. through x. [Reserved]"
gives one reserved item per letter. Category 5 prints groups A-E twice (Part 1, Part 2): each
group is one node, the second heading a "Heading" note. EAR99 and the annexes after it (List of
Explosives, Technical Note on "APP") are notes of their category.
"""

from __future__ import annotations

from collections import Counter

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile
from nlp.parse.ecfr_xml.inline import render_clean
from nlp.parse.ecfr_xml.walker import Walker
from nlp.parse.safe_xml import parse_xml

__all__ = ["parse"]

_CCL = "Supplement No. 1 to Part 774"


def parse(bundle: Bundle) -> ParsedDocument:
    if bundle.requested_date is None:
        raise ParseError(
            f"{bundle.source_id}: eCFR XML carries no date and the bundle has no requested_date"
        )
    file = _list_file(bundle)
    what = f"{bundle.source_id} ({file.url})"
    root = parse_xml(file.content, what=what)
    supplements = [d for d in root.iter("DIV9") if d.get("TYPE") == "APPENDIX"]
    ccl = [d for d in supplements if (d.get("N") or "").strip() == _CCL]
    if len(ccl) != 1:
        raise ParseError(f"{what}: expected one {_CCL!r} (DIV9), found {len(ccl)}")
    walker = Walker()
    walker.walk(ccl[0])
    entries = walker.tree.freeze(file.language)
    counts = Counter(e.kind for e in entries)
    if not counts["entry"]:
        raise ParseError(f"{what}: no ECCN headers found in {_CCL}")
    head = ccl[0].find("HEAD")
    stats = {"categories": counts["category"], "groups": counts["group"],
             "entries": counts["entry"], "items": counts["item"], **walker.stats}
    stats["supplements_skipped"] = len(supplements) - 1
    stats["sections_skipped"] = sum(1 for _ in root.iter("DIV8"))
    return ParsedDocument(
        version_date=bundle.requested_date,
        title=render_clean(head) if head is not None else _CCL,
        entries=entries,
        warnings=tuple(walker.warnings),
        stats=stats,
    )


def _list_file(bundle: Bundle) -> FetchedFile:
    files = [f for f in bundle.files if f.role == "list"]
    if len(files) != 1:
        raise ParseError(
            f"{bundle.source_id}: expected one file with role 'list', got {len(files)}"
        )
    return files[0]
