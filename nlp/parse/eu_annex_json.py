"""Parser for a third-party JSON parse of consolidated Regulation (EU) 2021/821 (`annex.json`):
the regulation's provisions, not its Annex I list.

The file (rikiosso/exports-watch `data/annex.json`, parsed upstream from EUR-Lex consolidated
version 02021R0821-YYYYMMDD) carries Annex I entries, `docs[]` and `geas[]`. Read here:
Article 2 (definitions, one node per numbered point "Art. 2(1)"), Articles 4 and 5 (catch-all
controls, one node per paragraph "Art. 4(1)"), Annex II general export authorisations EU001-EU008
(one node each, the items and destinations parts as notes) and Annex II Section I (the items no
authorisation covers). The Annex I docs (definitions of terms, notes, acronyms) belong to the list
and are counted in stats, not read. Version date: `valid_from` (the consolidation date).
It is not the authentic text (only the Official Journal is); the live endpoint is EUR-Lex
HTML/PDF. See FORMATS.md section 4b.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from exportwatch.errors import ParseError
from nlp.licensing.eu_gea import parse_authorisation
from nlp.model import Note, ParsedDocument, ParsedEntry
from nlp.parse import Bundle
from nlp.parse.json_input import json_object
from nlp.parse.justice_laws_xml.render import first_sentence
from nlp.parse.text import clean_text

__all__ = ["parse"]

REGULATION = "2021/821"
ANNEX_II = "Annex II"
SECTION_I = "Annex II Section I"
_ARTICLE_DOCS = {"definitions": 2, "article_4": 4, "article_5": 5}
_DEF_POINT = re.compile(r"\((\d{1,2})\)\s+(?=[‘'\"“])")
_PARA = re.compile(r"(?:(?<=^)|(?<=[.;:)\s]))(\d{1,2})\.\s*(?=[A-Z])")


def parse(bundle: Bundle) -> ParsedDocument:
    if len(bundle.files) != 1:
        raise ParseError(f"{bundle.source_id}: expected one annex.json file, got {len(bundle.files)}")
    fetched = bundle.files[0]
    what = f"{bundle.source_id} ({fetched.url})"
    data = json_object(fetched.content, what)
    warnings: list[str] = []
    stats: Counter[str] = Counter()
    version = _date(data, what)
    language = fetched.language
    entries: list[ParsedEntry] = []

    def add(code: str, parent: tuple[str, ...], kind: str, heading: str, text: str,
            notes: tuple[Note, ...] = ()) -> tuple[str, ...]:
        path = (*parent, code)
        entries.append(ParsedEntry(code=code, parent=parent[-1] if parent else None, path=path,
                                   kind=kind, heading=heading, text=text, language=language,  # type: ignore[arg-type]
                                   notes=notes, position=len(entries)))
        return path

    celex = str(data.get("corpus_version") or data.get("celex") or "")
    top = add(REGULATION, (), "group", "Regulation (EU) 2021/821 (dual-use items)",
              f"Regulation (EU) 2021/821, consolidated version {celex}",
              (Note("other", "Source", str(data.get("attribution") or "")),))
    docs = data.get("docs")
    if not isinstance(docs, list):
        raise ParseError(f"{what}: no docs[] list")
    for doc in docs:
        kind = doc.get("doc_type") if isinstance(doc, dict) else None
        if kind in _ARTICLE_DOCS:
            _article(_ARTICLE_DOCS[kind], doc, top, add, warnings, stats)
        else:
            stats[f"docs_not_read.{kind}"] += 1
    annex = add(ANNEX_II, top, "section", "Union general export authorisations", "")
    common = data.get("gea_common_list")
    if isinstance(common, str) and common.strip():
        add(SECTION_I, annex, "section", "Items excluded from the Union general export authorisations",
            common.strip())
        stats["section_i"] += 1
    else:
        warnings.append(f"{what}: no gea_common_list (Annex II Section I)")
    geas = data.get("geas")
    if not isinstance(geas, list) or not geas:
        raise ParseError(f"{what}: no geas[] (Annex II general export authorisations)")
    for gea in geas:
        _authorisation(gea, annex, add, warnings, stats, what)
    title = f"Regulation (EU) 2021/821 ({celex}): Articles 2, 4, 5 and Annex II"
    return ParsedDocument(version_date=version, title=title, entries=tuple(entries), warnings=tuple(warnings),
                          stats=dict(stats))



def _date(data: dict[str, Any], what: str) -> dt.date:
    value = data.get("valid_from")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParseError(f"{what}: valid_from {value!r} is not a date") from None


def _article(number: int, doc: dict[str, Any], top: tuple[str, ...], add: Any,
             warnings: list[str], stats: Counter[str]) -> None:
    text = clean_text(str(doc.get("verbatim_text") or ""))
    title = str(doc.get("title") or f"Article {number}")
    body = re.sub(rf"^Article\s*{number}\s*", "", text)
    heading = title.split("—", 1)[-1].strip()
    pieces = _sequential(_DEF_POINT if number == 2 else _PARA, body)
    intro = pieces[0][1] if pieces and pieces[0][0] == "" else ""
    parent = add(f"Art. {number}", top, "section", heading, intro)
    numbered = [(n, t) for n, t in pieces if n]
    if not numbered:
        warnings.append(f"Article {number}: no numbered points found; kept whole")
        add(f"Art. {number}(1)", parent, "paragraph", first_sentence(body), body)
    for n, t in numbered:
        add(f"Art. {number}({n})", parent, "paragraph", first_sentence(t), t)
        stats[f"article_{number}_points"] += 1


def _sequential(pattern: re.Pattern[str], text: str) -> list[tuple[str, str]]:
    """Split at "(1)", "(2)", … (or "1.", "2.", …) only where the numbers run in sequence, so
    a cross-reference such as "point (11) of this Article" is not taken for a new point."""
    cuts: list[tuple[int, int, str]] = []
    expected = 1
    for m in pattern.finditer(text):
        if int(m.group(1)) == expected:
            cuts.append((m.start(), m.end(), m.group(1)))
            expected += 1
    out: list[tuple[str, str]] = []
    if not cuts or cuts[0][0] > 0:
        out.append(("", text[:cuts[0][0]].strip() if cuts else text))
    for i, (_, end, number) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        out.append((number, text[end:stop].strip()))
    return out


def _authorisation(gea: Any, annex: tuple[str, ...], add: Any, warnings: list[str],
                   stats: Counter[str], what: str) -> None:
    if not isinstance(gea, dict) or not re.fullmatch(r"EU\d{3}", str(gea.get("id", ""))):
        warnings.append(f"{what}: a geas[] item without an EU0nn id skipped")
        return
    gid = str(gea["id"])
    text = str(gea.get("verbatim_text") or "")
    title = clean_text(str(gea.get("title") or gid))
    auth = parse_authorisation(gid, title, text)
    heading = re.sub(rf"^{gid}\s*[—–-]\s*(?:[A-H]\.\s*)?", "", auth.title)
    warnings.extend(auth.warnings)
    notes = (Note("other", "Part 1 – Items", clean_text(auth.items_text)),
             Note("other", "Part 2 – Destinations", clean_text(auth.destinations_text)))
    add(gid, annex, "section", heading,
        "\n".join(clean_text(line) for line in text.splitlines() if line.strip()), notes)
    stats["authorisations"] += 1
