"""EU Annex I parser on the two real consolidated PDFs of Regulation 2021/821 (FORMATS.md §4a).

Expected numbers come from FORMATS.md, not from the parser: 366 entries per date, counted there
as lines matching `^ {6}\\d[A-E]\\d{3}\\s` between `ANNEX I` and `ANNEX II` minus the
`(continued)` lines, per category 0:15 1:92 2:52 3:39 4:11 5:13 6:36 7:37 8:8 9:63; Annex I is
the same at both dates; annex.json (2025, §4b) has the same codes plus 18 new ones.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.eurlex_pdf import parse, parse_layout_text
from nlp.parse.tools import pdf_to_layout_text

pytestmark = pytest.mark.corpus

PDF_DIR = Path("raw/km-stat-export-control-code-lists/eu dual use lists")
FILES = {
    "2022-01-07": "2022-01-07 CELEX_02021R0821-20220107_EN_TXT.pdf",
    "2022-05-05": "2022-05-05 CELEX_02021R0821-20220505_EN_TXT.pdf",
}
PER_CATEGORY = {"0": 15, "1": 92, "2": 52, "3": 39, "4": 11, "5": 13, "6": 36, "7": 37, "8": 8, "9": 63}
NEW_IN_2025 = {
    "1C513", "2B510", "2D352", "2E503", "3A501", "3A502", "3A504", "3B501", "3B503", "3B504",
    "3C507", "3C508", "3C509", "3D006", "3D507", "3E505", "4A506", "4A507",
}
NOTE_TITLE = re.compile(r"(?:^|\s)(?:Technical )?Notes?(?: \d+)?:|N\.B\.")
# Seconds per date: pdftotext, then our parse of its text.
SECONDS: dict[str, tuple[float, float]] = {}


@pytest.fixture(scope="module", params=sorted(FILES))
def doc(request: pytest.FixtureRequest, corpus_dir: Path) -> ParsedDocument:
    return _parse(corpus_dir, request.param)


_CACHE: dict[str, ParsedDocument] = {}


def _bundle(corpus_dir: Path, date: str) -> Bundle:
    content = (corpus_dir / PDF_DIR / FILES[date]).read_bytes()
    url = f"https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-{date.replace('-', '')}"
    return Bundle(source_id="eu-annex-i", jurisdiction="eu",
                  files=(FetchedFile(url=url, content=content, media_type="application/pdf"),))


def _parse(corpus_dir: Path, date: str) -> ParsedDocument:
    """parse(bundle) in its two steps, timed apart: pdftotext's time is not ours to cut."""
    if date not in _CACHE:
        pdf = _bundle(corpus_dir, date).files[0]
        start = time.perf_counter()
        text = pdf_to_layout_text(pdf.content)
        middle = time.perf_counter()
        _CACHE[date] = parse_layout_text(text)
        SECONDS[date] = (middle - start, time.perf_counter() - middle)
    return _CACHE[date]


def by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


def test_version_date_is_the_consolidation_date(doc: ParsedDocument) -> None:
    assert doc.version_date.isoformat() in FILES
    assert "2021/821" in doc.title


def test_entry_counts_per_category(doc: ParsedDocument) -> None:
    entries = [e for e in doc.entries if e.kind == "entry"]
    assert len(entries) == 366
    assert Counter(e.code[0] for e in entries) == PER_CATEGORY
    assert [e.code for e in doc.entries if e.kind == "category"] == list("0123456789")
    assert doc.stats["entries"] == 366
    # ~176 term starts in Part I's definitions (FORMATS.md §4a), only counted.
    assert doc.stats["definitions"] == 176


def test_codes_unique_parents_known_and_in_order(doc: ParsedDocument) -> None:
    seen: set[str] = set()
    for position, entry in enumerate(doc.entries):
        assert entry.code not in seen
        assert entry.position == position
        assert entry.parent is None or entry.parent in seen  # parents come first
        if entry.kind == "item":
            assert entry.parent is not None and entry.code.startswith(entry.parent + ".")
        seen.add(entry.code)
    kinds = Counter(e.kind for e in doc.entries)
    assert kinds["group"] == 55  # 5 per category, Category 5 twice (5A1…5E1, 5A2…5E2)
    assert kinds["item"] > 2500


