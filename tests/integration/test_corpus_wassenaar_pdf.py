"""The Wassenaar 2025 PDF parser on the real `WA-LIST (25) 1 Corr.` (243 pages), FORMATS.md 5b.

Entry counts are checked two ways: against the numbers measured on the document with the
FORMATS method (full codes `x. Y. n.` at the start of a line before the Sensitive List, plus
bare entry numbers `       2.` that continue the entry numbering under a group heading;
165 + 8 = 173, FORMATS says ≈173), and against an independent count made here from the raw
pdftotext output with that method. The upstream `combined.json` (568 "wassenaar_2025" records,
full codes only) must be a subset of the parsed codes.
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
from nlp.parse.tools import pdf_to_layout_text
from nlp.parse.wassenaar_pdf import parse

pytestmark = pytest.mark.corpus

FOLDER = "raw/wassenaar-2025-india-scomet-2024-ecfr-jaepaly"
URL = "https://www.wassenaar.org/app/uploads/2026/01/WA-LIST-25-1-Corr.pdf"
# measured on the document (see the module docstring); FORMATS: ≈173 x.Y.n entries
ENTRIES_PER_CATEGORY = {"1": 28, "2": 16, "3": 21, "4": 10, "5": 10, "6": 30, "7": 20,
                        "8": 8, "9": 30, "ML": 22}
# entries printed only as a bare number under their group (`       2.   "Software" for …`)
BARE_ENTRIES = {"1.D.2", "1.D.3", "2.D.1", "4.A.1", "6.B.1", "6.B.3", "6.D.1", "6.D.2"}
_CODE_REF = re.compile(
    r"(?<![\w.])((?:\d\.[A-E]\.\d{1,2}|ML\d{1,2})\.(?:(?:[a-z]{1,2}|\d{1,2})\.)*)")


@pytest.fixture(scope="module")
def pdf_path(corpus_dir: Path) -> Path:
    return corpus_dir / FOLDER / "wassenaar_2025.pdf"


@pytest.fixture(scope="module")
def timed(pdf_path: Path) -> tuple[ParsedDocument, float]:
    bundle = Bundle(source_id="wassenaar-2025", jurisdiction="WA", files=(
        FetchedFile(url=URL, content=pdf_path.read_bytes(), media_type="application/pdf",
                    language="en", role="list"),))
    start = time.perf_counter()
    doc = parse(bundle)
    return doc, time.perf_counter() - start


@pytest.fixture(scope="module")
def doc(timed: tuple[ParsedDocument, float]) -> ParsedDocument:
    return timed[0]


@pytest.fixture(scope="module")
def nodes(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


def test_parses_fast_and_cleanly(timed: tuple[ParsedDocument, float]) -> None:
    doc, seconds = timed
    assert seconds < 10, f"parse took {seconds:.1f} s"
    assert doc.warnings == ()
    assert doc.version_date.isoformat() == "2026-01-15"
    assert "WA-LIST (25) 1 Corr." in doc.title
    assert doc.stats["pages"] == 243


def test_entry_counts_per_category(doc: ParsedDocument) -> None:
    counts = Counter(e.path[0] for e in doc.entries if e.kind == "entry")
    assert dict(counts) == ENTRIES_PER_CATEGORY
    assert sum(v for k, v in counts.items() if k != "ML") == 173


def test_entry_counts_match_an_independent_count(doc: ParsedDocument, pdf_path: Path) -> None:
    text = pdf_to_layout_text(pdf_path.read_bytes())
    dual = text[: text.index("THE SENSITIVE LIST OF DUAL-USE GOODS")]
    found: set[str] = set()
    full_codes: set[str] = set()
    group: str | None = None
    last = 0
    for line in dual.splitlines():
        line = line.lstrip("\f")
        if re.match(r"^(?:ANNEX|\s*TABLE - |\s*TECHNICAL NOTE ON )", line.strip()):
            group = None  # annexes and tables number their own paragraphs
            continue
        full = re.match(r"^ ?(\d)\.\s+([A-E])\.\s+(\d+)\.", line)
        heading = re.match(r"^(\d)\.\s+([A-E])\.\s+(?:Part \d\.\s+)?[A-Z]{4}", line)
        bare = re.match(r"^ {5,10}(\d{1,2})\.\s", line)
        if full:
            group, last = f"{full.group(1)}.{full.group(2)}", int(full.group(3))
            found.add(f"{group}.{last}")
            full_codes.add(f"{group}.{last}")
        elif heading:
            group, last = f"{heading.group(1)}.{heading.group(2)}", 0
        elif bare and group and int(bare.group(1)) == last + 1:
            last += 1
            found.add(f"{group}.{last}")
    parsed = {e.code for e in doc.entries if e.kind == "entry" and e.path[0] != "ML"}
    assert found == parsed
    assert len(full_codes) == 165  # FORMATS: "only 165 appear as full codes at line start"
    assert parsed - full_codes == BARE_ENTRIES


def test_categories_groups_and_munitions(nodes: dict[str, ParsedEntry]) -> None:
    assert nodes["3"].heading == "Electronics"
    assert nodes["5"].heading == 'Telecommunications and "Information Security"'
    assert nodes["3.A"].heading == "SYSTEMS, EQUIPMENT AND COMPONENTS"
    assert nodes["5.A"].kind == "group"  # both parts of Category 5 share it
    assert [f"ML{n}" for n in range(1, 23)] == sorted(
        (c for c in nodes if re.fullmatch(r"ML\d+", c)), key=lambda c: int(c[2:]))
    assert nodes["ML"].heading == "Munitions List"


@pytest.mark.parametrize(("code", "parent", "heading"), [
    ("3.A.1", "3.A", "Electronic items as follows:"),
    ("3.A.1.b", "3.A.1", "Microwave or millimetre wave items, as follows:"),
    ("3.A.1.b.1", "3.A.1.b", '"Vacuum electronic devices" and cathodes, as follows:'),
    ("3.A.1.a.9", "3.A.1.a", "Neural network integrated circuits;"),
    ("1.A.4.a.1", "1.A.4.a", '"Biological agents";'),
    ("1.D.2", "1.D", '"Software" for the "development" of organic "matrix", metal "matrix" or '
     'carbon "matrix" laminates or "composites".'),
    ("6.A.5.d.4.b", "6.A.5.d.4",
     "Output wavelength exceeding 150 nm but not exceeding 190 nm and any of the following:"),
    ("ML8.a.17", "ML8.a", "NTNMH (1-(2-nitrotriazolo)-2-dinitromethylene hydrazine);"),
    ("ML1.b.2", "ML1.b", "Other smooth-bore weapons as follows:"),
])
def test_codes_with_headings(nodes: dict[str, ParsedEntry], code: str, parent: str,
                             heading: str) -> None:
    assert nodes[code].parent == parent
    assert nodes[code].heading == heading


def test_not_used_items(nodes: dict[str, ParsedEntry]) -> None:
    for code in ("3.A.1.a.5.a.1", "3.A.1.a.14.a.1", "3.A.2.h.1.a", "8.A.2.d", "8.A.2.g"):
        assert nodes[code].text == "Not used since 2025"
        assert nodes[code].status == "not-used"
    assert nodes["1.A.1.b"].status == "not-used"


def test_no_page_furniture_in_any_text(doc: ParsedDocument) -> None:
    for e in doc.entries:
        for text in (e.heading, e.text, *(n.text for n in e.notes)):
            assert "WA-LIST" not in text, e.code
            assert "DUAL-USE LIST - CATEGORY" not in text, e.code
            assert "15-01-2026" not in text, e.code
            assert "____" not in text, e.code


def test_notes_are_separated(nodes: dict[str, ParsedEntry], doc: ParsedDocument) -> None:
    note_start = re.compile(r"(?:^|\s)(?:Technical Notes?|Note \d|N\.B\.)(?:\s|$)")
    assert not [e.code for e in doc.entries if note_start.search(e.text)]
    a2 = nodes["3.A.1.a.2"]
    assert any("'non-volatile memories'" in n.text for n in a2.notes)
    assert [n.label for n in nodes["1.A.2"].notes[:2]] == ["Note 1", "Note 2"]
    # a Technical Note's numbered list is not items of the node above it
    assert "2.A.1.a.1" not in nodes and "3.A.1.e.1.b.1" not in nodes
    assert any("'Ring' is an annular part" in n.text for n in nodes["2.A.1.a"].notes)


def test_sensitive_lists_make_no_entries(doc: ParsedDocument, nodes: dict[str, ParsedEntry]) -> None:
    codes = [e.code for e in doc.entries]
    assert len(codes) == len(set(codes))
    # the Sensitive List abbreviates 1.A.2.a.1 as `"Composite" structures … "matrix"…`
    assert nodes["1.A.2.a.1"].text.startswith('An organic "matrix"')
    assert not [e.code for e in doc.entries if "..." in e.text or "…" in e.text]
    assert doc.stats["skipped_lines_sl"] > 300 and doc.stats["skipped_lines_vsl"] > 50


def test_tree_is_consistent(doc: ParsedDocument, nodes: dict[str, ParsedEntry]) -> None:
    # every code the list cites in its texts and notes exists, and sibling labels run a, b, c…
    cited = {ref.rstrip(".") for e in doc.entries
             for text in (e.text, *(n.text for n in e.notes)) for ref in _CODE_REF.findall(text)}
    assert len(cited) > 600
    assert sorted(cited - set(nodes)) == []
    children: dict[str, list[str]] = {}
    for e in doc.entries:
        if e.kind == "item" and e.parent is not None:
            children.setdefault(e.parent, []).append(e.code.rsplit(".", 1)[1])
    for parent, labels in children.items():
        expected = [str(i) for i in range(1, len(labels) + 1)] if labels[0].isdigit() else \
            [chr(ord("a") + i) for i in range(len(labels))]
        assert labels == expected, parent


def test_upstream_records_are_all_parsed(corpus_dir: Path, nodes: dict[str, ParsedEntry]) -> None:
    records = json.loads((corpus_dir / FOLDER / "combined.json").read_text(encoding="utf-8"))
    codes = {r["code"] for r in records if r["source"] == "wassenaar_2025"}
    assert len(codes) > 500
    assert sorted(codes - set(nodes)) == []


def test_category_level_blocks(nodes: dict[str, ParsedEntry], doc: ParsedDocument) -> None:
    assert any(n.label.startswith("ANNEX") and "TATB" in n.text for n in nodes["1"].notes)
    assert any(n.label == "TABLE - DEPOSITION TECHNIQUES" for n in nodes["2"].notes)
    assert any(n.label.startswith("TECHNICAL NOTE ON 'ADJUSTED PEAK PERFORMANCE'")
               for n in nodes["4"].notes)
    assert any(n.label == "*" and "Russian Federation" in n.text for n in nodes["ML"].notes)
    assert doc.stats["definitions"] >= 140
