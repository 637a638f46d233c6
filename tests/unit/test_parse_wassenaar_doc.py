"""Wassenaar per-category .doc parser, on hand-written text in antiword's shape.

A legacy .doc cannot be written here, so the fixtures are the TEXT antiword makes of one
(`<indent spaces><TABs><label>\\t<text>`, modelled on the 2021 Cat 3, Cat 5 and ML files, with
their traps) and `doc_to_text` is replaced by a lookup of that text. The real converter is used
where the test is about a broken file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

import nlp.parse.wassenaar_doc as wassenaar_doc
from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser
from nlp.parse.wassenaar_tree import (
    fit,
    heading_of,
    label_rank,
    match_note_header,
    note_subject,
    split_label,
    status_of,
)

OLE2 = b"\xd0\xcf\x11\xe0"
FIXTURE_FILES = {
    "05 - Cat 3.doc": "cat3.txt",
    "07 - Cat 5P1.doc": "cat5p1.txt",
    "08 - Cat 5P2.doc": "cat5p2.txt",
    "15 - ML.doc": "ml.txt",
    "16 - DEF.doc": "def.txt",
}


def _url(name: str, year: str = "2021") -> str:
    return f"https://www.wassenaar.org/app/uploads/{year}/{quote(name)}"


def _fake_file(name: str) -> FetchedFile:
    # OLE2 magic + the file name: the fake converter maps it back to the fixture text
    return FetchedFile(url=_url(name), content=OLE2 + name.encode())


@pytest.fixture()
def fake_antiword(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Replace antiword by the fixture texts; returns the name -> text map tests may extend."""
    texts = {name: (fixtures_dir / "wassenaar_doc" / fx).read_text(encoding="utf-8")
             for name, fx in FIXTURE_FILES.items()}

    def fake(content: bytes, *, what: str = "", timeout: float = 60.0) -> str:
        assert content.startswith(OLE2), what
        return texts[content[len(OLE2):].decode()]

    monkeypatch.setattr(wassenaar_doc, "doc_to_text", fake)
    return texts


def _parse(files: list[FetchedFile], requested: dt.date | None = dt.date(2021, 12, 22)) -> ParsedDocument:
    return wassenaar_doc.parse(Bundle("wassenaar-test", "WA", tuple(files), requested_date=requested))


def _fixture_bundle() -> list[FetchedFile]:
    return [_fake_file(name) for name in FIXTURE_FILES]


def _docx(document_text: str, header_text: str = "", *, document_xml: str | None = None) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = document_xml or (f'<?xml version="1.0"?><w:document {ns}><w:body><w:p><w:r>'
                            f"<w:t>{document_text}</w:t></w:r></w:p></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", body)
        if header_text:
            z.writestr("word/header1.xml", f'<?xml version="1.0"?><w:hdr {ns}><w:p><w:r><w:t>'
                                           f"{header_text}</w:t></w:r></w:p></w:hdr>")
    return buf.getvalue()


# ------------------------------------------------------------------------------ whole fixture


def test_fixture_bundle_matches_expected(fake_antiword: dict[str, str], fixtures_dir: Path) -> None:
    expected = json.loads((fixtures_dir / "wassenaar_doc" / "expected.json").read_text("utf-8"))
    doc = _parse(_fixture_bundle())
    got = [
        {"code": e.code, "parent": e.parent, "kind": e.kind, "status": e.status,
         "heading": e.heading, "text": e.text,
         "notes": [{"kind": n.kind, "label": n.label, "text": n.text} for n in e.notes]}
        for e in doc.entries
    ]
    assert [g["code"] for g in got] == [x["code"] for x in expected["entries"]]
    for g, x in zip(got, expected["entries"], strict=True):
        assert g == x, g["code"]
    assert doc.version_date.isoformat() == expected["version_date"]
    assert doc.title == expected["title"]
    assert list(doc.warnings) == expected["warnings"]
    assert doc.stats == expected["stats"]
    assert [e.position for e in doc.entries] == list(range(len(doc.entries)))


def test_registered_under_the_wassenaar_format(fake_antiword: dict[str, str]) -> None:
    doc = get_parser("wassenaar")(Bundle("w", "WA", tuple(_fixture_bundle()),
                                         requested_date=dt.date(2021, 12, 22)))
    assert any(e.code == "ML8.a.3" for e in doc.entries)


