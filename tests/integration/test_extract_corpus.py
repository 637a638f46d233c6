"""Extraction on real entries: the corpus documents parsed by the project's parsers, then every
entry text and note run through `nlp.extract`.

Expected values are read off the documents: 9A012's endurance rewrite between the two eCFR dates
(SOURCES.md, 91 FR 46261), eu:1A002's "N.B. SEE ALSO 1A202, 9A010 and 9A110", Canada's English
and French texts stating the same thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlp.extract import Extraction, detect_decimal_comma, extract, extract_many
from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile

pytestmark = pytest.mark.corpus

ECFR = "raw/us-ear-ecfr-xml-2026-09-01-caddy/title-15-part-774-{date}.xml"
EU_PDF = "raw/km-stat-export-control-code-lists/eu dual use lists/2022-05-05 CELEX_02021R0821-20220505_EN_TXT.pdf"
CA_DIR = "raw/canada-export-control-list-sor-89-202-justicecanada/versions"
AU_DOCX = "raw/australia-dsgl-2024-defence-parser/F2024L01024.docx"
# Canada: where the English and French texts do not state the same numbers. 5205 and 5506(2)(d)(iii)(B)(III):
# French spells the numbers out ("au moins soixante-cinq pour cent", "au moins vingt éléments"), which
# is not read; 5506(2)(d)(v)(B)(II): the French text says "égale ou inférieurs de 100 Pa" (sic).
CA_NOT_ALIGNED = {"5205", "5506(2)(d)(iii)(B)(III)", "5506(2)(d)(v)(B)(II)"}


def _us(corpus: Path, date: str) -> ParsedDocument:
    from nlp.parse.ecfr_xml import parse

    url = f"https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774"
    content = (corpus / ECFR.format(date=date)).read_bytes()
    return parse(Bundle(source_id="us-ecfr-ccl", jurisdiction="us", requested_date=dt.date.fromisoformat(date),
                        files=(FetchedFile(url=url, content=content, media_type="application/xml"),)))


@pytest.fixture(scope="module")
def us(corpus_dir: Path) -> dict[str, ParsedDocument]:
    return {date: _us(corpus_dir, date) for date in ("2026-06-25", "2026-09-01")}


@pytest.fixture(scope="module")
def eu(corpus_dir: Path) -> ParsedDocument:
    from nlp.parse.eurlex_pdf import parse

    url = "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-20220505"
    return parse(Bundle(source_id="eu-annex-i", jurisdiction="eu", files=(
        FetchedFile(url=url, content=(corpus_dir / EU_PDF).read_bytes(), media_type="application/pdf"),)))


@pytest.fixture(scope="module")
def ca(corpus_dir: Path) -> ParsedDocument:
    from nlp.parse.justice_laws_xml import parse

    files = []
    for prefix, lang, url in (("SOR-89-202", "en", "https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"),
                              ("DORS-89-202", "fr", "https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml")):
        path = next((corpus_dir / CA_DIR).glob(f"{prefix}_current-2025-07-24_commit-*.xml"))
        files.append(FetchedFile(url=url, content=path.read_bytes(), media_type="application/xml", language=lang))
    return parse(Bundle(source_id="ca-ecl", jurisdiction="ca", files=tuple(files),
                        requested_date=dt.date(2025, 7, 24)))


@pytest.fixture(scope="module")
def au(corpus_dir: Path) -> ParsedDocument:
    from nlp.parse.dsgl_docx import parse

    url = "https://www.legislation.gov.au/F2024L01024/asmade/2024-08-14/text/original/word"
    return parse(Bundle("au-dsgl", "au", (FetchedFile(url=url, content=(corpus_dir / AU_DOCX).read_bytes()),)))


def texts(entry: ParsedEntry) -> list[str]:
    return [entry.text, *(n.text for n in entry.notes)]


def annotate(doc: ParsedDocument, language: str = "en") -> dict[str, list[Extraction]]:
    """Each entry of one language: extractions of its text and notes, with the version's convention."""
    entries = [e for e in doc.entries if e.language == language]
    comma = detect_decimal_comma("\n".join(t for e in entries for t in texts(e)), language)
    flat = extract_many([t for e in entries for t in texts(e)], language, decimal_comma=comma)
    it: Iterator[Extraction] = iter(flat)
    return {e.code: [next(it) for _ in texts(e)] for e in entries}


def by_code(doc: ParsedDocument, language: str = "en") -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries if e.language == language}


