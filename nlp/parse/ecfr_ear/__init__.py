"""Parser for EAR regulation texts as served by the eCFR versioner API (XML): provisions.

Input: one or more files of `https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml`
with `?part=734`, `?part=738` or `?section=772.1` (root `DIV5` for a part, `DIV8` for a
section). The files carry no date of their own: the version is the date asked for.

Output: provisions as entries. A part is a node of kind "group" coded by its number ("734"),
sections and supplements are "section" nodes ("734.4", "738 Supp. No. 1"), numbered paragraphs
"paragraph" nodes coded by their full citation ("734.4(a)(1)", "734.9(e)(3)(i)(B)(2)"). § 772.1
gives one "paragraph" node per defined term ("772.1 Accuracy"). The Country Chart (Supp. No. 1 to
Part 738) is rendered as a note, one line per country; its cells are stored as a table by the
licensing processor. See FORMATS.md section 2 and nlp/parse/ecfr_ear/walker.py.
"""

from __future__ import annotations

from collections import Counter

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle
from nlp.parse.ecfr_ear.nodes import Nodes
from nlp.parse.ecfr_ear.walker import PartWalker
from nlp.parse.safe_xml import parse_xml

__all__ = ["parse"]


def parse(bundle: Bundle) -> ParsedDocument:
    if bundle.requested_date is None:
        raise ParseError(f"{bundle.source_id}: eCFR XML carries no date and the bundle has no requested_date")
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    nodes = Nodes()
    warnings: list[str] = []
    stats: Counter[str] = Counter()
    titles: list[str] = []
    languages = {f.language for f in bundle.files}
    if len(languages) > 1:
        raise ParseError(f"{bundle.source_id}: eCFR files in several languages {sorted(languages)}")
    for fetched in bundle.files:
        what = f"{bundle.source_id} {fetched.role} ({fetched.url})"
        root = parse_xml(fetched.content, what=what)
        walker = PartWalker(nodes, what)
        walker.walk(root)
        warnings.extend(walker.warnings)
        stats.update(walker.stats)
        number = (root.get("N") or "").strip()
        titles.append(f"part {number}" if root.tag == "DIV5" else f"§ {number}")
    warnings.extend(nodes.warnings)
    entries = nodes.freeze(bundle.files[0].language)
    if not any(e.kind == "section" for e in entries):
        raise ParseError(f"{bundle.source_id}: no sections (DIV8) found in any file")
    stats["entries"] = len(entries)
    return ParsedDocument(
        version_date=bundle.requested_date,
        title="15 CFR (EAR) " + ", ".join(titles),
        entries=entries,
        warnings=tuple(warnings),
        stats=dict(stats),
    )
