"""EUR-Lex consolidated PDF parser (EU Annex I) on a hand-made fixture modelled on 02021R0821.

`sample_layout.txt` mimics `pdftotext -layout` output of the real PDF, page furniture and traps
included (running headers, ▼M1 markers, `(continued)` lines with paths, a Greek one inside a
note, a page whose text column is 8 characters right of the others, right-aligned `10.`, soft and
hard hyphens, a note list followed by items that restart at `1.`, `1. a.` on one line, a wrapped
line starting with `1. to 3.`, a footnote, a spaced table, a capitals-headed category note,
Category 5's two parts, Annex IV-style code lines after `ANNEX II`). `sample.pdf` is built from it
by `make_pdf.py`, so the PDF path through pdftotext is tested too.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.eurlex_pdf import labels as lb
from nlp.parse.eurlex_pdf import parse, parse_layout_text
from nlp.parse.eurlex_pdf.pages import Continuation, Footnote, annex_i
from nlp.parse.eurlex_pdf.reflow import Vocabulary, first_sentence, join_lines

NOTE_TITLE = re.compile(r"\b(?:Technical )?Notes?(?: \d+)?:|N\.B\.")
URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-20220107"


@pytest.fixture(scope="module")
def fixture_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "eurlex_pdf"


@pytest.fixture(scope="module")
def layout(fixture_dir: Path) -> str:
    return (fixture_dir / "sample_layout.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(fixture_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixture_dir / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def doc(layout: str) -> ParsedDocument:
    return parse_layout_text(layout)


def bundle(*contents: bytes) -> Bundle:
    return Bundle(
        source_id="eu-annex-i",
        jurisdiction="eu",
        files=tuple(FetchedFile(url=URL, content=c, media_type="application/pdf") for c in contents),
    )


def as_dict(entry: ParsedEntry) -> dict[str, Any]:
    return {
        "code": entry.code, "parent": entry.parent, "path": list(entry.path), "kind": entry.kind,
        "status": entry.status, "position": entry.position, "heading": entry.heading,
        "text": entry.text, "notes": [[n.kind, n.label, n.text] for n in entry.notes],
    }


def by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


# ---- the fixture, end to end ---------------------------------------------------------------------


def test_layout_text_gives_expected_entries(doc: ParsedDocument, expected: dict[str, Any]) -> None:
    assert doc.version_date.isoformat() == expected["version_date"]
    assert doc.title == expected["title"]
    assert list(doc.warnings) == expected["warnings"]
    assert doc.stats == expected["stats"]
    assert [e.code for e in doc.entries] == [e["code"] for e in expected["entries"]]
    for entry, want in zip(doc.entries, expected["entries"], strict=True):
        assert as_dict(entry) == want, entry.code


def test_pdf_gives_the_same_entries(fixture_dir: Path, expected: dict[str, Any]) -> None:
    doc = parse(bundle((fixture_dir / "sample.pdf").read_bytes()))
    assert [as_dict(e) for e in doc.entries] == expected["entries"]
    assert doc.version_date == dt.date(2022, 1, 7)
    assert doc.warnings == ()


def test_sample_pdf_is_built_from_the_layout_text(fixture_dir: Path, layout: str) -> None:
    spec = importlib.util.spec_from_file_location("make_pdf", fixture_dir / "make_pdf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.make_pdf(layout) == (fixture_dir / "sample.pdf").read_bytes(), (
        "sample.pdf is stale: run tests/fixtures/eurlex_pdf/make_pdf.py")


def test_registered_under_its_format() -> None:
    assert get_parser("eurlex-pdf") is parse


# ---- the traps, one by one (also covered by expected.json) ---------------------------------------


def test_page_furniture_is_not_content(doc: ParsedDocument) -> None:
    for entry in doc.entries:
        blob = entry.text + entry.heading + "".join(n.text + n.label for n in entry.notes)
        for junk in ("02021R0821", "▼", "►", "(continued)", "σημειώσεις", "\u00ad", "\f"):
            assert junk not in blob, (entry.code, junk)


def test_codes_only_at_column_6_are_entries(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    # `1C009.b. or 1C009.c.;` starts a wrapped line: a cross-reference, not an entry.
    assert "1C009" not in entries
    assert entries["0A001.b"].text.endswith("specified in 1C009.b. or 1C009.c.;")
    # Annex IV repeats codes after `ANNEX II`.
    assert "1C001" not in entries
    assert [e.code for e in doc.entries if e.kind == "entry"] == [
        "0A001", "0B001", "1A001", "1A002", "1A003", "1B001", "1B002", "2B001", "2B002", "4D001",
        "4E001", "5A001", "5A002"]


def test_shifted_page_and_right_aligned_numbers(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    assert entries["0A001.e"].parent == "0A001"  # the page after `0A001 (continued)` is 8 right
    assert entries["0B001.a.10"].parent == "0B001.a"
    assert entries["0B001.a.11"].parent == "0B001.a"  # after `0B001   a. (continued)`


def test_note_list_then_items_restarting_at_1(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    note = entries["0B001.b"].notes[0]
    assert (note.kind, note.label) == ("technical-note", "Technical Note")
    assert "1. Maraging steel" in note.text and "2. Aluminium alloys" in note.text
    assert entries["0B001.b.1"].text == "Complete rotor assemblies;"
    assert entries["0B001.b.2"].parent == "0B001.b"


def test_notes_attach_where_indented_and_stay_out_of_text(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    assert [n.label for n in entries["1A001"].notes] == ["N.B.", "Note 1", "Note 2"]
    assert entries["1A001"].notes[1].text.endswith("a. An area not exceeding 1 m2; and b. A length "
                                                   "not exceeding 2,5 m.")
    assert [n.label for n in entries["0A001.d"].notes] == ["N.B."]
    assert entries["2B"].notes[0].label == "Technical Notes"  # continued as `2B      2.`
    assert "b. Measure the linear axis" in entries["2B"].notes[0].text
    assert not [e.code for e in doc.entries if NOTE_TITLE.search(e.text)]


def test_hyphens_across_lines(doc: ParsedDocument) -> None:
    note = by_code(doc)["1A002.b"].notes[0].text
    assert "‘coated’ includes laminated;" in note  # soft hyphen
    assert "non-volatile" in note  # a real hyphen at a line end stays
    assert "operating frequency is" in note  # `freq-`/`uency`: the document writes "frequency"
    assert "ISO 230-2:1988 (1)" in by_code(doc)["1A003.b"].text


def test_wrapped_line_starting_like_a_label_is_text(doc: ParsedDocument) -> None:
    note = by_code(doc)["1B002"].notes[1]
    assert note.text.endswith("in accordance with paragraphs 1. to 3. above.")
    assert not any(e.code.startswith("1B002.") and e.code.count(".") > 1 for e in doc.entries)


def test_two_labels_on_one_line_and_entry_starting_with_an_item(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    assert entries["1A003.a.1"].text == ""
    assert entries["1A003.a.1.a"].text == "Voltage rating greater than 1,4 kV; and"
    assert entries["1A003.a.2.b"].parent == "1A003.a.2"
    assert entries["4E001"].text == ""
    assert entries["4E001.a"].parent == "4E001"


def test_not_used_status(doc: ParsedDocument) -> None:
    assert sorted(e.code for e in doc.entries if e.status == "not-used") == [
        "0A001.c", "1B001", "2B001.b", "4D001"]


def test_footnote_table_and_category_notes(doc: ParsedDocument) -> None:
    entries = by_code(doc)
    assert entries["1A003.b"].notes[0].label == "Footnote (1)"
    table = entries["2B001.c"]  # "… of the following table." owns the table printed after 2B002
    assert "[B. Plasma spraying | Aluminium alloys (6) | MCrAlX (5); Modified zirconia (12); " \
           "Mixtures thereof (4)]" in table.text
    assert table.notes[1].label == "TABLE - DEPOSITION TECHNIQUES - NOTES"
    assert entries["2B002"].text == "Numerically controlled optical finishing machine tools."
    assert [n.label for n in entries["4"].notes] == [
        "Note 1", 'TECHNICAL NOTE ON "ADJUSTED PEAK PERFORMANCE" ("APP")']
    assert [n.label for n in entries["5"].notes] == ["Part 1, Note 1", "Part 2, Note 1"]
    assert entries["5A002"].parent == "5A2"


def test_version_date_comes_from_the_running_header(layout: str) -> None:
    doc = parse_layout_text(layout.replace("07.01.2022", "05.05.2022"))
    assert doc.version_date == dt.date(2022, 5, 5)


# ---- warnings: what is not recognised is reported, not dropped ----------------------------------


def test_unexpected_label_is_kept_as_text_with_a_warning(layout: str) -> None:
    bad = layout.replace(
        "      2B002   Numerically controlled optical finishing machine tools.\n",
        "      2B002   Numerically controlled optical finishing machine tools.\n\n"
        "              q. A stray item;\n",
    )
    doc = parse_layout_text(bad)
    assert by_code(doc)["2B002"].text.endswith("machine tools. q. A stray item;")
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("2B002 (line ")
    assert "unexpected label q." in doc.warnings[0]


def test_continuation_of_another_entry_is_reported(layout: str) -> None:
    doc = parse_layout_text(layout.replace("      0B001   a. (continued)", "      0B002   a. (continued)"))
    assert any("continuation of 0B002 while 0B001.a.10 is open" in w for w in doc.warnings)
    assert "0B001.a.11" in by_code(doc)  # the page is still read in place


def test_table_without_a_referring_node_is_reported(layout: str) -> None:
    doc = parse_layout_text(layout.replace("of the\n                 following table.",
                                           "of the\n                 table below."))
    assert any("no node refers to the following table" in w for w in doc.warnings)
    assert "Deposition techniques" in by_code(doc)["2B002"].text


# ---- malformed input ---------------------------------------------------------------------------


def test_corrupted_pdf_is_a_parse_error(fixture_dir: Path) -> None:
    content = (fixture_dir / "sample.pdf").read_bytes()
    with pytest.raises(ParseError, match=r"eu-annex-i .*pdftotext failed"):
        parse(bundle(content[: len(content) // 3]))


def test_not_a_pdf_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not a PDF"):
        parse(bundle(b"<html>EUR-Lex is down</html>"))


def test_bundle_must_hold_one_pdf(fixture_dir: Path) -> None:
    content = (fixture_dir / "sample.pdf").read_bytes()
    with pytest.raises(ParseError, match="no files"):
        parse(bundle())
    with pytest.raises(ParseError, match="one consolidated PDF, got 2"):
        parse(bundle(content, content))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("ANNEX II", "ANNEX ZZ"), "not followed by `ANNEX II`"),
        (lambda t: t.replace("ANNEX I\n", "ANNEX\n"), "no `ANNEX I` line"),
        (lambda t: t.replace("02021R0821 — EN — ", "02021R0821 - EN - "), "no EUR-Lex running header"),
        (lambda t: t.replace("PART II\n", "PART 2\n"), "no `PART II`"),
        (lambda t: t[: t.index("CATEGORY     0")] + t[t.index("ANNEX II") - 60 :], "no entries"),
    ],
)
def test_unrecognisable_layout_is_a_parse_error(layout: str, edit: Any, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_layout_text(edit(layout), what="sample")


# ---- building blocks -----------------------------------------------------------------------------


def test_note_titles() -> None:
    cases = {
        "Note: 1A003 does not control": ("note", "Note", "1A003 does not control"),
        "Note 2: x": ("note", "Note 2", "x"),
        "Technical Notes:": ("technical-note", "Technical Notes", ""),
        "Technical Note 1:": ("technical-note", "Technical Note 1", ""),
        "N.B. SEE ALSO 1A202.": ("nb", "N.B.", "SEE ALSO 1A202."),
        "N.B.1. SEE ALSO MILITARY GOODS CONTROLS.": ("nb", "N.B.1", "SEE ALSO MILITARY GOODS CONTROLS."),
        "Note 6A004.e. does not control": ("note", "Note", "6A004.e. does not control"),
        "Note to the Cryptography Note:": ("note", "Note to the Cryptography Note", ""),
        "Τεχνικές σημειώσεις:": ("technical-note", "Τεχνικές σημειώσεις", ""),
    }
    for text, want in cases.items():
        title = lb.note_title(text)
        assert title is not None, text
        assert (title.kind, title.label, title.rest) == want
    assert lb.note_title("Notes on the use of this list") is None
    assert lb.note_title("Noted that 1A003 …") is None


def test_labels() -> None:
    label = lb.item_label("10. Ring-shaped motor stators")
    assert label is not None and (label.label, label.rest, label.rest_offset) == ("10", "Ring-shaped motor stators", 4)
    assert lb.item_label("pv. citri A)") is None  # a wrapped line, not a label
    assert lb.successor("i") == "j" and lb.successor("9") == "10"
    assert lb.follows("Note 1", "Note 2") and lb.follows("N.B.1", "N.B.2")
    assert not lb.follows("Note 1", "Note 3") and not lb.follows("Note 1", "Technical Note 2")
    assert lb.is_not_used("Not used;") and lb.is_not_used("Not used") and not lb.is_not_used("Not used for x")


def test_join_lines() -> None:
    words = Vocabulary(["the frequency is", "non-volatile memory"])
    assert join_lines(["Tech\u00ad", "nology for"]) == "Technology for"
    assert join_lines(["non-", "volatile"], words) == "non-volatile"
    assert join_lines(["ISO 230-", "2:1988"], words) == "ISO 230-2:1988"
    assert join_lines(["freq-", "uency"], words) == "frequency"
    assert join_lines(["carbide/", "(cobalt, nickel)"]) == "carbide/(cobalt, nickel)"
    assert join_lines(["integration -", "Numerical control"]) == "integration - Numerical control"
    assert join_lines(["a   spaced", "  line  "]) == "a spaced line"


def test_first_sentence() -> None:
    short = "Seals made from materials specified in 1C009.b. or 1C009.c.;"
    assert first_sentence(short) == short
    long = "Valves specified in 2B350.g.1. and in 1C009.b. having the following: " + "x " * 120
    assert first_sentence(long) == "Valves specified in 2B350.g.1. and in 1C009.b. having the following:"
    cut = first_sentence("word " * 60)
    assert cut.endswith("…") and len(cut) <= 201


def test_page_furniture_becomes_continuations_and_footnotes(layout: str) -> None:
    annex = annex_i(layout)
    assert annex.definitions == 3
    continuations = [i for i in annex.items if isinstance(i, Continuation)]
    assert [(c.code, c.labels, c.in_note) for c in continuations] == [
        ("0A001", (), False), ("0B001", ("a",), False), ("1A002", ("b",), True), ("2B", ("2",), False)]
    # The text column after the code and after each label, as laid out on that page.
    assert continuations[1].cols == (14, 17)
    footnotes = [i for i in annex.items if isinstance(i, Footnote)]
    assert [(f.number, f.page) for f in footnotes] == [("1", 7)]
