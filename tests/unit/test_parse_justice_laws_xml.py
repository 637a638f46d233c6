"""Justice Laws XML parser (Canada ECL) on hand-made fixtures modelled on SOR/89-202."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.justice_laws_xml import parse
from nlp.parse.justice_laws_xml.render import first_sentence

EN_URL = "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"
FR_URL = "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml"
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def fixture_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "justice_laws_xml"


@pytest.fixture(scope="module")
def en_bytes(fixture_dir: Path) -> bytes:
    return (fixture_dir / "SOR-89-202_en.xml").read_bytes()


@pytest.fixture(scope="module")
def fr_bytes(fixture_dir: Path) -> bytes:
    return (fixture_dir / "DORS-89-202_fr.xml").read_bytes()


def make_bundle(*files: tuple[str, bytes, str], requested: dt.date | None = None) -> Bundle:
    return Bundle(
        source_id="ca-ecl",
        jurisdiction="CA",
        files=tuple(FetchedFile(url=u, content=c, language=lang, media_type="application/xml")
                    for u, c, lang in files),
        requested_date=requested,
    )


def both(en: bytes, fr: bytes, requested: dt.date | None = None) -> Bundle:
    return make_bundle((EN_URL, en, "en"), (FR_URL, fr, "fr"), requested=requested)


def as_dict(entry: ParsedEntry) -> dict[str, Any]:
    return {
        "code": entry.code, "parent": entry.parent, "path": list(entry.path), "kind": entry.kind,
        "heading": entry.heading, "text": entry.text, "status": entry.status,
        "position": entry.position, "notes": [[n.kind, n.label, n.text] for n in entry.notes],
    }


def by_code(doc: ParsedDocument, language: str) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries if e.language == language}


# -- the fixture against its hand-written expectation --------------------------------------------


def test_fixture_matches_expected_json(fixture_dir: Path, en_bytes: bytes, fr_bytes: bytes) -> None:
    expected = json.loads((fixture_dir / "expected.json").read_text(encoding="utf-8"))
    doc = parse(both(en_bytes, fr_bytes))
    assert doc.version_date.isoformat() == expected["version_date"]
    assert doc.title == expected["title"]
    assert list(doc.warnings) == expected["warnings"]
    assert doc.stats == expected["stats"]
    for language in ("en", "fr"):
        got = [as_dict(e) for e in doc.entries if e.language == language]
        want = expected["entries"][language]
        assert [g["code"] for g in got] == [w["code"] for w in want], language
        for g, w in zip(got, want, strict=True):
            assert g == w, f"{language} {w['code']}"


def test_registered_under_format_name() -> None:
    assert get_parser("justice-laws-xml") is parse


def test_languages_are_set_and_english_comes_first(en_bytes: bytes, fr_bytes: bytes) -> None:
    doc = parse(both(en_bytes, fr_bytes))
    languages = [e.language for e in doc.entries]
    assert set(languages) == {"en", "fr"}
    assert languages == sorted(languages)  # all "en" (bundle order) then all "fr"


def test_superscript_and_subscript_are_marked(en_bytes: bytes, fr_bytes: bytes) -> None:
    en = by_code(parse(both(en_bytes, fr_bytes)), "en")
    assert "5 × 10^5 Rads" in en["5504(2)(d)(i)"].text
    assert "5 × 105" not in en["5504(2)(d)(i)"].text
    assert "N/cm^2" in en["5504(2)(d)(ii)"].text
    assert "Si_0.70Ge_0.30" in en["5506(2)(e)(i)"].text


def test_destination_scope_in_emphasis_is_text(en_bytes: bytes, fr_bytes: bytes) -> None:
    en = by_code(parse(both(en_bytes, fr_bytes)), "en")
    assert en["5101"].text.endswith("(All destinations)")
    assert en["5504(2)(d)(ii)"].text.endswith("(All destinations other than the United States)")


def test_metadata_is_not_content(en_bytes: bytes, fr_bytes: bytes) -> None:
    doc = parse(both(en_bytes, fr_bytes))
    blob = " ".join(e.text + " " + " ".join(n.text for n in e.notes) for e in doc.entries)
    for metadata in ("SOR/2019-92", "SOR/2025-89", "DORS/2025-89", "SCHEDULE", "ANNEXE",
                     "(Section 2)"):
        assert metadata not in blob
    assert "Arms Trade Treaty." in by_code(doc, "en")["group-9"].text  # footnote mark "*" dropped
    # Definitions in <Body> are not list entries.
    assert not any("means the guide" in e.text for e in doc.entries)


def test_not_in_force_schedule_is_excluded(en_bytes: bytes, fr_bytes: bytes) -> None:
    en = by_code(parse(both(en_bytes, fr_bytes)), "en")
    assert "5507" not in en
    assert en["5101"].text == "Logs of all species of wood. (All destinations)"


def test_notes_are_kept_out_of_text(en_bytes: bytes, fr_bytes: bytes) -> None:
    en = by_code(parse(both(en_bytes, fr_bytes)), "en")
    item = en["5506(2)(e)(ii)"]
    assert "NOTE" not in item.text and "isotopic impurity means" not in item.text
    assert [n.label for n in item.notes] == ["NOTE 1", "NOTE 2"]
    # The NOTE is not a node: no code ends in an empty or numeric label.
    assert not any(code.endswith(("(1)(1)", "()")) for code in en)


def test_sub_group_titles_are_notes_not_nodes(en_bytes: bytes, fr_bytes: bytes) -> None:
    en = by_code(parse(both(en_bytes, fr_bytes)), "en")
    assert en["5101"].notes[0].text == "Forest Products > Logs"
    assert en["5104"].notes[0].text == "Forest Products > Softwood Lumber Products"
    assert all("Forest" not in code for code in en)
    assert en["8000"].notes == ()  # the GROUP 8 heading closes the Group 5 sub-groups


def test_english_and_french_codes_align_except_5504_nesting(
    en_bytes: bytes, fr_bytes: bytes
) -> None:
    doc = parse(both(en_bytes, fr_bytes))
    en, fr = set(by_code(doc, "en")), set(by_code(doc, "fr"))
    # French nests 5504 paragraphs (d) onward under the item, English under subitem (2).
    assert en - fr == {"5504(2)(d)", "5504(2)(d)(i)", "5504(2)(d)(ii)"}
    assert fr - en == {"5504(d)", "5504(d)(i)", "5504(d)(ii)"}
    assert {c.replace("5504(d)", "5504(2)(d)") for c in fr} == en


# -- one language, dates, BOM ------------------------------------------------------------------


def test_english_only_bundle(en_bytes: bytes) -> None:
    doc = parse(make_bundle((EN_URL, en_bytes, "en")))
    assert {e.language for e in doc.entries} == {"en"}
    assert doc.stats["en.entries"] == 7 and "fr.entries" not in doc.stats
    assert doc.title == "Export Control List"


def test_french_only_bundle(fr_bytes: bytes) -> None:
    doc = parse(make_bundle((FR_URL, fr_bytes, "fr")))
    assert {e.language for e in doc.entries} == {"fr"}
    assert doc.title.startswith("Liste des marchandises")
    assert by_code(doc, "fr")["group-2(a)"].text == "les marchandises visées au groupe 2 du Guide;"


def test_bom_or_not_gives_the_same_entries(en_bytes: bytes) -> None:
    assert en_bytes.startswith(BOM)
    with_bom = parse(make_bundle((EN_URL, en_bytes, "en")))
    without = parse(make_bundle((EN_URL, en_bytes.removeprefix(BOM), "en")))
    assert with_bom.entries == without.entries


def test_version_date_is_current_date_not_consolidation_date(en_bytes: bytes) -> None:
    doc = parse(make_bundle((EN_URL, en_bytes, "en"), requested=dt.date(2030, 1, 1)))
    assert doc.version_date == dt.date(2025, 7, 24)  # ConsolidationDate says 2025-07-25


def test_languages_current_to_different_dates_warn_and_use_later(
    en_bytes: bytes, fr_bytes: bytes
) -> None:
    fr = fr_bytes.replace(b'lims:current-date="2025-07-24"', b'lims:current-date="2025-08-01"')
    doc = parse(both(en_bytes, fr))
    assert doc.version_date == dt.date(2025, 8, 1)
    assert any("different dates" in w for w in doc.warnings)


def test_missing_current_date_falls_back_to_requested_date(en_bytes: bytes) -> None:
    en = en_bytes.replace(b'lims:current-date="2025-07-24" ', b"")
    doc = parse(make_bundle((EN_URL, en, "en"), requested=dt.date(2025, 1, 2)))
    assert doc.version_date == dt.date(2025, 1, 2)
    assert any("no lims:current-date" in w for w in doc.warnings)
    with pytest.raises(ParseError, match="no lims:current-date"):
        parse(make_bundle((EN_URL, en, "en")))


def test_declared_language_wins_over_bundle_label(fr_bytes: bytes) -> None:
    doc = parse(make_bundle((FR_URL, fr_bytes, "en")))
    assert {e.language for e in doc.entries} == {"fr"}
    assert any("xml:lang='fr'" in w for w in doc.warnings)


# -- strictness: unknown structure becomes a warning -----------------------------------------


def test_unknown_structure_is_reported_not_dropped(en_bytes: bytes) -> None:
    en = en_bytes.replace(
        b"<Label>5101</Label><Text>Logs",
        b"<Label>5101</Label><Text><Strange>odd</Strange> Logs",
    ).replace(
        b'<Heading lims:fid="60"',
        b"<Mystery>x</Mystery><Heading lims:fid=\"60\"",
    ).replace(
        b"<Label>(2)</Label><Text>Paragraph 5",
        b"<Label>(2)</Label><Text>Paragraph 5</Text><Provision><Text>Loose text.</Text></Provision>"
        b"<Text>continued",
    )
    doc = parse(make_bundle((EN_URL, en, "en")))
    en_codes = by_code(doc, "en")
    warnings = "\n".join(doc.warnings)
    assert "en 5101" in warnings and "<Strange>" in warnings
    assert en_codes["5101"].text.startswith("odd Logs")  # text kept
    assert "<Mystery>" in warnings
    assert "not a NOTE" in warnings and "Loose text." in en_codes["5104(2)"].text
    assert "2 <Text> elements" in warnings


def test_duplicate_code_is_merged_with_a_warning(en_bytes: bytes) -> None:
    en = en_bytes.replace(b"<Label>8000</Label>", b"<Label>5101</Label>")
    doc = parse(make_bundle((EN_URL, en, "en")))
    codes = [e.code for e in doc.entries]
    assert codes.count("5101") == 1
    assert any("5101: code occurs twice" in w for w in doc.warnings)


# -- malformed and hostile input -------------------------------------------------------------


def test_truncated_file_raises_parse_error(en_bytes: bytes) -> None:
    with pytest.raises(ParseError, match=r"SOR-89-202\.xml: malformed XML"):
        parse(make_bundle((EN_URL, en_bytes[: len(en_bytes) // 2], "en")))


def test_corrupted_bytes_raise_parse_error() -> None:
    with pytest.raises(ParseError, match="malformed XML"):
        parse(make_bundle((EN_URL, b"\x00\xff%PDF-1.7 not xml", "en")))


def test_entity_bomb_is_refused(fixture_dir: Path) -> None:
    bomb = (fixture_dir / "entity_bomb.xml").read_bytes()
    with pytest.raises(ParseError, match="entities"):
        parse(make_bundle((EN_URL, bomb, "en")))


def test_wrong_document_type_raises(fixture_dir: Path) -> None:
    statute = b'<?xml version="1.0"?><Statute xml:lang="en"><Body/></Statute>'
    with pytest.raises(ParseError, match="expected <Regulation>"):
        parse(make_bundle((EN_URL, statute, "en")))


def test_regulation_without_the_list_raises() -> None:
    no_schedule = b'<Regulation xml:lang="en"><Body/></Regulation>'
    with pytest.raises(ParseError, match="no in-force <Schedule>"):
        parse(make_bundle((EN_URL, no_schedule, "en")))
    no_groups = (b'<Regulation xml:lang="en"><Schedule><Provision><Text>x</Text></Provision>'
                 b"</Schedule></Regulation>")
    with pytest.raises(ParseError, match="no GROUP headings"):
        parse(make_bundle((EN_URL, no_groups, "en")))


def test_empty_bundle_and_two_files_in_one_language_raise(en_bytes: bytes) -> None:
    with pytest.raises(ParseError, match="no files"):
        parse(make_bundle())
    with pytest.raises(ParseError, match="second file in language 'en'"):
        parse(make_bundle((EN_URL, en_bytes, "en"), (EN_URL, en_bytes, "en")))


# -- headings ----------------------------------------------------------------------------------


def test_first_sentence_headings() -> None:
    assert first_sentence("Short text. Second.") == "Short text. Second."
    long = "Peanut butter classified under tariff item No. 2008.11.10 of the List. " + "x " * 120
    assert first_sentence(long) == (
        "Peanut butter classified under tariff item No. 2008.11.10 of the List."
    )
    french = "Les marchandises suivantes : " + "y " * 120
    assert first_sentence(french) == "Les marchandises suivantes :"
    cut = first_sentence("word " * 100)
    assert cut.endswith("…") and len(cut) <= 201