def test_fixture_traps(fake_antiword: dict[str, str]) -> None:
    by = {e.code: e for e in _parse(_fixture_bundle()).entries}
    # a bare label that never appears as a full path, and its parent
    assert by["3.A.1.a.6"].parent == "3.A.1.a"
    assert by["3.A.1.a.1"].parent == "3.A.1.a"
    # numbered Technical Notes bodies are not items, whatever their TABs
    assert "3.A.2.b.1" not in by and "3.A.1.a.4.a.3" not in by and "ML8.b" not in by
    assert "ML1.c" not in by  # the note list `a.`/`b.` under ML1 is not ML1.a/ML1.b
    # a note naming an ancestor goes to that ancestor, not to the node above it
    assert [n.label for n in by["3.A.1.a.2"].notes] == ["Technical Note", "Note"]
    # "Note 2 cont." continues Note 2
    assert [n.label for n in by["3.A.1.b.2"].notes] == ["Note 2"]
    assert by["3.A.1.b.2"].notes[0].text.endswith("Radar equipment for civil aviation.")
    # 5.A is restated by both Cat 5 files: one node, no duplicate warning
    assert by["5.A.1"].parent == by["5.A.2"].parent == "5.A"
    # misplaced TABs and `a. Text` with a space
    assert by["ML2.a.1"].parent == "ML2.a" and by["ML3.a"].parent == "ML3"
    assert by["ML10.a"].heading.startswith("Manned")
    assert by["ML2.b"].status == by["3.A.1.a.3"].status == "not-used"
    for e in by.values():
        assert not e.text.startswith(("Note", "N.B.", "Technical Note", "*")), e.code
        assert "\t" not in e.text and "Russian Federation" not in e.text


# ---------------------------------------------------------------------------- broken input


def test_not_a_doc_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"Cat 3.*no OLE2 header"):
        _parse([FetchedFile(url=_url("05 - Cat 3.doc"), content=b"<html>not found</html>")])


def test_corrupted_doc_is_a_parse_error() -> None:
    # real antiword: OLE2 magic followed by garbage
    with pytest.raises(ParseError, match=r"Cat 3.*antiword failed"):
        _parse([FetchedFile(url=_url("05 - Cat 3.doc"), content=OLE2 + b"\x00garbage" * 64)])


def test_file_without_codes_is_a_parse_error(fake_antiword: dict[str, str]) -> None:
    fake_antiword["05 - Cat 3.doc"] = "\n\nSome text, but no list codes at all.\n"
    with pytest.raises(ParseError, match="Cat 3: no list codes"):
        _parse(_fixture_bundle())


def test_empty_bundle_and_bundle_without_lists() -> None:
    with pytest.raises(ParseError, match="no files"):
        _parse([])
    with pytest.raises(ParseError, match="no category or munitions list"):
        _parse([FetchedFile(url=_url("13 - SL.doc"), content=OLE2)])


def test_two_files_for_one_category_is_a_parse_error(fake_antiword: dict[str, str]) -> None:
    files = [*_fixture_bundle(),
             FetchedFile(url=_url("05 - WA-LIST (19) 1 - Cat 3.doc"), content=OLE2 + b"x")]
    with pytest.raises(ParseError, match="two files for the same part"):
        _parse(files)


def test_unknown_and_non_doc_files_are_warned_and_skipped(fake_antiword: dict[str, str]) -> None:
    files = [*_fixture_bundle(),
             FetchedFile(url=_url("99 - Something else.doc"), content=OLE2),
             FetchedFile(url=_url("05 - Cat 3.manual.txt"), content=b"3.A.1.\tElectronic items")]
    doc = _parse(files)
    assert any("99 - Something else.doc" in w and "not recognised" in w for w in doc.warnings)
    assert any("05 - Cat 3.manual.txt" in w and "not a .doc" in w for w in doc.warnings)


def test_not_parsed_parts_are_counted_without_warning(fake_antiword: dict[str, str]) -> None:
    others = ["02 - GTN and GSN.doc", "13 - SL.doc", "14 - VSL.doc",
              "17 - Acronyms and Abbreviations.doc", "18 - SOUs and Validity Notes.doc"]
    doc = _parse([*_fixture_bundle(), *(FetchedFile(url=_url(n), content=OLE2) for n in others)])
    assert doc.stats["unparsed_files"] == 5
    assert not any(n in w for w in doc.warnings for n in others)


# ---------------------------------------------------------------------------- edition date


def test_date_from_docx_table_of_contents(fake_antiword: dict[str, str]) -> None:
    toc = FetchedFile(url=_url("01 - Table of Contents.docx"),
                      content=_docx("TABLE OF CONTENTS", "WA-LIST (20) 1 09-12-2020"))
    doc = _parse([toc, *_fixture_bundle()], requested=None)
    assert doc.version_date == dt.date(2020, 12, 9)
    assert doc.title.endswith("WA-LIST (20) 1")
    assert not any("date" in w for w in doc.warnings)