def test_known_entries(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    assert entries["3A001"].heading == "Electronic items as follows:"
    assert entries["3A001"].parent == "3A"
    assert entries["3A001.b.1"].parent == "3A001.b"
    assert entries["3A001.b.1"].heading.startswith('"Vacuum electronic devices" and cathodes')
    assert entries["1A001"].heading == "Components made from fluorinated compounds, as follows:"
    assert entries["1A002.b.1.a"].text.startswith('A "specific modulus" exceeding 10,15 × 106 m')
    assert [n.label for n in entries["1A002"].notes] == [
        "N.B.", "Note 1", "Note 2", "Note 3", "Note 4", "Note 5"]
    assert entries["1A002"].notes[1].text.startswith('1A002 does not control "composite" structures')
    assert entries["0A001.h"].notes[0].label == "Technical Note"
    assert entries["0B001.b.14.b"].parent == "0B001.b.14"  # after `0B001   b. (continued)`
    assert entries["1C350.89"].parent == "1C350"  # numbers straight under an entry
    assert entries["5A002"].parent == "5A2" and entries["5A001"].parent == "5A1"
    assert entries["3A201.a.1.a"].text == "Voltage rating greater than 1,4 kV;"  # `1. a.` on one line
    assert entries["4E001.a"].parent == "4E001"  # `4E001   a. "Technology" …`


def test_not_used(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    for code in ("4D002", "4D003"):
        assert entries[code].status == "not-used"
        assert entries[code].text == "Not used"
    assert entries["1A001.b"].status == "not-used"
    assert entries["2E003.a"].status == "not-used"


def test_no_page_furniture_in_any_text(doc: ParsedDocument) -> None:
    for entry in doc.entries:
        texts = [entry.heading, entry.text] + [n.label + " " + n.text for n in entry.notes]
        for text in texts:
            for junk in ("02021R0821", "▼", "►", "(continued)", "\u00ad", "\f", "σημείωσ"):
                assert junk not in text, (entry.code, junk)


def test_notes_are_kept_out_of_the_text(doc: ParsedDocument) -> None:
    assert [e.code for e in doc.entries if NOTE_TITLE.search(e.text)] == []
    labels = Counter(n.label for e in doc.entries for n in e.notes)
    # FORMATS.md counts title lines in all of Annex I: `Note:` 235, `Technical Note:` 187, `N.B.`
    # 167, `Technical Notes:` 80, incl. (continued) lines and Part I; notes inside notes stay in
    # their text, so fewer here.
    assert 200 <= labels["Note"] <= 235
    assert 150 <= labels["Technical Note"] <= 187
    assert 120 <= labels["N.B."] <= 167
    assert 60 <= labels["Technical Notes"] <= 80


def test_tables_footnotes_and_category_notes(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    table = entries["2E003.f"].text  # announces "the following table", printed after 2E301
    assert "Deposition techniques" in table
    assert '[A. Chemical Vapour Deposition (CVD) | "Superalloys" | Aluminides for internal passages]' in table
    assert "Table" not in entries["2E301"].text
    assert any(n.label == "TABLE - DEPOSITION TECHNIQUES - TECHNICAL NOTE" for n in entries["2E003.f"].notes)
    assert any(n.label.startswith("Footnote (1)") for n in entries["2B201"].notes)
    assert any("ADJUSTED PEAK PERFORMANCE" in n.label for n in entries["4"].notes)
    assert [n.label for n in entries["5"].notes][:2] == ["Part 1, Note 1", "Part 1, Note 2"]


def test_only_the_documents_own_misprints_are_warned(doc: ParsedDocument) -> None:
    # Three (continued) lines of the PDF name the wrong place: `2B116` on a page of 2B201, `3B001`
    # on a page of 3E002, `8A001 b. 1.` inside 8A001.c.1.
    assert len(doc.warnings) == 3
    assert [w.split(" ")[0] for w in doc.warnings] == ["2B116", "3B001", "8A001"]


def test_both_dates_give_identical_annex_i(corpus_dir: Path) -> None:
    first, second = (_parse(corpus_dir, date) for date in sorted(FILES))
    assert first.version_date != second.version_date

    def key(doc: ParsedDocument) -> list[tuple[object, ...]]:
        return [(e.code, e.parent, e.kind, e.heading, e.text, e.status, e.notes) for e in doc.entries]

    assert key(first) == key(second)


def test_codes_match_annex_json_of_2025(corpus_dir: Path, doc: ParsedDocument) -> None:
    data = json.loads((corpus_dir / "raw/eu-2021-821-annex-i-rikiosso/annex.json").read_text("utf-8"))
    codes_2025 = {e["entry_code"] for e in data["entries"]}
    ours = {e.code for e in doc.entries if e.kind == "entry"}
    assert codes_2025 - ours == NEW_IN_2025
    assert ours - codes_2025 == set()
    # Sub-item codes: annex.json prefixes each line with a synthetic path. 341 of 366 entries have
    # exactly our item codes; the rest differ by 2025 amendments or by note lists annex.json
    # numbers as items (9A106.c.1 is a Technical Note's list).
    ref: dict[str, set[str]] = {}
    for entry in data["entries"]:
        paths = {line.split(" ", 1)[0] for line in entry["verbatim_text"].split("\n")}
        ref[entry["entry_code"]] = {p for p in paths if p.startswith(entry["entry_code"])}
    mine: dict[str, set[str]] = {}
    for e in doc.entries:
        if e.kind in ("entry", "item"):
            mine.setdefault(e.code[:5], set()).add(e.code)
    same = sum(1 for code, items in mine.items() if ref.get(code) == items)
    assert same >= 335


def test_parse_of_the_bundle_is_the_same(corpus_dir: Path) -> None:
    date = "2022-01-07"
    assert parse(_bundle(corpus_dir, date)) == _parse(corpus_dir, date)


def test_parse_time(corpus_dir: Path) -> None:
    for date in sorted(FILES):
        _parse(corpus_dir, date)
        pdftotext, ours = SECONDS[date]
        print(f"eurlex-pdf {date}: pdftotext {pdftotext:.2f} s + parse {ours:.2f} s")
        # pdftotext needs 0.3 s of CPU for the January PDF but 4 s for the May one (same text).
        assert ours < 3
