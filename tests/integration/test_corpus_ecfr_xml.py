"""eCFR XML parser on the real Part 774 (CCL) files of 2026-06-25 and 2026-09-01.

Facts come from FORMATS.md section 2, SOURCES.md (the list of changes between the two dates,
91 FR 46261), the raw XML itself, and `ccl.json`, a third-party parse of the eCFR issue of
2026-07-23 (633 ECCNs) used as an independent cross-check, not as input.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.ecfr_xml import parse
from nlp.parse.safe_xml import parse_xml
from nlp.parse.text import normalise_for_compare

pytestmark = pytest.mark.corpus

SOURCE = "us-ear-ecfr-xml-2026-09-01-caddy"
DATES = ["2026-06-25", "2026-09-01"]
ECCN_RE = re.compile(r"^\d[A-E]\d{3}\b")
# Real bold ECCN headers that ccl.json lacks: 3D006 and 3E002 split their header over several
# <B> runs, 8D001 is an FP-1 header; ccl.json folds 3D006/3E002 into 3D005/3E001 (their chart rows
# show up there) and also lacks 0D614 and 2B352. 633 + 5 = 638 at both dates.
NOT_IN_CCL_JSON = {"0D614", "2B352", "3D006", "3E002", "8D001"}
# ccl.json glues the text after the bold run (License Requirements, ...) onto these headings.
CCL_JSON_GLUED = {"0D606", "2B351", "3E001"}
# SOURCES.md: ECCNs rewritten or touched by 91 FR 46261 or by punctuation edits between the dates.
NAMED_CHANGES = {"9A012", "9A610", "9D001", "9D002", "9D004", "9E001", "0A502",
                 "5D001", "7D001", "7E002"}
PUNCTUATION_ONLY = {"5D001", "7D001", "7E002"}
# Not in SOURCES.md's list, but in the raw diff: 9E003's "NS Column 1" and "AT Column 1" cells gain
# a final period at 2026-09-01 (lines 33968 and 33976 of the 09-01 file).
UNLISTED_PUNCTUATION = {"9E003"}
UAE = "the United Arab Emirates or "
# Paragraph levels the document itself skips (checked against the raw text below).
SKIPPED_LEVELS = {
    "3A001.z.1", "3A001.z.2", "3A001.z.3", "3A001.z.4", "4A003.z.1", "4A003.z.2", "4A004.z",
    "4A005.z", "5A002.z.1", "5A002.z.2", "5A002.z.3", "5A002.z.4", "5A002.z.5", "5A992.z",
    "5A004.z.1", "5A004.z.2", "5D002.z.1", "5D002.z.2", "5D002.z.3", "5D002.z.4", "5D002.z.5",
    "5D002.z.6", "5D002.z.7", "5D002.z.8", "5D002.z.9", "5D992.z", "9A610.w",
}


def _path(corpus: Path, date: str) -> Path:
    return corpus / "raw" / SOURCE / f"title-15-part-774-{date}.xml"


@pytest.fixture(scope="module")
def parsed(corpus_dir: Path) -> dict[str, tuple[ParsedDocument, float]]:
    out: dict[str, tuple[ParsedDocument, float]] = {}
    for date in DATES:
        url = f"https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774"
        content = _path(corpus_dir, date).read_bytes()
        bundle = Bundle(
            source_id="us-ccl-ecfr",
            jurisdiction="US",
            files=(FetchedFile(url=url, content=content, media_type="application/xml"),),
            requested_date=dt.date.fromisoformat(date),
        )
        start = time.perf_counter()
        doc = parse(bundle)
        out[date] = (doc, time.perf_counter() - start)
    return out


@pytest.fixture(scope="module")
def ccl_json(corpus_dir: Path) -> list[dict[str, Any]]:
    path = corpus_dir / "raw" / "us-ccl-ecfr-2026-07-23-seelpeed" / "ccl.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["entryCount"] == len(data["entries"]) == 633
    entries: list[dict[str, Any]] = data["entries"]
    return entries


def doc_of(parsed: dict[str, tuple[ParsedDocument, float]], date: str) -> ParsedDocument:
    return parsed[date][0]


def by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


def eccns(doc: ParsedDocument) -> list[ParsedEntry]:
    return [e for e in doc.entries if e.kind == "entry"]


def note(entry: ParsedEntry, label: str) -> str:
    return "\n".join(n.text for n in entry.notes if n.label == label)


def squash(text: str) -> str:
    """Compare headings across parsers: ccl.json writes superscripts as " 10 B", we as "^10B"."""
    return re.sub(r"[\s^.]", "", normalise_for_compare(text))


def raw_eccn_headers(path: Path) -> list[str]:
    """Independent count (FORMATS.md method): `^\\d[A-E]\\d{3}` at the start of the first <B> of an
    FP-1/FP-2 paragraph of Supplement No. 1, over the raw XML."""
    root = parse_xml(path.read_bytes(), what=str(path))
    supp = next(d for d in root.iter("DIV9") if d.get("N") == "Supplement No. 1 to Part 774")
    codes = []
    for el in supp:
        bold = el.find("B")
        if el.tag not in ("FP-1", "FP-2") or bold is None or (el.text or "").strip():
            continue
        if m := ECCN_RE.match("".join(bold.itertext()).strip()):
            codes.append(m.group())
    return codes


@pytest.mark.parametrize("date", DATES)
def test_parse_is_fast_and_clean(parsed: dict[str, tuple[ParsedDocument, float]], date: str) -> None:
    doc, seconds = parsed[date]
    assert seconds < 5.0, f"parse took {seconds:.2f}s"
    assert doc.version_date == dt.date.fromisoformat(date)
    assert doc.title == "Supplement No. 1 to Part 774—The Commerce Control List"
    assert doc.stats["supplements_skipped"] == 6  # Supps. 2-7
    codes = [e.code for e in doc.entries]
    assert len(codes) == len(set(codes))
    assert [e.position for e in doc.entries] == list(range(len(codes)))
    # Every warning is one of the two documented irregularities of the source itself.
    for warning in doc.warnings:
        assert "missing; created for" in warning or "inside a NOTE block" in warning, warning
    synthesised = {w.split(" item ")[1].split(" ")[0] for w in doc.warnings if "missing;" in w}
    assert synthesised == SKIPPED_LEVELS
    slips = sorted(w for w in doc.warnings if "NOTE block" in w)
    assert slips == [
        "1C001.a: item b printed inside a NOTE block; taken as an item",
        "6A002.a.2.c.3: item a.3 printed inside a NOTE block; taken as an item",
    ]


@pytest.mark.parametrize("date", DATES)
def test_skipped_levels_really_are_skipped(
    parsed: dict[str, tuple[ParsedDocument, float]], corpus_dir: Path, date: str
) -> None:
    raw = _path(corpus_dir, date).read_text(encoding="utf-8")
    entries = by_code(doc_of(parsed, date))
    for code in SKIPPED_LEVELS:
        eccn, _, label = code.partition(".")
        start = raw.index(f"<B>{eccn} ")
        end = raw.find("<FP-2><B>", start + 1)
        section = raw[start:end]
        assert not re.search(rf"<(?:P|FP-1)>{re.escape(label)}\.?\s", section), code
        assert re.search(rf"<(?:P|FP-1)>{re.escape(label)}\.", section), f"{code}: no children"
        assert entries[code].text == "" and any(
            e.parent == code for e in entries.values()
        ), code


@pytest.mark.parametrize("date", DATES)
def test_eccn_list_against_raw_count_and_ccl_json(
    parsed: dict[str, tuple[ParsedDocument, float]],
    ccl_json: list[dict[str, Any]],
    corpus_dir: Path,
    date: str,
) -> None:
    doc = doc_of(parsed, date)
    ours = [e.code for e in eccns(doc)]
    assert ours == raw_eccn_headers(_path(corpus_dir, date))
    assert len(ours) == 638
    theirs = [e["eccn"] for e in ccl_json]
    assert set(ours) == set(theirs) | NOT_IN_CCL_JSON
    assert [c for c in ours if c not in NOT_IN_CCL_JSON] == theirs  # same order
    # Per category: ccl.json's count plus the five it lacks (0: 62, 1: 136, ... 9: 96).
    expected = Counter(e["category"] for e in ccl_json) + Counter(c[0] for c in NOT_IN_CCL_JSON)
    assert Counter(c[0] for c in ours) == expected
    assert sum(1 for e in doc.entries if e.kind == "category") == 10
    assert sum(1 for e in doc.entries if e.kind == "group") == 50


@pytest.mark.parametrize("date", DATES)
def test_hierarchy(parsed: dict[str, tuple[ParsedDocument, float]], date: str) -> None:
    entries = by_code(doc_of(parsed, date))
    assert [entries[c].heading for c in "0123456789"] == [
        "Nuclear Materials, Facilities, and Equipment, Firearms, Ammunition"
        " [and Miscellaneous Items]",
        "Special Materials and Related Equipment, Chemicals, “Microorganisms,” and “Toxins”",
        "Materials Processing", "Electronics", "Computers",
        "Telecommunications and “Information Security”", "Sensors and Lasers",
        "Navigation and Avionics", "Marine", "Aerospace and Propulsion",
    ]
    assert entries["3A"].heading.startswith("“End Items,”") and entries["3A"].parent == "3"
    assert entries["4B"].status == "reserved"  # "B. “Test”, ... [Reserved]"
    for entry in entries.values():
        if entry.kind == "entry":
            assert entry.parent == entry.code[:2], entry.code
        elif entry.kind == "item":
            assert entry.parent == entry.code.rsplit(".", 1)[0], entry.code
    b1 = entries["3A001.b.1"]
    assert b1.path == ("3", "3A", "3A001", "3A001.b", "3A001.b.1")
    assert b1.heading == "“Vacuum electronic devices” and cathodes, as follows:"
    assert entries["3A001.a.1.a"].parent == "3A001.a.1"
    assert entries["3A001.a.1.a"].text.startswith("A total dose of 5 × 10^3 Gy (Si)")
    assert entries["3A001.a.5.a.1"].parent == "3A001.a.5.a"
    assert entries["0A501"].parent == "0A" and entries["9A515"].parent == "9A"  # 600/500 series
    assert entries["5A992.a"].status == "reserved"  # "a. [Reserved]"
    assert entries["5A992.x"].status == "reserved"  # "d. through y. [Reserved]"
    assert entries["5A992.c"].status == "active"
    assert entries["1C225"].heading.startswith("Boron enriched in the boron-10 (^10B) isotope")


@pytest.mark.parametrize("date", DATES)
def test_headings_against_ccl_json(
    parsed: dict[str, tuple[ParsedDocument, float]], ccl_json: list[dict[str, Any]], date: str
) -> None:
    entries = by_code(doc_of(parsed, date))
    differ = set()
    for ref in ccl_json:
        ours, theirs = squash(entries[ref["eccn"]].heading), squash(ref["heading"])
        if ours != theirs:
            differ.add(ref["eccn"])
            if ref["eccn"] in CCL_JSON_GLUED:
                assert theirs.startswith(ours), ref["eccn"]
    # 0A502 was revised between 06-25 and ccl.json's 07-23; 9A012 after 07-23 (91 FR 46261).
    changed = {"2026-06-25": {"0A502"}, "2026-09-01": {"9A012"}}[date]
    assert differ == CCL_JSON_GLUED | changed


@pytest.mark.parametrize("date", DATES)
def test_country_chart_rows_against_ccl_json(
    parsed: dict[str, tuple[ParsedDocument, float]], ccl_json: list[dict[str, Any]], date: str
) -> None:
    entries = by_code(doc_of(parsed, date))
    missing: dict[str, list[str]] = {}
    for ref in ccl_json:
        ours = squash(note(entries[ref["eccn"]], "License Requirements"))
        for row in ref["countryChart"]:
            if squash(row["control"]) not in ours or squash(row["countryChart"]) not in ours:
                missing.setdefault(ref["eccn"], []).append(row["control"])
    # ccl.json gives 3D005/3E001 the rows of the headers it missed (3D006/3E002): ours has them.
    assert "NS applies to entire entry — NS Column 2" in note(entries["3D006"], "License Requirements")
    assert "AT Column 1" in note(entries["3E002"], "License Requirements")
    expected = {"3D005", "3E001"}
    if date == "2026-06-25":
        # Before 07-23: the 17 RS rows without "the United Arab Emirates or ", and 0A502's CC row.
        uae = {r["eccn"] for r in ccl_json if any(UAE in c["countryChart"] for c in r["countryChart"])}
        assert len(uae) == 17
        expected |= uae | {"0A502"}
    else:
        expected |= {"9A012", "9D001", "9D002", "9E001"}  # rows changed by 91 FR 46261
    assert set(missing) == expected


def test_9a012_changes_between_the_dates(parsed: dict[str, tuple[ParsedDocument, float]]) -> None:
    old, new = by_code(doc_of(parsed, "2026-06-25")), by_code(doc_of(parsed, "2026-09-01"))
    assert "Non-military" in old["9A012"].heading
    assert "Non-military" not in new["9A012"].heading
    assert new["9A012"].heading.startswith("“Unmanned Aerial Vehicles,” (“UAVs”)")
    assert "1 hour or greater" in old["9A012.a.2"].text
    assert "3 hours or greater" in new["9A012.a.2"].text
    assert "30 minutes but less than 1 hour" in old["9A012.a.1.a"].text
    assert new["9A012.a.1"].text == "A maximum 'endurance' less than 3 hours;"
    for code in ("9A012.a.3", "9A012.a.4", "9A012.a.5"):
        assert code in new and code not in old
        assert new[code].parent == "9A012.a"
    assert "NS applies to 9A012.a.1 — NS Column 2." in note(old["9A012"], "License Requirements")
    assert "9A012.a.1 — NS Column 2" not in note(new["9A012"], "License Requirements")
    assert "(4) For military “UAVs” see 9A610" in note(new["9A012"], "Related Controls")
    assert new["9A610.y.33"].parent == "9A610.y" and "9A610.y.33" not in old


def _snapshot(doc: ParsedDocument) -> dict[str, set[tuple[Any, ...]]]:
    out: dict[str, set[tuple[Any, ...]]] = {}
    for e in doc.entries:
        out.setdefault(e.code[:5], set()).add((e.code, e.parent, e.heading, e.text, e.status, e.notes))
    return out


def _only_license_requirements_differ(old: ParsedEntry, new: ParsedEntry) -> tuple[str, str]:
    assert (old.heading, old.text, old.status) == (new.heading, new.text, new.status)
    keep = [n for n in old.notes if n.label != "License Requirements"]
    assert keep == [n for n in new.notes if n.label != "License Requirements"], old.code
    return note(old, "License Requirements"), note(new, "License Requirements")


def test_only_the_documented_entries_change(
    parsed: dict[str, tuple[ParsedDocument, float]],
) -> None:
    old_doc, new_doc = doc_of(parsed, "2026-06-25"), doc_of(parsed, "2026-09-01")
    assert old_doc.title == new_doc.title  # the new amendment XREF under the heading is layout
    old, new = _snapshot(old_doc), _snapshot(new_doc)
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    assert "9A012" in changed and "3E001" not in changed  # 3E001's RS row is unchanged
    rs_rows = changed - NAMED_CHANGES - UNLISTED_PUNCTUATION
    old_e, new_e = by_code(old_doc), by_code(new_doc)
    inserted = 0
    for code in rs_rows:
        before, after = _only_license_requirements_differ(old_e[code], new_e[code])
        assert after.replace(UAE, "") == before, code
        inserted += after.count(UAE) - before.count(UAE)
    assert inserted == 17 and len(rs_rows) == 17
    for code in PUNCTUATION_ONLY | UNLISTED_PUNCTUATION:
        before, after = _only_license_requirements_differ(old_e[code], new_e[code])
        assert before != after and before.replace(".", "") == after.replace(".", ""), code
    assert changed <= NAMED_CHANGES | UNLISTED_PUNCTUATION | rs_rows


@pytest.mark.parametrize("date", DATES)
def test_no_layout_or_metadata_in_text(
    parsed: dict[str, tuple[ParsedDocument, float]], date: str
) -> None:
    # CITA, XREF, EDNOTE and the DIV9/DIV8 metadata are not content; Supp. 2-7 are skipped.
    layout = re.compile(r"\[\d+ FR \d+|Link to an amendment|Editorial Note|\(continued\)|"
                        r"_SUBSTITUTE_DATE_|Statements of Understanding|Sensitive List")
    for entry in doc_of(parsed, date).entries:
        texts = [entry.text, entry.heading] + [n.text for n in entry.notes]
        for text in texts:
            assert not layout.search(text), (entry.code, text[:80])
            # "^" glued to its base; only a table footnote line may start with one ("^1 The ...").
            assert not re.search(r"[^\S\n]\^|\^\s", text), (entry.code, text[:80])


@pytest.mark.parametrize("date", DATES)
def test_notes_are_separated(parsed: dict[str, tuple[ParsedDocument, float]], date: str) -> None:
    doc = doc_of(parsed, date)
    entries = by_code(doc)
    for entry in doc.entries:
        assert not re.search(r"\b(Technical Notes?|N\.B\.|Related Controls):", entry.text), entry.code
    assert [(n.kind, n.text) for n in entries["3A001.a.1.c"].notes] == [
        ("note", "3A001.a.1.c does not apply to Metal Insulator Semiconductors (MIS).")
    ]
    kinds = Counter(n.kind for e in doc.entries for n in e.notes)
    assert kinds["technical-note"] > 200 and kinds["nb"] > 40 and kinds["note"] > 400
    eccn = entries["9A012"]
    sections = ["License Requirements", "List Based License Exceptions",
                "Special Conditions for STA", "Related Controls", "Related Definitions"]
    if date == "2026-06-25":
        sections.remove("Special Conditions for STA")  # 91 FR 46261 added the STA text
    assert [n.label for n in eccn.notes] == sections
    assert [n.kind for n in eccn.notes if n.label.startswith("Related")] == ["related", "related"]
    # "Technical Notes" after the last 9A012.a item attach to the item they follow.
    last = "9A012.a.2" if date == "2026-06-25" else "9A012.a.5"
    assert entries[last].notes[0].kind == "technical-note"
    assert "'natural vision' means" in entries[last].notes[0].text
    # Sub-headings inside an ECCN, Category 5's parts and EAR99 are kept as notes.
    assert ("other", "Acoustics") in [(n.kind, n.text) for n in entries["6D003"].notes]
    assert "Part 2—“Information Security”" in note(entries["5"], "Part")
    assert note(entries["3"], "EAR99").startswith("EAR99 Items subject to the EAR")
    assert "List of Explosives" in note(entries["1"], "Annex to Category 1")
