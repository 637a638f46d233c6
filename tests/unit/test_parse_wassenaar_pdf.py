"""Wassenaar 2025 list PDF parser on a hand-made fixture in `pdftotext -layout` shape.

`list-layout.txt` is modelled on the real `WA-LIST (25) 1 Corr.` text (FORMATS.md 5b): a table
of contents, the general notes (skipped), running headers/footers printed at the bottom of the
previous form-feed chunk, full codes with spaces (`1. A. 4.    a.     1.`), bare labels at an
indent, a bare entry number (`       2.`), a partial path restarting a block (`a.   2.`), odd
spacing (`6.   A. 2.   c.`), Notes with their own a./b. lists, Technical Notes numbered like items
(one of them where the real `1.A.4.a.1` follows as a full code), an N.B. series across a page
break, a nested Technical Note, a hyphen split (`'non-` / `volatile memory'`), Symbol-font
glyphs (`\\uf06d` = µ), "Not used since" items, `- None` entries, subject captions, the
Category 1 annex, page footnotes, a Sensitive List page whose codes must not become entries,
the Munitions List with `MUNITIONS LIST*` and `aa.` labels inside a note, and definitions.
The same text is also rendered into a real PDF to test the whole path through pdftotext.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse import wassenaar_pdf_lines as wl
from nlp.parse.wassenaar_pdf import parse, parse_layout_text
from nlp.parse.wassenaar_pdf_builder import join_lines
from nlp.parse.wassenaar_pdf_layout import SYMBOL_FONT, read_layout

RULE = "_" * 68
URL = "https://www.wassenaar.org/app/uploads/2026/01/WA-LIST-25-1-Corr.pdf"


@pytest.fixture(scope="module")
def layout_text(fixtures_dir: Path) -> str:
    return (fixtures_dir / "wassenaar_pdf" / "list-layout.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(fixtures_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (fixtures_dir / "wassenaar_pdf" / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def doc(layout_text: str) -> ParsedDocument:
    return parse_layout_text(layout_text)


def as_json(doc: ParsedDocument) -> dict[str, Any]:
    return {
        "version_date": doc.version_date.isoformat(),
        "title": doc.title,
        "warnings": list(doc.warnings),
        "stats": doc.stats,
        "entries": [
            {"code": e.code, "parent": e.parent, "kind": e.kind, "status": e.status,
             "heading": e.heading, "text": e.text,
             "notes": [[n.kind, n.label, n.text] for n in e.notes]}
            for e in doc.entries
        ],
    }


def bundle(content: bytes) -> Bundle:
    return Bundle(source_id="wassenaar-2025", jurisdiction="WA",
                  files=(FetchedFile(url=URL, content=content, media_type="application/pdf"),))


# -- a real PDF from the fixture text -------------------------------------------------------

_CHAR_WIDTH = 5.4  # Courier 9 pt


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.translate(SYMBOL_FONT).encode("cp1252") + b")"


def make_pdf(layout: str) -> bytes:
    """One PDF page per form-feed chunk, each line in Courier at its column, so that
    `pdftotext -layout` gives the columns back."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier "
                            b"/Encoding /WinAnsiEncoding >>"]
    chunks = layout.split("\f")
    pages_id = 2 + 2 * len(chunks)
    page_ids: list[int] = []
    for chunk in chunks:
        ops = [b"BT /F1 9 Tf"]
        rows = [line for line in chunk.split("\n") if line.strip()]
        for row, line in enumerate(rows):
            # like the real file, runs separated by tab stops are placed one by one
            for run in re.finditer(r"\S+(?: \S+)*", line):
                x, y = 20 + run.start() * _CHAR_WIDTH, 820 - row * 11
                ops.append(f"1 0 0 1 {x:.1f} {y} Tm ".encode() + _pdf_string(run.group())
                           + b" Tj")
        ops.append(b"ET")
        data = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        objects.append(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 900 842] "
                       f"/Contents {len(objects)} 0 R /Resources << /Font << /F1 1 0 R >> >> "
                       f">>".encode())
        page_ids.append(len(objects))
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode())
    objects.append(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


@pytest.fixture(scope="module")
def pdf(layout_text: str) -> bytes:
    return make_pdf(layout_text)


# -- the fixture as a whole -----------------------------------------------------------------

def test_fixture_matches_expected(doc: ParsedDocument, expected: dict[str, Any]) -> None:
    assert as_json(doc) == expected


def test_pdf_gives_the_same_result(pdf: bytes, expected: dict[str, Any]) -> None:
    result = as_json(parse(bundle(pdf)))
    assert result["entries"] == expected["entries"]
    assert result["version_date"] == "2026-01-15"
    assert result["warnings"] == []


def test_registry_dispatches_a_pdf_bundle(pdf: bytes, doc: ParsedDocument) -> None:
    result = get_parser("wassenaar")(bundle(pdf))
    assert [e.code for e in result.entries] == [e.code for e in doc.entries]


def test_version_date_is_the_running_header_date(doc: ParsedDocument) -> None:
    assert doc.version_date == dt.date(2026, 1, 15)
    assert "WA-LIST (25) 1 Corr." in doc.title


# -- traps, one by one (all in the fixture) -------------------------------------------------

def by_code(doc: ParsedDocument) -> dict[str, Any]:
    return {e.code: e for e in doc.entries}


def test_codes_unique_and_positions_in_order(doc: ParsedDocument) -> None:
    codes = [e.code for e in doc.entries]
    assert len(codes) == len(set(codes))
    assert [e.position for e in doc.entries] == list(range(len(codes)))


def test_running_headers_and_rules_are_not_text(doc: ParsedDocument) -> None:
    for e in doc.entries:
        for text in (e.text, *(n.text for n in e.notes)):
            assert "WA-LIST" not in text and "15-01-2026" not in text
            assert "DUAL-USE LIST" not in text and "____" not in text


def test_bare_labels_take_their_depth_from_sequence_and_column(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["1.A.2.b.1.a"].parent == "1.A.2.b.1"
    assert e["1.A.2.b.2"].parent == "1.A.2.b"
    assert e["1.D.2"].kind == "entry" and e["1.D.2"].parent == "1.D"  # `       2.`
    assert e["1.C.7.a.2"].parent == "1.C.7.a"  # `a.   2.` restarts under a
    assert e["6.A.2.c"].parent == "6.A.2"  # `6.   A. 2.   c.`


def test_technical_note_lists_are_not_items(doc: ParsedDocument) -> None:
    e = by_code(doc)
    # `1.`/`2.` under `Technical Notes` at the note's column; 1.A.4.a.1 comes as a full code
    assert e["1.A.4.a.1"].text == '"Biological agents";'
    assert "Full face masks are also known as gas masks" in e["1.A.4.a"].notes[0].text
    assert "1.A.7.c" not in e and "1.A.7.b.3" not in e
    # `1.` under an item ending in `;` (no items announced) starts the note's list
    assert "6.A.2.a.1.a.1" not in e
    assert e["6.A.2.a.1.a"].notes[0].text.startswith("1. 'Time constant'")
    labels = [n.label for n in e["1.A.7"].notes]
    assert labels == ["Technical Note", "Technical Notes"]
    assert "Note" not in e["1.A.2"].text and "Technical" not in e["1.A.7.b"].text


def test_notes_attach_to_the_node_they_name(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert [n.label for n in e["1.A.2"].notes] == ["Note 1"]
    assert [n.label for n in e["1.A.2.b.1"].notes] == ["Note 2"]
    assert "a. An area not exceeding 1 m2;" in e["1.A.2"].notes[0].text
    # N.B.2 sits one column right on the next page: it follows N.B.1
    assert [n.label for n in e["1.A.4"].notes] == ["N.B.1.", "N.B.2."]
    assert [n.label for n in e["1.A.7.b"].notes] == ["Technical Note"]
    assert [n.label for n in e["ML8"].notes] == ["N.B.1.", "Note 1"]
    assert "aa. 2-Nitrodiphenylamine" in e["ML8"].notes[1].text


def test_hyphen_split_and_symbol_glyphs(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert "'non-volatile memory'" in e["6.A.2.b"].text
    assert "(+125°C)" in e["6.A.2.b"].text
    assert e["6.A.2.a.2"].text.endswith("not exceeding 1 µs;")
    assert "In non-slapper types" in e["1.A.7.b"].notes[0].text


def test_status(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["1.C.7.b"].status == "not-used"
    assert e["ML8.b.1"].status == "not-used"
    # a subheading that only says nothing is controlled under it
    assert e["6.B.1"].status == "reserved" and e["6.B.1"].heading == "ACOUSTICS - None"


def test_category_level_blocks(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["1"].heading == "Special Materials and Related Equipment"
    assert e["ML"].heading == "Munitions List"
    annex = e["1"].notes[0]
    assert annex.label == "ANNEX" and annex.kind == "other"
    assert annex.text.startswith('LIST - "EXPLOSIVES" 1. ADNBF') and "1.D.3" not in e
    assert [n.label for n in e["6"].notes] == ["*"]
    assert [(n.label, n.text) for n in e["6.B.2"].notes] == [("Subheading", "OPTICAL SENSORS")]
    assert [n.label for n in e["ML"].notes] == ["Note 1", "*", "*"]


def test_sensitive_list_and_definitions_are_not_entries(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["1.A.2.a.1"].text.startswith("An organic")
    assert not any("..." in x.text for x in doc.entries)
    assert doc.stats["skipped_lines_sl"] > 0
    assert doc.stats["definitions"] == 2


# -- small pieces ---------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "following"), [
    ("a", "b"), ("y", "z"), ("z", "aa"), ("aa", "bb"), ("9", "10"), ("ab", None)])
def test_next_label(label: str, following: str | None) -> None:
    assert wl.next_label(label) == following


def test_full_code_line() -> None:
    full = wl.full_code("1. A. 4.    a.     1.     \"Biological agents\";", 0, munitions=False)
    assert full is not None
    assert (full.category, full.group, full.number) == ("1", "A", "4")
    assert [(t.label, t.col) for t in full.tokens] == [("a", 12), ("1", 19)]
    assert full.text == '"Biological agents";' and full.text_col == 26
    assert wl.full_code("ML8. a. 17.  NTNMH", 0, munitions=True) is not None
    assert wl.full_code("   1.C.10.c. or 1.C.10.d.", 3, munitions=False) is None


def test_group_heading_and_bare_label() -> None:
    assert wl.group_heading("5. A. Part 2. SYSTEMS, EQUIPMENT AND COMPONENTS", 0) == (
        "5", "A", "SYSTEMS, EQUIPMENT AND COMPONENTS")
    assert wl.group_heading("1. A. 1.   Components", 0) is None
    bare = wl.bare_label('c.   2.  Ceramic-"matrix"')
    assert bare is not None and [t.label for t in bare.tokens] == ["c", "2"]
    assert wl.bare_label("i.e., angles") is None


@pytest.mark.parametrize(("line", "kind", "label", "text"), [
    ("Note 1   1.A.2. does not apply", "note", "Note 1", "1.A.2. does not apply"),
    ("Note 3.A.1.a.1.c. does not apply", "note", "Note", "3.A.1.a.1.c. does not apply"),
    ("N.B.2.     For body armour", "nb", "N.B.2.", "For body armour"),
    ("Technical Notes", "technical-note", "Technical Notes", ""),
    ("Note 1*   ML8. does not apply", "note", "Note 1", "ML8. does not apply"),
])
def test_note_start(line: str, kind: str, label: str, text: str) -> None:
    start = wl.note_start(line)
    assert start is not None and (start.kind, start.label, start.text) == (kind, label, text)


def test_continued_markers_and_captions() -> None:
    assert wl.is_continued_marker("Note 3 to 6.A.3.b.4.b. cont.")
    assert wl.is_continued_marker("Technical Notes cont.")
    assert wl.caption("OPTICAL SENSORS") == (None, "OPTICAL SENSORS")
    assert wl.caption('Part 2 - "INFORMATION SECURITY"') == ("Part 2", '"INFORMATION SECURITY"')
    assert wl.caption("(CAS 55-63-0);") is None


def test_join_lines_keeps_split_hyphens() -> None:
    assert join_lines(["having a 'non-", "volatile memory' and", "Category 5 -", "Part 2"]) == (
        "having a 'non-volatile memory' and Category 5 - Part 2")


def test_layout_drops_page_furniture_and_finds_footnotes() -> None:
    text = (f"{RULE}\n\n DUAL-USE LIST - CATEGORY 3 - ELECTRONICS\n{RULE}\n"
            "3. A. 1.   Electronic items as follows:\n\n"
            "* A footnote\n  continued.\n\n"
            "WA-LIST (25) 1 Corr.\n15-01-2026          - 49 -\n\f"
            f"{RULE}\n\n DUAL-USE LIST - CATEGORY 3 - ELECTRONICS\n{RULE}\n"
            "           a.   General purpose integrated circuits, as follows:\n")
    layout = read_layout(text)
    assert [(ln.text, ln.kind, ln.category) for ln in layout.lines] == [
        ("3. A. 1.   Electronic items as follows:", "text", "3"),
        ("* A footnote", "footnote", "3"),
        ("continued.", "footnote", "3"),
        ("a.   General purpose integrated circuits, as follows:", "text", "3"),
    ]
    assert layout.list_id == "WA-LIST (25) 1 Corr."
    assert layout.dates == (dt.date(2026, 1, 15),)
    assert layout.lines[-1].lineno == 16 and layout.lines[-1].col == 11


def test_unplaced_label_is_a_warning_not_a_loss() -> None:
    text = (f"{RULE}\n\n DUAL-USE LIST - CATEGORY 3 - ELECTRONICS\n{RULE}\n"
            "3. A. SYSTEMS, EQUIPMENT AND COMPONENTS\n"
            "3. A. 1.   Electronic items as follows:\n"
            "           a.   General purpose integrated circuits;\n"
            "           d.   A stray label;\n"
            "WA-LIST (25) 1 Corr.\n15-01-2026          - 49 -\n")
    doc = parse_layout_text(text)
    assert len(doc.warnings) == 1 and "'d' fits nowhere" in doc.warnings[0]
    assert "d. A stray label;" in by_code(doc)["3.A.1.a"].text


def test_page_of_an_unknown_section_is_reported() -> None:
    text = (f"{RULE}\n\n DUAL-USE LIST - CATEGORY 3 - ELECTRONICS\n{RULE}\n"
            "3. A. SYSTEMS, EQUIPMENT AND COMPONENTS\n3. A. 1.   Electronic items.\n"
            "WA-LIST (25) 1 Corr.\n15-01-2026          - 49 -\n\f"
            f"{RULE}\n\n                ANNUAL REPORT\n{RULE}\n1. A. 2.   Not a list page.\n")
    doc = parse_layout_text(text)
    assert doc.warnings == (
        "page 2: ANNUAL REPORT: page title of no known section; page not parsed",)
    assert "3.A.2" not in by_code(doc) and "3.A.1" in by_code(doc)


# -- malformed input ------------------------------------------------------------------------

def test_not_a_pdf() -> None:
    with pytest.raises(ParseError, match="not a PDF"):
        parse(bundle(b"<html>not the list</html>"))


def test_corrupted_pdf(pdf: bytes) -> None:
    with pytest.raises(ParseError, match="pdftotext failed"):
        parse(bundle(pdf[:9] + b"\x00garbage" * 50))


def test_truncated_pdf(pdf: bytes) -> None:
    with pytest.raises(ParseError, match="pdftotext failed"):
        parse(bundle(pdf[: len(pdf) // 3]))


def test_pdf_of_another_document() -> None:
    with pytest.raises(ParseError, match="WA-LIST"):
        parse(bundle(make_pdf("Minutes of the meeting\n\n1. Opening\f")))


def test_header_but_no_entries() -> None:
    text = "WA-LIST (25) 1 Corr.\n15-01-2026   - 2 -\n\f____\n\nDEFINITIONS\n____\nCat 1  \"A\"\n"
    with pytest.raises(ParseError, match="no list entries"):
        parse_layout_text(text)


def test_two_files_are_refused(pdf: bytes) -> None:
    two = Bundle(source_id="wassenaar-2025", jurisdiction="WA",
                 files=(FetchedFile(url=URL, content=pdf), FetchedFile(url=URL, content=pdf)))
    with pytest.raises(ParseError, match="one PDF"):
        parse(two)
