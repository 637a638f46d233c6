"""The DSGL DOCX parser on the real Defence and Strategic Goods List 2024 (F2024L01024.docx)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.dsgl_docx import parse
from nlp.parse.dsgl_docx.patterns import next_label, note_marker
from nlp.parse.text import clean_text

pytestmark = pytest.mark.corpus

REL = Path("raw/australia-dsgl-2024-defence-parser/F2024L01024.docx")
URL = "https://www.legislation.gov.au/F2024L01024/asmade/2024-08-14/text/original/word"

# FORMATS.md §6: "375 Part-2 entries (method: `^\d\.\s*[A-E]\.\s*\d{3}\.` in Part 2 before the
# Sensitive list; per category 0:13 1:95 2:53 3:46 4:14 5:13 6:37 7:33 8:8 9:63)".
FORMATS_COUNTS = {"0": 13, "1": 95, "2": 53, "3": 46, "4": 14, "5": 13, "6": 37, "7": 33, "8": 8,
                  "9": 63}
FORMATS_ENTRY = re.compile(r"^\d\.\s*[A-E]\.\s*\d{3}\.")
# Five entry lines print their number without the final dot ("3.\tA.\t901\tComplementary …"), so
# the FORMATS method misses them; they are entries all the same.
UNDOTTED = {"3A901", "4E901", "7D001", "7D002", "7D103"}
UNDOTTED_ENTRY = re.compile(r"^(\d)\.\s*([A-E])\.\s*(\d{3})\t")
ML_CODES = {f"ML{n}" for n in range(1, 23)} | {f"ML{n}" for n in (901, 902, 903, 904, 905, 908, 909, 910)}


@pytest.fixture(scope="module")
def path(corpus_dir: Path) -> Path:
    return corpus_dir / REL


@pytest.fixture(scope="module")
def parsed(path: Path) -> tuple[ParsedDocument, float]:
    bundle = Bundle("au-dsgl-2024", "AU", (FetchedFile(url=URL, content=path.read_bytes()),))
    start = time.perf_counter()
    result = parse(bundle)
    return result, time.perf_counter() - start


@pytest.fixture(scope="module")
def doc(parsed: tuple[ParsedDocument, float]) -> ParsedDocument:
    return parsed[0]


@pytest.fixture(scope="module")
def by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


@pytest.fixture(scope="module")
def part_paragraphs(path: Path) -> tuple[list[Paragraph], list[Paragraph]]:
    """(Part 1 paragraphs, Part 2 paragraphs up to the Sensitive list), read with python-docx."""
    paras = docx.Document(str(path)).paragraphs
    heads = {p.text: i for i, p in enumerate(paras) if p.style is not None and p.style.name.startswith("ActHead")}
    part1 = heads["Part\u00a01\u2014Munitions list"]
    part2 = heads["Part\u00a02\u2014Dual-use list"]
    sensitive = heads["Sensitive list of dual-use goods and technologies"]
    return paras[part1:part2], paras[part2:sensitive]


def test_parse_time(parsed: tuple[ParsedDocument, float]) -> None:
    seconds = parsed[1]
    print(f"DSGL 2024 parse time: {seconds:.2f} s")
    assert seconds < 5.0


def test_version_and_title(doc: ParsedDocument) -> None:
    assert doc.version_date == dt.date(2024, 8, 14)  # "Dated 14 August 2024"
    assert doc.title == "Defence and Strategic Goods List 2024"


def test_part2_entry_counts(doc: ParsedDocument, part_paragraphs: tuple[list[Paragraph], list[Paragraph]]) -> None:
    _, part2 = part_paragraphs
    formats_codes = set()
    undotted = set()
    for p in part2:
        m = FORMATS_ENTRY.match(p.text)
        if m:
            formats_codes.add(re.sub(r"[\s.]", "", m.group(0)))
        u = UNDOTTED_ENTRY.match(p.text)
        if u:
            undotted.add("".join(u.groups()))
    # The FORMATS method, re-run on the document, gives FORMATS' numbers ...
    assert Counter(c[0] for c in formats_codes) == Counter(FORMATS_COUNTS)
    assert undotted == UNDOTTED
    # ... and the parser finds exactly those entries plus the five undotted ones.
    mine = {e.code for e in doc.entries if e.kind == "entry" and not e.code.startswith("ML")}
    assert mine == formats_codes | UNDOTTED
    counts = Counter(c[0] for c in mine)
    expected = Counter(FORMATS_COUNTS) + Counter(c[0] for c in UNDOTTED)
    assert counts == expected
    assert sum(counts.values()) == 380


def test_munitions_entries(by_code: dict[str, ParsedEntry], doc: ParsedDocument) -> None:
    ml = {e.code for e in doc.entries if e.kind == "entry" and e.code.startswith("ML")}
    assert ml == ML_CODES
    assert by_code["ML"].kind == "category" and by_code["ML"].heading == "Munitions List"
    assert all(by_code[c].parent == "ML" for c in ML_CODES)
    assert by_code["ML903"].status == "not-used"
    assert by_code["ML1"].heading.startswith("Smooth-bore weapons with a calibre of less than 20 mm")
    assert by_code["ML1.a"].text.startswith("Rifles and combination guns")
    assert by_code["ML1.b"].parent == "ML1" and by_code["ML1.b.2.b"].parent == "ML1.b.2"
    assert by_code["ML8.a.10"].text.startswith("DIPAM (3,3′-diamino-2,2′,4,4′,6,6′-hexanitrobiphenyl")
    assert by_code["ML8.a.10"].path == ("ML", "ML8", "ML8.a", "ML8.a.10")
    assert by_code["ML22.b.5"].parent == "ML22.b"


def test_dual_use_entries(by_code: dict[str, ParsedEntry]) -> None:
    assert by_code["0"].heading == "Nuclear materials, facilities and equipment"
    assert by_code["0A"].heading == "Systems, Equipment and Components"
    e = by_code["0A001"]
    assert (e.kind, e.parent) == ("entry", "0A")
    assert e.heading.startswith("“Nuclear reactors” and specially designed or prepared equipment")
    assert by_code["0A001.a"].text == "“Nuclear reactors”;"
    assert by_code["0A001.j"].parent == "0A001"  # full-path re-opening "0.\tA.\t001.\tj.\t…"
    assert by_code["0A001.j"].text.startswith("Neutron detectors")
    assert by_code["0A001.k"].text.startswith("‘External thermal shields’")
    assert by_code["3A001.a"].heading == "General purpose integrated circuits, as follows:"
    assert by_code["3A001.a.1"].parent == "3A001.a"
    assert by_code["3A001.a.1.a"].text == "A total dose of 5 x 10^3 Gy (silicon) or higher;"
    assert by_code["3A001.b"].heading == "Microwave or millimetre wave items, as follows:"
    assert by_code["3A001.b.1"].text.startswith("“Vacuum electronic devices” and cathodes")
    assert by_code["3A001.b.12"].parent == "3A001.b"
    assert by_code["1C350.91"].text == "N,N-Dipropylisobutanamidine (CAS 1342700-45-1)."
    assert by_code["8A002.o.3.a"].parent == "8A002.o.3"  # path printed without its "8."
    # "1.\ta.\tVoltage rating …": two labels on one line.
    assert by_code["3A201.a.1.a"].text == "Voltage rating greater than 1.4 kV;"
    assert by_code["3A201.a.2.c"].text == "Series inductance less than 10 nH;"
    assert by_code["5A"].parent == "5"  # Category 5 Part 1 and Part 2 share the group
    assert by_code["5A002"].parent == "5A"


def test_tree_is_consistent(doc: ParsedDocument) -> None:
    codes = [e.code for e in doc.entries]
    assert len(codes) == len(set(codes))
    assert [e.position for e in doc.entries] == list(range(len(doc.entries)))
    seen: set[str] = set()
    children: defaultdict[str, list[str]] = defaultdict(list)
    for e in doc.entries:
        assert e.parent is None or e.parent in seen, e.code
        seen.add(e.code)
        if e.kind == "item":
            assert e.code.startswith(f"{e.parent}.")
            children[str(e.parent)].append(e.code.rsplit(".", 1)[1])
    # Every list runs a., b., c. … or 1., 2., 3. … without gaps: nothing misplaced or lost.
    for parent, labels in children.items():
        assert labels[0] in ("a", "1"), parent
        assert all(next_label(a) == b for a, b in itertools.pairwise(labels)), (parent, labels)


def _num_id(p: Paragraph) -> str | None:
    el = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if el is None else str(el.get(qn("w:val")))


def _all_text(doc: ParsedDocument) -> str:
    parts = []
    for e in doc.entries:
        parts.append(e.text)
        parts.extend(n.text for n in e.notes)
    return "\n".join(parts)


def test_no_auto_numbered_paragraph_lost(doc: ParsedDocument, by_code: dict[str, ParsedEntry],
                                         part_paragraphs: tuple[list[Paragraph], list[Paragraph]]) -> None:
    numbered = [p for part in part_paragraphs for p in part if _num_id(p) not in (None, "0")]
    assert len(numbered) == 65  # FORMATS §6
    text = _all_text(doc).replace("^", "")
    for p in numbered:
        marker = note_marker(p.text)  # a note's marker is its label, not part of its text
        body = marker.rest if marker is not None else p.text
        probe = clean_text(body).replace("\u00b5", "\u03bc")[:60]
        assert probe in text, probe
    # Their labels come from the Word numbering.
    assert by_code["9B009.a"].text.startswith("Designed to operate at stress levels of 60%")
    assert by_code["9B009.b"].text == "Designed to operate at 873 K (600°C) or more."
    assert by_code["9A115.a"].text.startswith("Apparatus and devices for handling")
    assert by_code["5A003.a"].text.startswith("Communications cable systems")
    assert by_code["5A002.a.4.b"].text.startswith("It is performed by incorporated equipment")
    assert by_code["9E003.a.2.e"].text == "Utilising 'pressure gain combustion';"
    # "Designed to keep centered a rotor spinning at 600 Hz or more" is point 1. of the Note
    # "Bearings specified by 0B001.b.7.b. usually have the following characteristics:", as in the
    # EU list; the item list goes on with 0B001.b.8.
    note = by_code["0B001.b.7.b"].notes[0]
    assert note.kind == "note"
    assert "1. Designed to keep centered a rotor spinning at 600 Hz or more; and 2. Associated" in note.text
    assert by_code["0B001.b.8"].text.startswith("Specially designed or prepared bearings")


def test_notes_are_separated(doc: ParsedDocument, by_code: dict[str, ParsedEntry]) -> None:
    marker = re.compile(r"(^|\s)(Note\s*\d*:|N\.\s?B\.|Technical Notes?:)")
    for e in doc.entries:
        assert not marker.search(e.text), (e.code, e.text[:120])
    note = by_code["0A001.h"].notes[0]
    assert (note.kind, note.label) == ("note", "Note")
    assert note.text.startswith("In 0A001.h. ‘nuclear reactor internals’ means")
    assert [(n.kind, n.label) for n in by_code["0A001.f"].notes] == [("nb", "N.B.1"), ("nb", "N.B.2")]
    # Notes that name their node go to it, even when printed after its last sub-item.
    assert [n.label for n in by_code["1C350"].notes] == ["N.B.", "Note 1", "Note 2", "Note 3", "Note 4"]
    assert by_code["ML7"].notes[0].text.startswith("ML7.b. and ML7.d. do not apply to the following:")
    tech = [n for n in by_code["1C003.a"].notes if n.kind == "technical-note"]
    assert tech and tech[0].text.startswith("For the purposes of 1C003.a., measurement")
    table = by_code["2E003.f"].notes
    assert [n.label for n in table][-3:] == [
        "TABLE — DEPOSITION TECHNIQUES",
        "TABLE — DEPOSITION TECHNIQUES: NOTES",
        "TABLE — DEPOSITION TECHNIQUES: TECHNICAL NOTE",
    ]
    assert "Chemical Vapour Deposition (CVD)" in table[-3].text


def test_no_layout_or_private_characters(doc: ParsedDocument, by_code: dict[str, ParsedEntry]) -> None:
    text = _all_text(doc)
    for junk in ("OPC64741", "Defence and Strategic Goods List 2021", "Authorised Version", "\t"):
        assert junk not in text, junk
    assert not re.search("[\ue000-\uf8ff]", text)
    assert "\u00b5" not in text and "\u03bc" in text
    assert by_code["ML7.d.1"].text.startswith("α-Bromobenzeneacetonitrile")
    assert "(ω-chloroacetophenone)" in by_code["ML7.d.3"].text
    assert "3 x 10^12 Hz" in by_code["1C001.a"].text
    assert "^" not in by_code["0B001.f.1"].text and "(100°C)" in by_code["0B001.f.1"].text


def test_warnings_are_few_and_located(doc: ParsedDocument) -> None:
    assert len(doc.warnings) <= 15, doc.warnings
    assert all(w.startswith(("paragraph ", "table ")) for w in doc.warnings)
    assert not any("fits neither" in w or "occurs twice" in w for w in doc.warnings)
    assert any("ML910.e continues the note's list" in w for w in doc.warnings)
