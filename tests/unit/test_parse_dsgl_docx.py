"""Unit tests of the DSGL DOCX parser on the hand-made fixture and on broken input."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.dsgl_docx import container, parse
from nlp.parse.dsgl_docx.numbering import Numbering
from nlp.parse.dsgl_docx.patterns import note_marker
from nlp.parse.safe_xml import parse_xml

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "dsgl_docx"


def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dsgl_make_fixture", FIXTURE_DIR / "make_fixture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()


def _bundle(content: bytes, requested: dt.date | None = None) -> Bundle:
    url = "https://www.legislation.gov.au/F2024L01024/asmade/2024-08-14/text/original/word"
    return Bundle("au-dsgl-2024", "AU", (FetchedFile(url=url, content=content, role="list"),),
                  requested_date=requested)


@pytest.fixture(scope="module")
def doc() -> ParsedDocument:
    return parse(_bundle((FIXTURE_DIR / "sample.docx").read_bytes()))


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURE_DIR / "expected.json").read_text(encoding="utf-8"))
    return data


def _as_dict(doc: ParsedDocument) -> list[dict[str, Any]]:
    return [
        {"code": e.code, "parent": e.parent, "path": list(e.path), "kind": e.kind,
         "heading": e.heading, "text": e.text, "status": e.status, "position": e.position,
         "notes": [{"kind": n.kind, "label": n.label, "text": n.text} for n in e.notes]}
        for e in doc.entries
    ]


def test_fixture_is_current() -> None:
    # sample.docx must be what make_fixture.py writes, so that the two cannot drift apart.
    assert maker.docx_bytes(maker.BODY) == (FIXTURE_DIR / "sample.docx").read_bytes()


def test_registered_under_its_format_name() -> None:
    assert get_parser("dsgl-docx") is parse


def test_fixture_matches_expected(doc: ParsedDocument, expected: dict[str, Any]) -> None:
    assert doc.version_date.isoformat() == expected["version_date"]
    assert doc.title == expected["title"]
    got = _as_dict(doc)
    assert [e["code"] for e in got] == [e["code"] for e in expected["entries"]]
    for g, x in zip(got, expected["entries"], strict=True):
        assert g == x, g["code"]
    for fragment in expected["warnings_containing"]:
        assert any(fragment in w for w in doc.warnings), fragment
    assert len(doc.warnings) == len(expected["warnings_containing"]), doc.warnings
    for key, value in expected["stats"].items():
        assert doc.stats[key] == value, key


def test_entry_layouts(doc: ParsedDocument) -> None:
    by = {e.code: e for e in doc.entries}
    # "0.\tA. \t001." (space before the TAB), "1.\tA.\t004\t" (no dot) and a full path
    # that lost its category digit all give entries of the right group.
    assert by["0A001"].parent == "0A" and by["0A001"].kind == "entry"
    assert by["1A004"].parent == "1A"
    assert by["0A001.d"].parent == "0A001"
    # Full-path re-openings are nodes of the same tree.
    assert by["0A001.c"].path == ("0", "0A", "0A001", "0A001.c")
    assert by["ML1.b.1"].parent == "ML1.b"
    assert by["ML8.a.10"].path == ("ML", "ML8", "ML8.a", "ML8.a.10")
    # The Sensitive list after Part 2 repeats entries: it is not parsed.
    assert "1A002" not in by


def test_auto_numbered_paragraphs_get_labels(doc: ParsedDocument) -> None:
    by = {e.code: e for e in doc.entries}
    assert by["1A004.a"].text == "Designed for military use; and"
    assert by["1A004.b"].text.startswith("Rated at 873 K")
    note = by["0B001.a.1.b"].notes[0]
    assert "1. Designed to keep centered a rotor spinning at 600 Hz or more; and" in note.text
    assert "2. Associated to an uninterruptible power supply." in note.text
    # The numbered points belong to the note, so the item list goes on with 2. and 3.
    assert by["0B001.a.2"].parent == "0B001.a"
    assert by["0B001.a.3"].status == "not-used"


def test_characters_superscripts_and_micro(doc: ParsedDocument) -> None:
    by = {e.code: e for e in doc.entries}
    assert "5 x 10^12 n/cm^2 or more, at 100 °C" in by["0A001.b"].text
    assert by["ML7.a.1"].text.startswith("α-Bromobenzeneacetonitrile")
    assert "(ω-chloroacetophenone)" in by["ML7.a.2"].text
    assert "3,3′-diamino-hexanitrobiphenyl" in by["ML8.a.10"].text
    note_texts = " ".join(n.text for n in by["0A001.b"].notes)
    assert "0.5 μs" in note_texts and "\u00b5" not in note_texts


def test_notes_are_separated(doc: ParsedDocument) -> None:
    for e in doc.entries:
        assert "Note:" not in e.text and "N.B." not in e.text, e.code
    by = {e.code: e for e in doc.entries}
    assert [n.label for n in by["1C350"].notes] == ["N.B.", "Note 1", "Note 2"]
    assert [n.kind for n in by["5A002.a"].notes] == ["technical-note", "note", "technical-note"]
    # "b." after a Technical Note inside Note 2's list continues Note 2.
    assert by["5A002.a"].notes[1].text.endswith("b. Cryptographic equipment for banking use;")
    table_notes = by["2E003.b"].notes
    assert table_notes[0].label == "TABLE — DEPOSITION TECHNIQUES"
    assert "Chemical Vapour Deposition (CVD) | “Superalloys” | Aluminides" in table_notes[0].text


def test_requested_date_is_fallback() -> None:
    body = [p for p in maker.BODY if not (p[1] and p[1][0] == "Dated 14 August 2024")]
    got = parse(_bundle(maker.docx_bytes(body), requested=dt.date(2024, 9, 1)))
    assert got.version_date == dt.date(2024, 9, 1)
    assert any("requested date" in w for w in got.warnings)


def test_not_a_dsgl_document() -> None:
    content = maker.docx_bytes([maker.p("Normal", "Minutes of the meeting.")])
    with pytest.raises(ParseError, match="no DSGL entries"):
        parse(_bundle(content, requested=dt.date(2024, 1, 1)))


def test_no_docx_in_bundle() -> None:
    with pytest.raises(ParseError, match="no DOCX"):
        parse(_bundle(b"%PDF-1.7 ..."))


def test_truncated_docx() -> None:
    content = (FIXTURE_DIR / "sample.docx").read_bytes()
    with pytest.raises(ParseError, match="corrupted or truncated DOCX"):
        parse(_bundle(content[: len(content) // 2]))


def test_corrupted_member() -> None:
    content = bytearray((FIXTURE_DIR / "sample.docx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        info = zf.getinfo("word/document.xml")
    # Damage the compressed bytes of document.xml (30-byte local header + name).
    start = info.header_offset + 30 + len(info.filename) + 20
    content[start:start + 40] = b"\x00" * 40
    with pytest.raises(ParseError, match="corrupted or truncated DOCX"):
        parse(_bundle(bytes(content)))


def test_zip_without_document_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/styles.xml", "<x/>")
    with pytest.raises(ParseError, match=r"no word/document\.xml"):
        parse(_bundle(buf.getvalue()))


def test_expansion_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(ParseError, match="zip bomb"):
        parse(_bundle((FIXTURE_DIR / "sample.docx").read_bytes()))


def test_entity_declarations_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document {maker.W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    content = maker.docx_bytes([], document=bomb)
    with pytest.raises(ParseError, match="declares a DTD or entities"):
        parse(_bundle(content))


def test_note_markers() -> None:
    cases = {
        "Note:\tML1. does not apply": ("note", "Note", "ML1. does not apply"),
        "Note 5: \tML13.d.1. does not": ("note", "Note 5", "ML13.d.1. does not"),
        "N.B.1:\tFor zirconium": ("nb", "N.B.1", "For zirconium"),
        "N.B.2.:\tFor field programmable": ("nb", "N.B.2", "For field programmable"),
        "N.B.: 1 See 9E003.h. for": ("nb", "N.B. 1", "See 9E003.h. for"),
        "N.B.: SEE ALSO 2A225.": ("nb", "N.B.", "SEE ALSO 2A225."),
        "Technical Note": ("technical-note", "Technical Note", ""),
        "Technical Notes: ": ("technical-note", "Technical Notes", " "),
        "Note to the Cryptography Note:": ("note", "Note to the Cryptography Note", ""),
    }
    for text, (kind, label, rest) in cases.items():
        marker = note_marker(text)
        assert marker is not None, text
        assert (marker.kind, marker.label, marker.rest.strip()) == (kind, label, rest.strip()), text
    assert note_marker("Notes that follow") is None
    assert note_marker("a.\tNone of the following") is None


def test_numbering_replay() -> None:
    root = parse_xml(maker.numbering_xml().encode(), what="numbering")
    numbering = Numbering(root)
    # A level used before its parent level counts as if the parent stood at its start value.
    assert [numbering.label("3", 1)[0] for _ in range(3)] == ["a.", "b.", "c."]
    assert numbering.label("3", 0) == ("2.", "")
    assert numbering.label("3", 1) == ("a.", "")
    assert numbering.label("1", 0) == ("1.", "")
    assert numbering.label("99", 0)[0] is None
