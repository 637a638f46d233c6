"""eCFR versioner XML parser (US CCL, 15 CFR 774 Supp. No. 1) on a hand-made fixture.

`part-774-mini.xml` is modelled on the real Part 774 file: a DIV8 section and a second supplement
that must be skipped, the amendment XREF, a category note, licence sections printed as
`<E T="04">`, `<E T="05">`, `<HD1>` and run-in text, a Control(s)/Country Chart table, `<SU>`
after a newline, `<E T="51">`, `<FR>`, note blocks that carry several notes and (a markup slip of
the real file) an item, labels without their dot, ranges of reserved items, a skipped level,
an ECCN header split over several `<B>` runs, Category 5's repeated product groups, EAR99 and the
annex after it, and elements the parser must report rather than swallow.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.ecfr_ear.inline import plain
from nlp.parse.ecfr_xml import labels, parse
from nlp.parse.ecfr_xml.inline import render_clean
from nlp.parse.ecfr_xml.tree import first_sentence

URL = "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?part=774"
DATE = dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def fixture_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ecfr_xml"


@pytest.fixture(scope="module")
def mini(fixture_dir: Path) -> bytes:
    return (fixture_dir / "part-774-mini.xml").read_bytes()


@pytest.fixture(scope="module")
def doc(mini: bytes) -> ParsedDocument:
    return parse(bundle(mini))


def bundle(content: bytes, *, requested: dt.date | None = DATE, role: str = "list") -> Bundle:
    return Bundle(
        source_id="us-ccl",
        jurisdiction="US",
        files=(FetchedFile(url=URL, content=content, media_type="application/xml", role=role),),
        requested_date=requested,
    )


def as_json(doc: ParsedDocument) -> dict[str, Any]:
    return {
        "version_date": doc.version_date.isoformat(),
        "title": doc.title,
        "warnings": list(doc.warnings),
        "stats": doc.stats,
        "entries": [
            {
                "code": e.code, "parent": e.parent, "path": list(e.path), "kind": e.kind,
                "heading": e.heading, "text": e.text, "language": e.language,
                "status": e.status, "position": e.position,
                "notes": [{"kind": n.kind, "label": n.label, "text": n.text} for n in e.notes],
            }
            for e in doc.entries
        ],
    }


def test_registered_under_format_name() -> None:
    assert get_parser("ecfr-xml") is parse


def test_fixture_matches_reviewed_expected_output(doc: ParsedDocument, fixture_dir: Path) -> None:
    expected = json.loads((fixture_dir / "expected.json").read_text(encoding="utf-8"))
    actual = as_json(doc)
    assert [e["code"] for e in actual["entries"]] == [e["code"] for e in expected["entries"]]
    for got, want in zip(actual["entries"], expected["entries"], strict=True):
        assert got == want, got["code"]
    assert actual == expected


def test_version_date_is_the_requested_date(doc: ParsedDocument) -> None:
    assert doc.version_date == DATE
    assert doc.title == "Supplement No. 1 to Part 774—The Commerce Control List"


def test_only_supplement_one_is_parsed(doc: ParsedDocument) -> None:
    codes = {e.code for e in doc.entries}
    assert "9A999" not in codes and "9Z999" not in codes  # Supp. No. 2 and § 774.1
    assert doc.stats["supplements_skipped"] == 1
    assert not any("9A999" in w or "Supplement No. 2" in w for w in doc.warnings)


def test_superscripts_are_glued_to_their_base(doc: ParsedDocument) -> None:
    by_code = {e.code: e for e in doc.entries}
    assert by_code["3A001.a.1.a"].text.startswith("A total dose of 5 × 10^3 Gy (Si)")
    assert "10^6 Gy" in by_code["3A001.a.1.b"].text  # <E T="51">
    assert "41,600 ft^3 is a rack" in by_code["3A001.a.1.b"].notes[0].text
    assert "2 1/2 in. (3/8 in. pitch)" in by_code["3A001.a.2"].text  # <FR> fractions


def test_an_exponent_split_over_two_superscripts_is_one_exponent() -> None:
    # us:4A001.a.2.c in the 2026-09-01 XML: the minus and the digits are two superscripts
    el = etree.fromstring('<P>a.2.c. Single Event Upset of 1 &#xD7; 10<E T="51">&#x2212;</E>\n<SU>8</SU> '
                          'Error/bit/day; 41,600 ft\n<SU>3</SU></P>')
    assert render_clean(el) == "a.2.c. Single Event Upset of 1 × 10^−8 Error/bit/day; 41,600 ft^3"
    assert plain(el) == render_clean(el)  # the EAR parts' renderer (§ 772.1, Part 738) agrees


def test_country_chart_rows_become_license_requirement_lines(doc: ParsedDocument) -> None:
    eccn = next(e for e in doc.entries if e.code == "3A001")
    lr = next(n for n in eccn.notes if n.label == "License Requirements")
    assert lr.kind == "other"
    assert lr.text.splitlines() == [
        "Reason for Control: NS, RS, AT",
        "NS applies to 3A001.a.1 — NS Column 2.",
        "RS applies to 3A001.z — To or within destinations specified in Country Groups D:1"
        " and D:5. See § 742.6 of the EAR.",
        "AT applies to entire entry — AT Column 1.",
    ]
    assert "Control(s)" not in lr.text  # table header is boilerplate


def test_notes_stay_out_of_item_text(doc: ParsedDocument) -> None:
    for entry in doc.entries:
        for marker in ("Note:", "Technical Note", "N.B.", "Related Controls"):
            assert marker not in entry.text, (entry.code, marker)


def test_skipped_levels_and_markup_slips_are_reported(doc: ParsedDocument) -> None:
    assert "3A001: item 3A001.e missing; created for e.1" in doc.warnings
    assert any("item f printed inside a NOTE block" in w for w in doc.warnings)
    assert any("unrecognised element <GPH>" in w for w in doc.warnings)
    assert any("unrecognised HD1 heading 'Annotations" in w for w in doc.warnings)


def test_missing_requested_date_is_an_error(mini: bytes) -> None:
    with pytest.raises(ParseError, match="no requested_date"):
        parse(bundle(mini, requested=None))


def test_bundle_without_list_file_is_an_error(mini: bytes) -> None:
    with pytest.raises(ParseError, match="role 'list'"):
        parse(bundle(mini, role="definitions"))


def test_truncated_file_is_an_error(mini: bytes) -> None:
    with pytest.raises(ParseError, match="malformed XML"):
        parse(bundle(mini[: len(mini) // 2]))


def test_corrupted_file_is_an_error(mini: bytes) -> None:
    corrupted = mini.replace(b"</HD1>", b"</HD2>", 1)
    with pytest.raises(ParseError, match=r"us-ccl \(https://www\.ecfr\.gov.*malformed XML"):
        parse(bundle(corrupted))


def test_entity_bomb_is_refused(fixture_dir: Path) -> None:
    with pytest.raises(ParseError, match="declares entities"):
        parse(bundle((fixture_dir / "entity-bomb.xml").read_bytes()))


def test_other_part_is_an_error() -> None:
    part_738 = (
        b'<?xml version="1.0"?><DIV5 N="738" TYPE="PART"><DIV9 N="Supplement No. 1 to Part 738"'
        b' TYPE="APPENDIX"><HEAD>Commerce Country Chart</HEAD></DIV9></DIV5>'
    )
    with pytest.raises(ParseError, match=r"Supplement No\. 1 to Part 774"):
        parse(bundle(part_738))


def test_supplement_without_eccns_is_an_error() -> None:
    empty = (
        b'<?xml version="1.0"?><DIV5 N="774" TYPE="PART"><DIV9 N="Supplement No. 1 to Part 774"'
        b' TYPE="APPENDIX"><HD1>Category 3&#x2014;Electronics</HD1></DIV9></DIV5>'
    )
    with pytest.raises(ParseError, match="no ECCN headers"):
        parse(bundle(empty))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("a. General purpose", "a"),
        ("a.5.b.2.a.1. Deep", "a.5.b.2.a.1"),
        ("b.1 [Reserved]", "b.1"),
        ("b.2.a.. Stray dot", "b.2.a"),
        ("a.1.a.1.c.'Sounding resolution'", "a.1.a.1.c"),
        ("e.g. not a label", None),
        ("or", None),
        ("(a) See ECCN 9A610", None),
        ("1. Numbered note line", None),
    ],
)
def test_item_labels(text: str, label: str | None) -> None:
    assert labels.item_label(text) == label


def test_out_of_pattern_labels_need_the_loose_mode() -> None:
    assert labels.item_label("f.2.1. Materials") is None
    assert labels.item_label("f.2.1. Materials", strict=False) == "f.2.1"


@pytest.mark.parametrize(
    ("first", "last", "op", "expanded"),
    [
        ("b", "d", "through", ["b", "c", "d"]),
        ("y.2", "y.5", "through", ["y.2", "y.3", "y.4", "y.5"]),
        ("q.1", "q.2", "and", ["q.1", "q.2"]),
        ("b", "c", "-", ["b", "c"]),
        ("a.1", "b.2", "to", None),
    ],
)
def test_reserved_ranges(first: str, last: str, op: str, expanded: list[str] | None) -> None:
    assert labels.expand_range(first, last, op) == expanded


@pytest.mark.parametrize(
    ("printed", "kind", "label"),
    [
        ("Note:", "note", "Note"),
        ("Note 2 to 3A001.a:", "note", "Note 2 to 3A001.a"),
        ("Technical Notes:", "technical-note", "Technical Notes"),
        ("N.B.:", "nb", "N.B."),
        ("License Requirements Note:", "note", "License Requirements Note"),
        ("N.B. to Note 3 (Cryptography Note):", "nb", "N.B. to Note 3 (Cryptography Note)"),
        ("Abbreviations used in this Technical Note", "technical-note",
         "Abbreviations used in this Technical Note"),
        ("Outline of “APP” calculation method", "other", "Outline of “APP” calculation method"),
    ],
)
def test_note_headings(printed: str, kind: str, label: str) -> None:
    head = labels.note_head(printed)
    assert (head.kind, head.label) == (kind, label)


def test_item_heading_is_first_sentence_capped() -> None:
    assert first_sentence("Engines. Having all of the following:") == "Engines."
    long = "word " * 80
    cut = first_sentence(long)
    assert len(cut) <= 202 and cut.endswith(" …")
