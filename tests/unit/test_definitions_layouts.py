"""Definitions extractors on small hand-written excerpts in the real layouts
(tests/fixtures/definitions): EU consolidated PDF text, Wassenaar DEF .doc text and 2025 PDF text."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportwatch.errors import ParseError
from nlp.definitions.eurlex_pdf import extract_layout_text
from nlp.definitions.model import Definition, Extracted
from nlp.definitions.wassenaar import extract, extract_doc_text, extract_pdf_text
from nlp.parse import FetchedFile


def _read(fixtures_dir: Path, name: str) -> str:
    return (fixtures_dir / "definitions" / name).read_text(encoding="utf-8")


def _by_key(result: Extracted) -> dict[str, Definition]:
    return {d.term_key: d for d in result.definitions}


def test_eu_definitions_heads_notes_page_breaks_and_end(fixtures_dir: Path) -> None:
    result = extract_layout_text(_read(fixtures_dir, "eurlex_layout.txt"))
    defs = _by_key(result)
    assert list(defs) == [
        "accuracy", "active flight control systems", "aircraft", "basic gate propagation delay time", "bias (gyro)",
        "circulation-controlled anti-torque or circulation controlled direction control systems",
        "digital transfer rate", "spread spectrum radar", "user-accessible programmability"]
    assert result.warnings == ()
    assert defs["accuracy"].scope == "(2 3 6 7 8)"
    assert defs["accuracy"].text.startswith("usually measured in terms of inaccuracy, means the maximum deviation")
    # the soft hyphen at the line end joins the word
    assert 'prevent undesirable "aircraft" motions' in defs["active flight control systems"].text
    assert [(n.label, n.text) for n in defs["aircraft"].notes] == [("N.B.", 'See also "civil aircraft".')]
    # a definition running over a page break (running header, ▼M1 marker) stays one text
    basic = defs["basic gate propagation delay time"]
    assert basic.text == ('means the propagation delay time value corresponding to the basic gate used in a '
                          '"monolithic integrated circuit".')
    assert [n.label for n in basic.notes] == ["N.B.1.", "N.B.2."]
    assert basic.notes[1].text.endswith("a. The common hardware architecture; and b. The common process technology.")
    assert (defs["bias (gyro)"].term, defs["bias (gyro)"].scope) == ("Bias (gyro)", "(7)")
    assert defs["digital transfer rate"].scope == "(def)"  # an odd reference, kept as printed
    assert defs["spread spectrum radar"].text == '- see "Radar spread spectrum".'
    assert defs["user-accessible programmability"].text.endswith(
        "other than: a. A physical change in wiring; or b. The setting of function controls.")


def test_eu_definitions_without_heading_are_an_error() -> None:
    with pytest.raises(ParseError, match="DEFINITIONS OF TERMS USED IN THIS ANNEX"):
        extract_layout_text("ANNEX I\n\nPART II\n")


def test_wassenaar_doc_two_columns_and_spilled_references(fixtures_dir: Path) -> None:
    result = extract_doc_text(_read(fixtures_dir, "wassenaar_def_doc.txt"))
    defs = _by_key(result)
    assert list(defs) == ["accuracy", "aircraft", "allocated by the itu", "bias (gyro)", "circuit element",
                          "intrusion software", "spread spectrum radar", "technology"]
    assert defs["accuracy"].scope == "Cat 2, 3, 6, 7, 8"
    assert defs["accuracy"].text.startswith("(Usually measured in terms of inaccuracy) is the maximum")
    assert defs["aircraft"].scope == "Cat 1, 6, 7, 9, ML8, 10, 14"
    assert defs["aircraft"].text == "A fixed wing, swivel wing or tilt-wing airborne vehicle."
    assert defs["allocated by the itu"].scope == "Cat 3, Cat 5P1"
    assert [(n.label, n.text) for n in defs["allocated by the itu"].notes] == [
        ("N.B.", "Additional and alternative allocations are not included.")]
    assert defs["circuit element"].scope == ""
    intrusion = defs["intrusion software"]
    # `5P2` continues the reference; the text opens with a quoted word but is no new term
    assert intrusion.scope == "Cat 4, 5P2"
    assert intrusion.text.startswith('"Software" specially designed') and "a. The extraction of data; or b." in \
        intrusion.text
    assert [n.label for n in intrusion.notes] == ["Notes", "Technical Notes"]
    assert intrusion.notes[0].text.startswith('1. "Intrusion software" does not include hypervisors. 2.')
    assert defs["technology"].scope == "GTN & Both Lists"
    assert defs["technology"].notes[0].label == "Technical Notes"


def test_wassenaar_pdf_layout(fixtures_dir: Path) -> None:
    result = extract_pdf_text(_read(fixtures_dir, "wassenaar_def_pdf.txt"))
    defs = _by_key(result)
    assert list(defs) == ["accuracy", "aircraft", "biological agents", "circuit element",
                          "circulation-controlled anti-torque or circulation-controlled direction control systems",
                          "symmetric algorithm"]
    assert defs["accuracy"].scope == "Cat 2, 3, 6, 7"
    assert defs["accuracy"].text.endswith("positive or negative, of an indicated value.")
    assert defs["aircraft"].scope == "Cat 1, 6, 7, 9, ML1, 8, 10, 14"
    assert defs["aircraft"].text.endswith("tilt rotor or tilt-wing airborne vehicle.")
    assert defs["biological agents"].scope == "Cat 1, ML7"  # one space between reference and term
    sym = defs["symmetric algorithm"]
    assert sym.text == "A cryptographic algorithm using an identical key for both encryption and decryption."
    assert [(n.label, n.text) for n in sym.notes] == [
        ("Technical Note", 'A common use of "symmetric algorithms" is confidentiality of data.')]
    # page furniture and the acronyms page that follows are not read
    assert all("WA-LIST" not in d.text and "ABEC" not in d.text for d in result.definitions)


def test_wassenaar_bundle_picks_the_def_file() -> None:
    files = (FetchedFile(url="https://www.wassenaar.org/app/uploads/2021/05%20-%20Cat%203.doc", content=b"x"),)
    with pytest.raises(ParseError, match="expected one definitions file"):
        extract(files, "wa-dual-use")
