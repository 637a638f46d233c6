"""Justice Laws XML parser on the real Export Control List files (9 dates, English and French).

Facts come from FORMATS.md section 1 and the documents themselves; counts are cross-checked
against an independent lxml count over the raw XML using the method FORMATS.md states.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest

from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.justice_laws_xml import parse
from nlp.parse.safe_xml import parse_xml

pytestmark = pytest.mark.corpus

SOURCE = "canada-export-control-list-sor-89-202-justicecanada"
EN_URL = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
FR_URL = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"
DATES = [
    "2020-07-15", "2021-04-05", "2021-06-16", "2021-07-26", "2024-06-11",
    "2024-07-23", "2025-03-17", "2025-05-05", "2025-07-24",
]
# Labelled schedule items (method: top-level <Provision> with a <Label> in the main <Schedule>,
# NifProvs excluded). FORMATS.md states 38 (2020-07-15) and 41 (2025-07-24); the dates between
# follow from its version notes: 2021-07-26 adds 3-01 and 3-02, 2024-07-23 adds 5506.
LABELLED_ITEMS = {
    "2020-07-15": 38, "2021-04-05": 38, "2021-06-16": 38, "2021-07-26": 40, "2024-06-11": 40,
    "2024-07-23": 41, "2025-03-17": 41, "2025-05-05": 41, "2025-07-24": 41,
}
# FORMATS.md: all <Provision> elements of the main schedule (324 in 2025-07-24, 185 in 2020-07-15).
ALL_PROVISIONS = {"2020-07-15": 185, "2025-07-24": 324}
REPEALED_ITEMS = {"5000", "5001", "5011", "5105", "5202", "5300", "5500", "8000"}
# French nests 5504 paragraphs (d)-(i) under the item itself, English under subitem (2).
FR_5504_FLAT = re.compile(r"^5504(\([d-i]\))")


def _file(corpus: Path, prefix: str, date: str) -> Path:
    folder = corpus / "raw" / SOURCE / "versions"
    matches = sorted(folder.glob(f"{prefix}_current-{date}_commit-*.xml"))
    assert len(matches) == 1, f"{prefix} {date}: {matches}"
    return matches[0]


def _bundle(corpus: Path, date: str) -> Bundle:
    return Bundle(
        source_id=SOURCE,
        jurisdiction="CA",
        files=(
            FetchedFile(url=EN_URL, content=_file(corpus, "SOR-89-202", date).read_bytes(),
                        media_type="application/xml", language="en"),
            FetchedFile(url=FR_URL, content=_file(corpus, "DORS-89-202", date).read_bytes(),
                        media_type="application/xml", language="fr"),
        ),
        requested_date=dt.date.fromisoformat(date),
    )


_CACHE: dict[str, ParsedDocument] = {}


def _doc(corpus: Path, date: str) -> ParsedDocument:
    if date not in _CACHE:
        _CACHE[date] = parse(_bundle(corpus, date))
    return _CACHE[date]


def _lang(doc: ParsedDocument, language: str) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries if e.language == language}


def _main_schedule(path: Path) -> Any:
    root = parse_xml(path.read_bytes(), what=path.name)
    return next(s for s in root.findall("Schedule") if s.get("id") != "NifProvs")


@pytest.mark.parametrize("date", DATES)
def test_counts_and_date(corpus_dir: Path, date: str) -> None:
    doc = _doc(corpus_dir, date)
    assert doc.version_date == dt.date.fromisoformat(date)
    assert doc.warnings == ()
    for prefix, language in (("SOR-89-202", "en"), ("DORS-89-202", "fr")):
        entries = _lang(doc, language)
        schedule = _main_schedule(_file(corpus_dir, prefix, date))
        top = [p for p in schedule if p.tag == "Provision"]
        labelled = [p for p in top if p.find("Label") is not None]
        assert len(labelled) == LABELLED_ITEMS[date]  # the documented count, raw XML
        kinds = [e.kind for e in entries.values()]
        assert kinds.count("entry") == LABELLED_ITEMS[date], language
        assert kinds.count("group") == 9
        # Every schedule <Provision> is accounted for: a node, a group text, a NOTE or a note.
        group_texts = len(top) - len(labelled)
        note_blocks = sum(1 for e in entries.values() for n in e.notes if n.kind == "note")
        note_containers = sum(
            1 for p in schedule.iter("Provision")
            if p.find("Label") is None and p.getparent().tag == "Provision"
            and p.findall("Provision")
        )
        provisions = sum(1 for _ in schedule.iter("Provision"))
        assert (kinds.count("entry") + kinds.count("item") + group_texts + note_containers
                + note_blocks) == provisions, language
        if date in ALL_PROVISIONS:
            assert provisions == ALL_PROVISIONS[date]
        assert {c for c, e in entries.items() if e.status == "repealed" and e.kind == "entry"} \
            == REPEALED_ITEMS
        assert [e.position for e in entries.values()] == list(range(len(entries)))


@pytest.mark.parametrize("date", DATES)
def test_english_and_french_codes_match_except_5504_nesting(corpus_dir: Path, date: str) -> None:
    doc = _doc(corpus_dir, date)
    en, fr = set(_lang(doc, "en")), set(_lang(doc, "fr"))
    flat = {c for c in fr if FR_5504_FLAT.match(c)}
    assert len(flat) == 13  # 5504 d) e) f) g) g)(i)-(v) h) h)(i)-(ii) i)
    assert {FR_5504_FLAT.sub(r"5504(2)\1", c) for c in fr} == en
    assert _lang(doc, "fr")["5504(d)"].parent == "5504"
    assert _lang(doc, "en")["5504(2)(d)"].parent == "5504(2)"


@pytest.mark.parametrize("date", DATES)
def test_5506_only_once_in_force(corpus_dir: Path, date: str) -> None:
    doc = _doc(corpus_dir, date)
    for language in ("en", "fr"):
        assert ("5506" in _lang(doc, language)) == (date >= "2024-07-23"), language


@pytest.mark.parametrize(("plain", "with_nif"), [("2021-04-05", "2021-06-16"),
                                                 ("2021-07-26", "2024-06-11")])
def test_not_in_force_schedule_changes_nothing(corpus_dir: Path, plain: str, with_nif: str) -> None:
    # FORMATS.md: these dates differ only by the "AMENDMENTS NOT IN FORCE" schedule.
    raw = _file(corpus_dir, "SOR-89-202", with_nif).read_bytes()
    assert b'<Schedule id="NifProvs">' in raw
    assert _doc(corpus_dir, plain).entries == _doc(corpus_dir, with_nif).entries


def test_structure_of_2025_07_24(corpus_dir: Path) -> None:
    en = _lang(_doc(corpus_dir, "2025-07-24"), "en")
    fr = _lang(_doc(corpus_dir, "2025-07-24"), "fr")
    assert en["group-5"].heading == "Miscellaneous Goods and Technology"
    assert fr["group-5"].heading == "Marchandises et technologies diverses"
    assert en["group-8"].status == "repealed" and en["group-8"].heading.startswith("[Repealed")
    assert en["8000"].parent == "group-8"
    assert en["5000"].text == "[Repealed, SOR/97-19, s. 1]"
    assert en["5101"].heading == "Logs of all species of wood. (All destinations)"
    assert en["5101"].notes[0].text == "Forest Products > Logs"
    assert fr["5101"].notes[0].text == "Produits forestiers > Billes"
    assert en["3-01"].parent == "group-3" and en["3-01(2)(h)"].parent == "3-01(2)"
    assert en["9-3"].path == ("group-9", "9-3")
    assert en["9-3(a)(ii)"].path == ("group-9", "9-3", "9-3(a)", "9-3(a)(ii)")
    assert en["group-9"].text.startswith("The goods referred to in items 9-1 to 9-9")
    assert "(All destinations other than the United States)" in en["5504(2)(g)(v)"].text
    # Superscripts are marked, never glued to their base.
    assert "a total dose of 5 × 10^5 Rads (SI)" in en["5504(2)(g)(i)"].text
    assert "1 × 10^14 N/cm^2" in en["5504(2)(g)(iii)"].text
    assert "5 × 10^5 rad(SI)" in fr["5504(g)(i)"].text
    assert "2 x 10^8 pixels" in en["5506(2)(d)(iv)(D)"].text


def test_notes_are_separated(corpus_dir: Path) -> None:
    doc = _doc(corpus_dir, "2025-07-24")
    en, fr = _lang(doc, "en"), _lang(doc, "fr")
    quantum = en["5506(2)(c)(ii)"]
    labels = [n.label for n in quantum.notes if n.kind == "note"]
    assert labels == [f"NOTE {i}" for i in range(1, 11)]
    assert quantum.notes[0].text.startswith("Items in clause (B) include")
    assert [n.label for n in fr["5506(2)(c)(ii)"].notes] == [f"NOTA {i}" for i in range(1, 11)]
    assert en["5506(2)(a)(iii)"].notes[0].label == "NOTE"
    for entries in (en, fr):
        for entry in entries.values():
            assert not re.match(r"(NOTE|NOTA)\b", entry.text), entry.code
            assert "In subparagraph (iii), Graphic Design System" not in entry.text, entry.code


@pytest.mark.parametrize("date", DATES)
def test_no_layout_or_metadata_in_text(corpus_dir: Path, date: str) -> None:
    doc = _doc(corpus_dir, date)
    for entry in doc.entries:
        blob = " ".join([entry.heading, entry.text, *(n.text for n in entry.notes)])
        assert entry.heading, entry.code
        for layout in ("SCHEDULE", "ANNEXE", "(Section 2)", "(article 2)",
                       "AMENDMENTS NOT IN FORCE", "MODIFICATIONS NON EN VIGUEUR"):
            assert layout not in blob, (entry.code, layout)
        if entry.status != "repealed":
            # Amendment citations (HistoricalNote) are metadata; only repeal notices cite them.
            assert not re.search(r"\b(SOR|DORS)/\d", blob), entry.code
        assert not re.search(r"× 10\d", blob), entry.code  # a glued superscript


def test_cuktca_amendment_of_2021_04_05(corpus_dir: Path) -> None:
    # FORMATS.md: 2021-04-05 amends 5210 (adds CUKTCA / ACCCRU).
    before, after = _doc(corpus_dir, "2020-07-15"), _doc(corpus_dir, "2021-04-05")
    assert "CUKTCA" not in _lang(before, "en")["5210(c)"].text
    assert "CUKTCA" in _lang(after, "en")["5210(c)"].text
    assert "ACCCRU" in _lang(after, "fr")["5210(c)"].text


def test_parse_time(corpus_dir: Path) -> None:
    bundle = _bundle(corpus_dir, "2025-07-24")
    start = time.perf_counter()
    parse(bundle)
    assert time.perf_counter() - start < 2.0
