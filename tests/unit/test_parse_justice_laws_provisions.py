"""Justice Laws provisions parser (Acts and regulations as provisions) on hand-written fixtures
modelled on the Export and Import Permits Act (E-19): sections, sub-levels, definitions, list
items, repealed runs, continued text, schedules, NifProvs, English and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser

EN = "https://laws-lois.justice.gc.ca/eng/XML/X-99.xml"
FR = "https://laws-lois.justice.gc.ca/fra/XML/X-99.xml"


@pytest.fixture(scope="module")
def doc(fixtures_dir: Path) -> ParsedDocument:
    fx = fixtures_dir / "justice_laws_provisions"
    return get_parser("justice-laws-provisions")(Bundle("ca-eipa", "ca", (
        FetchedFile(EN, b"\xef\xbb\xbf" + (fx / "X-99_en.xml").read_bytes(), language="en"),
        FetchedFile(FR, (fx / "X-99_fr.xml").read_bytes(), language="fr"),
    )))


def entries(doc: ParsedDocument, language: str) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries if e.language == language}


def test_instrument_sections_and_codes(doc: ParsedDocument) -> None:
    en = entries(doc, "en")
    assert doc.warnings == ()
    assert str(doc.version_date) == "2026-03-31"
    assert en["X-99"].kind == "group" and en["X-99"].heading == "Test Permits Act"
    assert en["X-99 s. 7"].heading == "Export permits" and en["X-99 s. 7"].kind == "section"
    assert en["X-99 s. 7(1.1)(a)(i)"].path == ("X-99", "X-99 s. 7", "X-99 s. 7(1.1)", "X-99 s. 7(1.1)(a)",
                                               "X-99 s. 7(1.1)(a)(i)")
    assert {n.label: n.text for n in en["X-99 s. 7"].notes}["Heading"] == "Permits"


def test_text_rendering(doc: ParsedDocument) -> None:
    en = entries(doc, "en")
    # Footnote references are dropped, superscripts kept as ^n.
    assert en["X-99 s. 7(1)"].text == "The Minister may issue a permit to export goods with 5 × 10^5 units."
    # Closing words after the sub-levels stay with their provision.
    assert en["X-99 s. 7(1.1)"].text == "The Minister may issue a general permit\nsubject to conditions."
    assert en["X-99 s. 2(2)"].text == "Goods come from one of the following:\na CUSMA country\nChile"


def test_definitions_stay_in_their_provision(doc: ParsedDocument) -> None:
    text = entries(doc, "en")["X-99 s. 2(1)"].text.split("\n")
    assert text[0] == "In this Act,"
    assert text[1] == "broker means to arrange a transaction; (courtage)"
    assert text[2] == "export includes (a) a transfer by electronic means, and (b) a disclosure. (exporter)"


def test_repealed_and_runs_of_labels(doc: ParsedDocument) -> None:
    en, fr = entries(doc, "en"), entries(doc, "fr")
    assert en["X-99 s. 7(1.01)"].status == "repealed"
    assert en["X-99 s. 7(4.01) to (4.05)"].status == "repealed"
    # French "à" and "a)" are coded like the English, so the languages share codes.
    assert fr["X-99 s. 7(4.01) to (4.05)"].status == "repealed"
    assert fr["X-99 s. 7(1.1)(a)"].text == "vers tout pays;"


def test_history_schedules_and_not_in_force(doc: ParsedDocument) -> None:
    en = entries(doc, "en")
    history = {n.label: n.text for n in en["X-99 s. 2"].notes}["History"]
    assert history == "R.S., 1985, c. X-99, s. 2 2018, c. 26, s. 3"
    schedule = en["X-99 Schedule 1"]
    assert (schedule.heading, schedule.text) == ("Countries", "Colombia\nPanama")
    assert not any("460" in code for code in en)  # NifProvs: amendments not in force
    assert doc.stats["X-99.en.schedules_skipped_NifProvs"] == 1


def test_wrong_root_and_duplicate_language(fixtures_dir: Path) -> None:
    parse = get_parser("justice-laws-provisions")
    en = (fixtures_dir / "justice_laws_provisions" / "X-99_en.xml").read_bytes()
    with pytest.raises(ParseError, match="expected <Statute> or <Regulation>"):
        parse(Bundle("ca-eipa", "ca", (FetchedFile(EN, b"<?xml version='1.0'?><Other/>"),)))
    with pytest.raises(ParseError, match="a second file of X-99"):
        parse(Bundle("ca-eipa", "ca", (FetchedFile(EN, en), FetchedFile(EN + "?2", en))))