def test_us_9a012_endurance_before_and_after_91_fr_46261(us: dict[str, ParsedDocument]) -> None:
    before, after = by_code(us["2026-06-25"]), by_code(us["2026-09-01"])
    a2 = extract(after["9A012.a.2"].text).parameters
    assert [(p.comparator, p.value, p.unit, p.si_value, p.si_unit) for p in a2] == [(">=", 3.0, "hours", 10800.0, "s")]
    a1 = extract(after["9A012.a.1"].text).parameters
    assert [(p.comparator, p.si_value) for p in a1] == [("<", 10800.0)]
    old = extract(before["9A012.a.1.a"].text).parameters
    assert [(p.comparator, p.si_value) for p in old] == [(">=", 1800.0), ("<", 3600.0)]
    assert [(p.comparator, p.si_value) for p in extract(before["9A012.a.2"].text).parameters] == [(">=", 3600.0)]


def test_us_whole_list(us: dict[str, ParsedDocument]) -> None:
    doc = us["2026-09-01"]
    found = annotate(doc)
    entries = by_code(doc)
    assert not detect_decimal_comma("\n".join(e.text for e in doc.entries))
    params = [(code, i, p) for code, xs in found.items() for i, x in enumerate(xs) for p in x.parameters]
    assert len(params) > 2500
    for code, i, p in params:  # offsets and text always agree with the entry
        assert texts(entries[code])[i][p.start:p.end] == p.text
        assert p.si_unit is None or p.si_value is not None
    # every frequency in a GHz/MHz unit is a frequency in Hz
    for _, _, p in params:
        if p.unit in ("GHz", "MHz", "kHz", "Hz"):
            assert (p.quantity, p.si_unit) == ("frequency", "Hz")
    # 9A012, Related Controls (4): "For military “UAVs” see 9A610 and USML Category VIII."
    related = next(x for x, n in zip(found["9A012"], texts(entries["9A012"]), strict=True)
                   if n.startswith("(1) See USML"))
    assert {(r.kind, r.target) for r in related.references} == {
        ("see-also", "9A610"), ("see-also", "9A004.h"), ("see-also", "9A515.a")}


def test_eu_3a001_b_frequencies_and_1a002_see_also(eu: ParsedDocument) -> None:
    found = annotate(eu)
    entries = by_code(eu)
    assert detect_decimal_comma("\n".join(t for e in eu.entries for t in texts(e)))
    freq = [p for code, xs in found.items() if code.startswith("3A001.b") for x in xs for p in x.parameters
            if p.unit.endswith("Hz")]
    assert len(freq) > 40
    assert all((p.quantity, p.si_unit) == ("frequency", "Hz") for p in freq)
    assert 31.8e9 in {p.si_value for p in freq} and 43.5e9 in {p.si_value for p in freq}  # "31,8 GHz"
    nb = [x for x, note in zip(found["1A002"][1:], entries["1A002"].notes, strict=True) if note.label == "N.B."]
    assert [[(r.kind, r.target) for r in x.references] for x in nb] == [
        [("see-also", "1A202"), ("see-also", "9A010"), ("see-also", "9A110")]]
    # EU notes "1A002 does not control ...": exclusions of the entry itself
    assert ("excluded", "1A002") in {(r.kind, r.target) for x in found["1A002"] for r in x.references}


def test_au_and_eu_state_the_same_3a001_b_1_note_2(eu: ParsedDocument, au: ParsedDocument) -> None:
    # The DSGL reproduces the EU/Wassenaar list with decimal points; the thresholds must agree.
    def si(doc: ParsedDocument) -> list[tuple[str, float | None]]:
        entry = by_code(doc)["3A001.b.1"]
        note = next(n for n in entry.notes if n.label.startswith("Note 2"))
        return [(p.comparator, p.si_value) for p in extract(note.text).parameters]

    assert si(eu) == si(au) == [("<=", 50.0), (">", 31.8e9), ("<=", 43.5e9)]


def test_canada_english_and_french_state_the_same_thresholds(ca: ParsedDocument) -> None:
    en, fr = annotate(ca, "en"), annotate(ca, "fr")
    assert len(en) > 200 and set(fr) >= set(en) - {c for c in en if c.startswith("5504")}

    def key(xs: list[Extraction]) -> list[tuple[str, str, float, float | None]]:
        return sorted((p.quantity, p.comparator, round(p.si_value if p.si_value is not None else p.value, 9),
                       p.upper_si if p.upper_si is not None else p.upper) for x in xs for p in x.parameters)

    compared = [code for code in en if code in fr and code not in CA_NOT_ALIGNED]
    mismatched = [code for code in compared if key(en[code]) != key(fr[code])]
    assert mismatched == []
    assert sum(1 for code in compared if key(en[code])) > 20
    # group-2(b)(ii): "exceeding 152.4 m/s" / "de plus de 152,4 m par seconde"
    assert key(fr["group-2(b)(ii)"])[1] == ("velocity", ">", 152.4, None)
    # 5504(2)(a)(i) refers to items of the Guide, in both languages
    for found in (en, fr):
        refs = [(r.kind, r.target) for x in found["5504(2)(a)(i)"] for r in x.references]
        assert refs == [("specified-in", "1-7.A.5"), ("specified-in", "1-7.D"), ("specified-in", "1-7.E")]
