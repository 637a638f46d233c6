"""eCFR EAR provisions parser (15 CFR 734, 738, § 772.1) on hand-written fixtures in the eCFR
versioner XML markup: paragraph labels as text, several levels opened by one P, italic levels,
letter/Roman ambiguity, notes, CITA/EFFDNOT/EDNOTE, supplements and § 772.1 defined terms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.ecfr_ear.labels import leading_labels

URL = "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml"


@pytest.fixture(scope="module")
def doc(fixtures_dir: Path) -> ParsedDocument:
    fx = fixtures_dir / "ecfr_ear"
    bundle = Bundle("us-ear", "us", (
        FetchedFile(URL + "?part=799", (fx / "part-799.xml").read_bytes(), role="part-799"),
        FetchedFile(URL + "?section=772.1", (fx / "section-772.1.xml").read_bytes(), role="section-772.1"),
    ), requested_date=dt.date(2026, 9, 1))
    return get_parser("ecfr-ear")(bundle)


def by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


def test_version_is_the_requested_date_and_no_warnings(doc: ParsedDocument) -> None:
    assert doc.version_date == dt.date(2026, 9, 1)
    assert doc.warnings == ()


def test_part_sections_and_paragraph_codes(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["799"].kind == "group" and e["799"].heading == "TEST PROVISIONS FOR THE PARSER"
    assert e["799.1"].kind == "section" and e["799.1"].heading == "De minimis scope."
    assert e["799.1"].parent == "799"
    # "(a) <I>Heading.</I> (1) Text" opens two levels in one P.
    assert e["799.1(a)"].heading == "Items with no de minimis level." and e["799.1(a)"].text == ""
    assert e["799.1(a)(1)"].text == "There is no de minimis level for item^1 one."
    assert e["799.1(a)(1)"].path == ("799", "799.1", "799.1(a)", "799.1(a)(1)")
    # An italic word at the start of the text is not a heading unless it ends a sentence.
    assert e["799.1(a)(2)"].text == "de minimis rules do not apply to item two."


def test_six_levels_and_italic_numbers(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["799.1(a)(2)(i)"].parent == "799.1(a)(2)"
    assert e["799.1(a)(2)(ii)(A)"].text == "A clause."
    assert e["799.1(a)(2)(ii)(A)(1)"].text == "An italic-numbered subclause."
    assert e["799.1(a)(2)(ii)(A)(2)"].parent == "799.1(a)(2)(ii)(A)"


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert "799.1(i)" in e and e["799.1(i)"].parent == "799.1"
    assert "799.1(h)(1)(i)" not in e
    assert e["799.1(j)"].parent == "799.1"


def test_heading_then_dot_and_heading_then_dash(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["799.1(b)"].heading == "Definitions."
    # An unlabelled P continues the paragraph before it.
    assert e["799.1(b)(1)"].text == "Term one means the first thing.\nFlush text continuing paragraph (b)(1)."
    assert e["799.1(d)"].heading == "Entries"
    assert (e["799.1(d)(1)"].heading, e["799.1(d)(1)"].text) == ("Composition.", "An entry has parts.")


def test_reserved_paragraphs_and_sections(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["799.1(c)"].status == "reserved"
    assert e["799.2"].status == "reserved"


def test_notes_footnotes_and_metadata(doc: ParsedDocument) -> None:
    e = by_code(doc)
    notes = {n.label: n for n in e["799.1(a)(1)"].notes}
    # "Note to paragraph (a)(1)" is printed after (a)(2)(ii)(A)(2) but belongs to (a)(1).
    assert notes["Note to paragraph (a)(1)"].text == "A note that belongs to (a)(1)."
    assert notes["Footnote 1"].text == "A footnote to paragraph (a)(1)."
    section = {n.label: n for n in e["799.1"].notes}
    assert section["Source"].text.startswith("[61 FR 12746")
    assert section["Effective Date Note"].kind == "note"
    assert "Editorial Note" not in section
    assert doc.stats["editorial_notes_dropped"] == 1


def test_supplement_code_and_table(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["799 Supp. No. 1"].heading == "A Table"
    table = e["799 Supp. No. 1(a)"].notes[0]
    assert table.label == "Table 1" and table.text == "Code | Meaning\nNS | National Security"


def test_definition_section_one_node_per_term(doc: ParsedDocument) -> None:
    e = by_code(doc)
    assert e["772.1"].parent is None and e["772.1"].text == "The following are definitions of terms."
    terms = [c for c in e if c.startswith("772.1 ")]
    assert terms == ["772.1 Accuracy", "772.1 Authentication", "772.1 Bias", "772.1 Bias (2)"]
    accuracy = e["772.1 Accuracy"]
    assert accuracy.text == "Accuracy. (Cat 2) The maximum deviation.\n(1) A labelled continuation of Accuracy."
    assert accuracy.notes[0].kind == "technical-note"
    assert "(gyro)" in e["772.1 Bias (2)"].text


@pytest.mark.parametrize(("marked", "labels", "rest"), [
    ("(a) \x01Scope.\x02 (1) Text", [("a", "Scope."), ("1", "")], "Text"),
    ("(\x011\x02) Italic", [("1", "")], "Italic"),
    ("(a)(1) Glued", [("a", ""), ("1", "")], "Glued"),
    ("(2020) is a year", [], "(2020) is a year"),
    ("(CCL) is an acronym", [], "(CCL) is an acronym"),
])
def test_leading_labels(marked: str, labels: list[tuple[str, str]], rest: str) -> None:
    opened, text = leading_labels(marked)
    assert [(o.label, o.heading) for o in opened] == labels
    assert text == rest


def test_malformed_inputs_are_errors(fixtures_dir: Path) -> None:
    parse = get_parser("ecfr-ear")
    good = (fixtures_dir / "ecfr_ear" / "part-799.xml").read_bytes()
    with pytest.raises(ParseError, match="no requested_date"):
        parse(Bundle("us-ear", "us", (FetchedFile(URL, good),)))
    with pytest.raises(ParseError, match="malformed XML"):
        parse(Bundle("us-ear", "us", (FetchedFile(URL, good[:400]),), requested_date=dt.date(2026, 9, 1)))
    with pytest.raises(ParseError, match="expected a part"):
        parse(Bundle("us-ear", "us", (FetchedFile(URL, b"<?xml version='1.0'?><html/>"),),
                     requested_date=dt.date(2026, 9, 1)))