def test_date_from_doc_table_of_contents(fake_antiword: dict[str, str]) -> None:
    name = "01 - WA-LIST (15) 1 Corr.1 - Table of Contents.doc"
    fake_antiword[name] = "\nWA-LIST (15) 1 Corr.1*\n\n04-04-2016\n\nTABLE OF CONTENTS\n"
    doc = _parse([_fake_file(name), *_fixture_bundle()], requested=None)
    assert doc.version_date == dt.date(2016, 4, 4)
    assert doc.title.endswith("WA-LIST (15) 1 Corr. 1")


def test_known_date_of_the_list_number_in_file_names(fake_antiword: dict[str, str]) -> None:
    fake_antiword["05 - WA-LIST (18) 1 - Cat 3.doc"] = fake_antiword["05 - Cat 3.doc"]
    doc = _parse([_fake_file("05 - WA-LIST (18) 1 - Cat 3.doc")], requested=None)
    assert doc.version_date == dt.date(2018, 12, 6)


def test_requested_date_as_last_resort(fake_antiword: dict[str, str]) -> None:
    doc = _parse(_fixture_bundle(), requested=dt.date(2022, 1, 1))
    assert doc.version_date == dt.date(2022, 1, 1)
    assert any("using the requested date" in w for w in doc.warnings)
    with pytest.raises(ParseError, match="no edition date"):
        _parse(_fixture_bundle(), requested=None)


def test_entity_bomb_in_table_of_contents_is_refused(fake_antiword: dict[str, str]) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")
    toc = FetchedFile(url=_url("01 - Table of Contents.docx"), content=_docx("", document_xml=bomb))
    with pytest.raises(ParseError, match="entities"):
        _parse([toc, *_fixture_bundle()])


# ------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize(("token", "label"), [
    ("a.", "a"), ("17. ", "17"), ("ML8.", "ML8"), ("aa.", "aa"), ("A.", "A"),
    ("Note", None), ("a", None), ("ab.", None), ("1.5", None), ("(", None),
])
def test_split_label(token: str, label: str | None) -> None:
    assert split_label(token) == label


def test_sibling_sequences() -> None:
    assert fit(None, "a") == "first" and fit(None, "1") == "first"
    assert fit("a", "b") == "next" and fit("9", "10") == "next" and fit("z", "aa") == "next"
    assert fit("aa", "bb") == "next" and label_rank("dd") == 30
    assert fit("a", "d") == "gap" and fit(None, "c") == "gap"
    assert fit("b", "b") is None and fit("c", "a") is None and fit("a", "2") is None


@pytest.mark.parametrize(("line", "kind", "label", "continued", "rest"), [
    ("Note\tText.", "note", "Note", False, "Text."),
    ("Note 1\tText", "note", "Note 1", False, "Text"),
    ("Note1\tText", "note", "Note1", False, "Text"),
    ("Note 1(\tML8. does not apply", "note", "Note 1", False, "ML8. does not apply"),
    ("N.B.2.\tSee ML11.", "nb", "N.B.2.", False, "See ML11."),
    ("N.B. 1 \tSee", "nb", "N.B. 1", False, "See"),
    ("Technical Notes", "technical-note", "Technical Notes", False, ""),
    ("Technical Notes (cont.)", "technical-note", "Technical Notes", True, ""),
    ("Technical Notes contd.", "technical-note", "Technical Notes", True, ""),
    ("Note 2 cont.", "note", "Note 2", True, ""),
    ("Note 3 to 6.A.3.b.4.b. cont.", "note", "Note 3 to 6.A.3.b.4.b.", True, ""),
    ("Note to the Cryptography Note:", "note", "Note to the Cryptography Note", False, ""),
])
def test_note_headers(line: str, kind: str, label: str, continued: bool, rest: str) -> None:
    header = match_note_header(line)
    assert header is not None
    assert (header.kind, header.label, header.continued, header.rest) == (kind, label, continued, rest)


def test_not_note_headers() -> None:
    for line in ("Note that this is text", "Notebook computers;", "1.\tNote", "N.B"):
        assert match_note_header(line) is None, line
    assert match_note_header("Note 3 to 6.A.3.b.4.b. cont.").base == "Note 3"  # type: ignore[union-attr]


def test_note_subject_status_and_heading() -> None:
    assert note_subject("1.A.2. does not apply to") == "1.A.2"
    assert note_subject("Item ML.8.f.17.b. includes:") == "ML8.f.17.b"
    assert note_subject("4.D.4 does not apply") == "4.D.4"
    assert note_subject("The status of 3.A. is") is None
    assert status_of("Not used since 2010") == "not-used"
    assert status_of("MAGNETIC AND ELECTRIC FIELD SENSORS - Not used since 2004;") == "not-used"
    assert status_of("Equipment not used for civil purposes") == "active"
    long_line = "Word " * 80
    assert len(heading_of(long_line)) <= 200 and heading_of(long_line).endswith("\u2026")
    assert heading_of("Rated above 398 K. Second sentence here.") == "Rated above 398 K."
