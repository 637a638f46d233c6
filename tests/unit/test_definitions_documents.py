"""Definitions extractors on small hand-written documents in the real formats: a DSGL-style DOCX
(built here), § 772.1 eCFR XML, Canada's Justice Laws XML and annex.json
(tests/fixtures/definitions)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from exportwatch.errors import ParseError
from nlp.definitions import extract_definitions
from nlp.definitions.eu_annex_json import annex_i_definitions
from nlp.definitions.model import Definition, Extracted
from nlp.parse import FetchedFile

_772_URL = "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?section=772.1"


def _by_key(result: Extracted) -> dict[str, Definition]:
    return {d.term_key: d for d in result.definitions}


def _dsgl_docx() -> bytes:
    """Part 1A Division 4 as legislation.gov.au lays it out: `Definition` paragraphs with curly
    quotes and NBSP-separated categories, `paragraph` sub-items, `note(text)`/`note(para)` notes."""
    document = docx.Document()
    for name in ("ActHead 3", "Definition", "note(text)", "note(para)", "paragraph", "subsection"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    rows = [
        ("ActHead 3", "Division\u00a04\u2014Definitions"),
        ("subsection", "4.1\t\tDefinitions of terms between \u2018single quotation marks\u2019 are given in a note."),
        ("note(text)", "Note:\tCategory references are given in brackets after the defined term."),
        ("Definition", "\u201cAircraft\u201d (1\u00a06\u00a07\u00a09 ML8 ML10 ML14) means a fixed wing "
                       "airborne vehicle."),
        ("note(text)", "Note:\tSee also \u201ccivil aircraft\u201d."),
        ("Definition", "\u201cData-Based Referenced Navigation\u201d (\u201cDBRN\u201d) (7) Systems means systems "
                       "which use geo-mapping data."),
        ("Definition", "\u201cFundamental research\u201d means basic or applied research where the results:"),
        ("paragraph", "\t(a)\tare intended for public disclosure; and"),
        ("paragraph", "\t(b)\tare not subject to any restrictions on disclosure."),
        ("Definition", "\u201cStability\u201d (7) means the standard deviation of a parameter."),
        ("note(text)", "Technical Note:"),
        ("Definition", "For gyroscopes and accelerometers, \u201cstability\u201d can be estimated by the Allan "
                       "variance."),
        ("Definition", "\u00a0\u201cTip shroud\u201d (9) means a stationary ring component."),
        ("Definition", "\u201cTechnology\u201d (GTN NTN All) means specific information."),
        ("note(text)", "Note 1:\t\u2018Technical assistance\u2019 may take forms such as instruction."),
        ("note(text)", "Note 2:\t\u2018Technical data\u2019 may take forms such as blueprints:"),
        ("note(para)", "(a)\tplans; and"),
        ("ActHead 3", "Division\u00a05\u2014Acronyms and abbreviations"),
        ("Definition", "\u201cNot a definition\u201d (1) is after the division."),
    ]
    for style, text in rows:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_dsgl_division_4(tmp_path: Path) -> None:
    files = (FetchedFile(url="https://www.legislation.gov.au/F2024L01024/word", content=_dsgl_docx()),)
    result = extract_definitions("dsgl-docx", files, "au-dsgl")
    defs = _by_key(result)
    assert list(defs) == ["aircraft", "data-based referenced navigation (dbrn) systems", "fundamental research",
                          "stability", "tip shroud", "technology"]
    assert defs["aircraft"].scope == "(1 6 7 9 ML8 ML10 ML14)"  # NBSPs read as spaces
    assert [(n.label, n.text) for n in defs["aircraft"].notes] == [("Note", "See also \u201ccivil aircraft\u201d.")]
    assert defs["data-based referenced navigation (dbrn) systems"].text == "means systems which use geo-mapping data."
    assert defs["fundamental research"].scope == ""
    assert defs["fundamental research"].text.endswith(
        "the results: (a) are intended for public disclosure; and (b) are not subject to any restrictions on "
        "disclosure.")
    # a `Definition`-styled paragraph that is no term is the body of the Technical Note before it
    assert [(n.label, n.text) for n in defs["stability"].notes] == [
        ("Technical Note", "For gyroscopes and accelerometers, \u201cstability\u201d can be estimated by the Allan "
                           "variance.")]
    assert defs["tip shroud"].scope == "(9)"  # the paragraph starts with a space
    assert [n.label for n in defs["technology"].notes] == ["Note 1", "Note 2"]
    assert defs["technology"].notes[1].text.endswith("blueprints: (a) plans; and")


def test_ecfr_772_1_terms_qualifiers_scopes_notes(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "definitions" / "ecfr_772_1.xml").read_bytes()
    part_734 = FetchedFile(url=_772_URL.replace("section=772.1", "part=734"), content=b'<DIV5 N="734"/>')
    result = extract_definitions("ecfr-ear", (part_734, FetchedFile(url=_772_URL, content=data)), "us-ear")
    assert result.documents == (_772_URL,)
    defs = _by_key(result)
    assert len(defs) == 14
    assert defs["600 series major defense equipment or mde"].notes[0].label == \
        "Note to \u201c600 Series Major Defense Equipment\u201d"
    assert (defs["accuracy"].scope, defs["accuracy"].text) == (
        "(Cat 2, 3, 6, 7 and 8)", "\u201cAccuracy\u201d is usually measured in terms of inaccuracy.")
    assert defs["adjusted peak performance (app)"].scope == "(Cat 4)"
    # the same term twice: an italic head with a qualifier, and a curly-quoted one
    assert defs["bias (accelerometer)"].scope == defs["bias (gyro)"].scope == "(Cat 7)"
    assert defs["bias (gyro)"].text == "The average over a specified time of gyro output."
    assert "B = Maximum number of data bits per track" in defs["maximum bit transfer rate (mbtr)"].text
    assert defs["payload"].scope == "(MTCR context)"
    pan = defs["personal area network"]  # the reference printed inside the italics
    assert pan.scope == "(Cat 5 Part 2)" and "(b) Is confined" in pan.text
    assert [n.label for n in pan.notes] == ["Technical Note"]
    assert defs["repeatability"].scope == "(Cat 7)"
    assert defs["repeatability (mtcr context only)"].scope == "(MTCR Context only) (Cat 7)"
    assert "[image: /graphics/er25mr96.013.gif]" in defs["spectral efficiency"].text
    assert defs["technology"].text == ("Technology means: (1) Information necessary for the \u201cdevelopment,\u201d "
                                       "\u201cproduction,\u201d \u201cuse\u201d of an item.")
    assert defs["unmanned aerial vehicle (uav)"].scope == "(Cat 9)"
    assert defs["utilization facility"].text.startswith("(a) As defined")  # a label, not a qualifier


def test_ecfr_bundle_without_772_1_is_an_error() -> None:
    files = (FetchedFile(url=_772_URL.replace("section=772.1", "part=734"), content=b'<DIV5 N="734"/>'),)
    with pytest.raises(ParseError, match=r"no § 772\.1"):
        extract_definitions("ecfr-ear", files, "us-ear")


def _canada(fixtures_dir: Path, date: str) -> tuple[FetchedFile, ...]:
    return tuple(FetchedFile(url=f"https://laws-lois.justice.gc.ca/{lang}/XML/SOR-89-202.xml", language=lang,
                             content=(fixtures_dir / "definitions" / f"canada_{lang}_{date}.xml").read_bytes())
                 for lang in ("en", "fr"))


def test_canada_body_definitions_pair_languages_and_items_define_by_reference(fixtures_dir: Path) -> None:
    result = extract_definitions("justice-laws-xml", _canada(fixtures_dir, "2024-07-23"), "ca-ecl")
    en = {d.term_key: d for d in result.definitions if d.language == "en"}
    fr = {d.term_key: d for d in result.definitions if d.language == "fr"}
    assert set(en) == {"guide", "wassenaar arrangement", "development (item 5504)", "technology (item 5504)",
                       "technology (item 5506)"}  # 5507 is in the not-in-force schedule
    guide = en["guide"]
    assert guide.text == "means A Guide to Canada\u2019s Export Control List, published by the Department."
    assert [(n.label, n.text) for n in guide.notes] == [("Equivalent term (fr)", "Guide")]
    accord = fr["accord de wassenaar"]
    assert accord.term == "Accord de Wassenaar" and accord.key_for_id == "wassenaar arrangement"
    assert accord.text == "L\u2019accord conclu \u00e0 Vienne."
    tech = en["technology (item 5504)"]
    assert tech.scope == "item 5504(1)"
    assert tech.text == "In this item, development and technology have the same meaning as in the Guide."
    assert fr["technologie (article 5506)"].scope == "article 5506(1)"


def test_annex_json_article_2_points_and_glued_footnote(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "definitions" / "annex.json").read_bytes()
    result = extract_definitions("eu-annex-json", (FetchedFile(url="https://x/annex.json", content=data),), "eu-reg")
    defs = _by_key(result)
    assert list(defs) == ["dual-use items", "export", "exporter", "internal compliance programme or icp"]
    assert defs["export"].scope == "Article 2(2)"
    assert "point (11) of this Article" in defs["export"].text  # a reference, not a new point
    exporter = defs["exporter"]
    assert exporter.text.endswith("within the meaning of Commission Delegated Regulation (EU) 2015/2446")
    assert [(n.label, n.text) for n in exporter.notes] == [
        ("Footnote", "Commission Delegated Regulation (EU) 2015/2446 of 28 July 2015 supplementing the Union Customs "
                     "Code (OJ L 343, 29.12.2015, p. 1).")]
    annex = annex_i_definitions(json.loads(data))
    assert [d.term_key for d in annex.definitions] == ["accuracy", "aircraft", "user-accessible programmability"]
    assert annex.definitions[1].notes[0].label == "N.B."
