"""Change detection on the real documents: pairs that must give zero changes (FORMATS.md §11: the
two EU consolidations of 2022 in Annex I, the Canadian consolidations that differ only in
metadata or not-in-force schedules), the real 9A012 amendment between the eCFR issues of
2026-06-25 and 2026-09-01 (91 FR 46261, FORMATS.md §2), the CCL paragraph history (§3), and the
Wassenaar 2021 .doc against the 2025 PDF: real edits next to format noise, each example below
checked by hand in antiword's text of the .doc and pdftotext's of the PDF (bench/change_check.md).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer.store import entry_id_for
from nlp.changes import Change, EntryText, diff_versions
from nlp.changes.ccl_history import entries_at, load_projection
from nlp.changes.redline import render_plain
from nlp.model import Note, ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser

pytestmark = pytest.mark.corpus

EU_DIR = "raw/km-stat-export-control-code-lists/eu dual use lists"
CA_DIR = "raw/canada-export-control-list-sor-89-202-justicecanada/versions"
US_DIR = "raw/us-ear-ecfr-xml-2026-09-01-caddy"
WA_2021 = "raw/km-stat-export-control-code-lists/wassenaar-lists/2021-12-22 21 1"
WA_2025 = "raw/wassenaar-2025-india-scomet-2024-ecfr-jaepaly/wassenaar_2025.pdf"
PROJECTION = "raw/us-ccl-history-2017-2025-ccl-trade/ccl_history_projection.DERIVED.json"
# The 17 ECCNs whose licence-requirement RS rows gained "the United Arab Emirates or" (FORMATS §2;
# each checked in a diff of the two XML files).
UAE_ROWS = {"3A001", "3A090", "3D001", "4A003", "4A004", "4A005", "4A090", "4D001", "4D090", "4E001",
            "5A002", "5A004", "5A992", "5D002", "5D992", "5E002", "5E992"}
# Rewritten or touched by 91 FR 46261 or by punctuation edits (test_corpus_ecfr_xml.py), plus
# 9E003, whose table cells "NS Column 1" / "AT Column 1" gained a full stop (checked in the XML).
NAMED = {"9A012", "9A610", "9D001", "9D002", "9D004", "9E001", "0A502", "5D001", "7D001", "7E002", "9E003"}


def texts(doc: ParsedDocument, jurisdiction: str, primary: str = "en") -> list[EntryText]:
    out = []
    for e in doc.entries:
        eid = entry_id_for(jurisdiction, e.code, e.language, primary)
        parent = entry_id_for(jurisdiction, e.parent, e.language, primary) if e.parent else None
        out.append(EntryText(eid, e.code, e.heading, e.text, e.notes, parent, e.kind, e.status, e.language,
                             e.position))
    return out


@cache
def _eu(corpus: str, date: str) -> ParsedDocument:
    [path] = (Path(corpus) / EU_DIR).glob(f"{date} CELEX_*.pdf")
    url = f"https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:02021R0821-{date.replace('-', '')}"
    return get_parser("eurlex-pdf")(Bundle("eu-annex-i", "eu", (FetchedFile(url, path.read_bytes(),
                                                                            "application/pdf"),)))


@cache
def _ca(corpus: str, date: str) -> ParsedDocument:
    folder = Path(corpus) / CA_DIR
    [en] = folder.glob(f"SOR-89-202_current-{date}_commit-*.xml")
    [fr] = folder.glob(f"DORS-89-202_current-{date}_commit-*.xml")
    return get_parser("justice-laws-xml")(Bundle("ca-ecl", "ca", (
        FetchedFile("https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml", en.read_bytes(), language="en"),
        FetchedFile("https://laws-lois.justice.gc.ca/fra/XML/DORS-89-202.xml", fr.read_bytes(), language="fr"))))


@cache
def _us(corpus: str, date: str) -> ParsedDocument:
    path = Path(corpus) / US_DIR / f"title-15-part-774-{date}.xml"
    url = f"https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=774"
    return get_parser("ecfr-xml")(Bundle("us-ecfr-ccl", "us", (FetchedFile(url, path.read_bytes()),),
                                         requested_date=dt.date.fromisoformat(date)))


@cache
def _wa(corpus: str, edition: str) -> ParsedDocument:
    if edition == "2025":
        pdf = (Path(corpus) / WA_2025).read_bytes()
        files: tuple[FetchedFile, ...] = (
            FetchedFile("https://www.wassenaar.org/app/uploads/2026/01/WA-LIST-25-1-Corr.pdf", pdf),)
    else:
        paths = sorted(p for p in (Path(corpus) / WA_2021).iterdir() if p.suffix in (".doc", ".docx"))
        files = tuple(FetchedFile(f"https://www.wassenaar.org/app/uploads/2021/{quote(p.name)}", p.read_bytes())
                      for p in paths)
    return get_parser("wassenaar")(Bundle("wa-dual-use", "wa", files))


def changes_of(old: ParsedDocument, new: ParsedDocument, jurisdiction: str) -> list[Change]:
    return diff_versions(texts(old, jurisdiction), texts(new, jurisdiction), extractor=None).changes


def test_eu_2022_consolidations_have_no_annex_i_change(corpus_dir: Path) -> None:
    old, new = _eu(str(corpus_dir), "2022-01-07"), _eu(str(corpus_dir), "2022-05-05")
    assert len(old.entries) > 3000
    assert changes_of(old, new, "eu") == []


@pytest.mark.parametrize(("old", "new"), [("2021-04-05", "2021-06-16"), ("2021-07-26", "2024-06-11"),
                                          ("2024-07-23", "2025-03-17"), ("2025-05-05", "2025-07-24")])
def test_canadian_consolidations_unchanged_in_force_give_no_change(corpus_dir: Path, old: str, new: str) -> None:
    assert changes_of(_ca(str(corpus_dir), old), _ca(str(corpus_dir), new), "ca") == []


def test_canadian_amendments_are_found(corpus_dir: Path) -> None:
    """FORMATS §1: 2021-07-26 rewrites Group 2 and adds Group 3 items 3-01/3-02; 2024-07-23 adds
    5506 (SOR/2024-112); 2025-05-05 amends 5506 (SOR/2025-89)."""
    c = str(corpus_dir)
    july = {(x.kind, x.entry_id) for x in changes_of(_ca(c, "2021-06-16"), _ca(c, "2021-07-26"), "ca")}
    assert {("added", "ca:3-02"), ("added", "ca:3-02@fr"), ("amended", "ca:group-2(b)")} <= july
    assert ("moved", "ca:3-01(1)(a)") in july  # the NPT clause, from Group 3's own text into 3-01
    added_5506 = [x for x in changes_of(_ca(c, "2024-06-11"), _ca(c, "2024-07-23"), "ca") if x.kind == "added"]
    assert {x.entry_id for x in added_5506} >= {"ca:5506", "ca:5506@fr", "ca:5506(2)(c)(ii)(A)(VIII)"}
    may = changes_of(_ca(c, "2025-03-17"), _ca(c, "2025-05-05"), "ca")
    assert all(x.entry_id.startswith("ca:5506") for x in may)
    assert ("added", "ca:5506(2)(d)(v)(B)(II)") in {(x.kind, x.entry_id) for x in may}


def test_9a012_amendment_between_the_two_ecfr_issues(corpus_dir: Path) -> None:
    c = str(corpus_dir)
    old, new = _us(c, "2026-06-25"), _us(c, "2026-09-01")
    result = diff_versions(texts(old, "us"), texts(new, "us"))  # the real parameter extractor
    by_id = {x.entry_id: x for x in result.changes}
    assert {k: by_id[k].kind for k in by_id if k.startswith("us:9A012")} == {
        "us:9A012": "amended", "us:9A012.a.1": "amended", "us:9A012.a.1.a": "removed",
        "us:9A012.a.1.b": "removed", "us:9A012.a.2": "amended", "us:9A012.a.3": "added",
        "us:9A012.a.4": "added", "us:9A012.a.5": "added"}
    a2 = by_id["us:9A012.a.2"]
    assert render_plain(a2.redline) == "A maximum 'endurance' of [-1 hour-] {+3 hours+} or greater;"
    [delta] = a2.parameters
    assert (delta.change, delta.quantity, delta.old and delta.old.comparator, delta.old and delta.old.value,
            delta.new and delta.new.comparator, delta.new and delta.new.value) == (
        "changed", "time", ">=", 1.0, ">=", 3.0)
    assert a2.notes == ()  # its Technical Notes now print after a.5: moved within 9A012, not changed
    a1 = by_id["us:9A012.a.1"]
    assert [(p.change, p.new and p.new.comparator, p.new and p.new.value) for p in a1.parameters] == [
        ("added", "<", 3.0)]
    assert "Non-military" in render_plain(by_id["us:9A012"].redline)
    # Nothing else: every other change is one of the ECCNs the rule or the editors touched.
    families = {x.entry_id.split(":")[1].split(".")[0] for x in result.changes}
    assert families <= NAMED | UAE_ROWS and families >= UAE_ROWS
    for eccn in UAE_ROWS:
        [row] = [x for x in result.changes if x.entry_id == f"us:{eccn}"]
        inserted = " ".join(s.text for n in row.notes for s in n.redline if s.op == "insert")
        assert "the United Arab Emirates or" in inserted and row.significance == "substantive"
    assert {by_id[f"us:{e}"].significance for e in ("5D001", "7D001", "7E002", "9E003")} == {"editorial"}


def test_a_reflowed_retyped_copy_of_the_whole_ccl_gives_no_change(corpus_dir: Path) -> None:
    """Every entry of the real CCL as another extraction of the same text would give it: lines
    wrapped at 60 columns with long words hyphenated at line ends, straight quotes and hyphens for
    curly quotes and dashes, NBSPs, an EUR-Lex-style running header and footnote markers."""
    original = texts(_us(str(corpus_dir), "2026-09-01"), "us")

    def retype(text: str) -> str:
        text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", " - ").replace(" of ", " of\u00a0")
        lines, line = [], ""
        for word in text.split(" "):
            if len(line) + len(word) > 60 and len(word) > 9 and word.isalpha():
                lines.append(f"{line} {word[:5]}-")
                line = word[5:]
            elif len(line) + len(word) > 60:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        if len(lines) > 3:
            lines.insert(2, "02021R0821 \u2014 EN \u2014 07.01.2022 \u2014 001.002 \u2014 67")
        return "\n".join(lines) + ("[1]" if len(lines) > 5 else "")

    copy = [EntryText(e.entry_id, e.code, retype(e.heading), retype(e.text),
                      tuple(Note(n.kind, n.label, retype(n.text)) for n in e.notes), e.parent_id, e.kind, e.status,
                      e.language, e.position) for e in original]
    assert sum(e.text != c.text for e, c in zip(original, copy, strict=True)) > 3000
    assert diff_versions(original, copy, extractor=None).changes == []


def test_wassenaar_doc_against_pdf_noise_suppressed_real_edits_found(corpus_dir: Path) -> None:
    c = str(corpus_dir)
    changes = {x.entry_id: x for x in changes_of(_wa(c, "2021"), _wa(c, "2025"), "wa")}
    # Format noise only (the .doc's Symbol-font "(" for µ and ′, a space inside "0.1n W", PDF
    # superscripts pushed off their line, a group heading printed again as its text).
    for entry_id in ("wa:3.A.1.g.1", "wa:ML8.a.10", "wa:3.A.1.b.2.d", "wa:3.A.1.b.12.a", "wa:1.D", "wa:2.A.1"):
        assert entry_id not in changes, changes[entry_id].summary
    # Real edits, read in both documents.
    assert render_plain(changes["wa:3.A.2.h.1.d"].redline).startswith("A resolution of 14 bit or more{+,+} but")
    assert changes["wa:3.A.2.h.1.d"].significance == "editorial"
    optical = changes["wa:5.E.1.c.3"]
    assert "\"optical switching\"" in optical.old.text and "'optical switching'" in optical.new.text  # type: ignore[union-attr]
    assert [(n.change, n.label) for n in optical.notes] == [("added", "Technical Note")]
    assert re.search(r"not specified \[-by-\] \{\+in\+\} 5\.A\.1\.f\.", render_plain(changes["wa:5.A.1.h.1"].redline))
    assert changes["wa:3.C.3.b.1"].kind == "added"
    assert changes["wa:1.A.7.b.4"].significance == "editorial"  # "foil initiators" -> "Foil Initiators"


def test_ccl_history_known_changes(corpus_dir: Path) -> None:
    proj = load_projection(corpus_dir / PROJECTION)
    last, first = entries_at(proj, dt.date(2025, 9, 29)), entries_at(proj, dt.date(2017, 1, 15))
    # FORMATS §3: 3,339 paragraphs under 637 ECCN prefixes at 2025-09-29; 2,759 at 2017-01-15.
    assert len(last.entries) == 3339 and len({e.code.split(".")[0] for e in last.entries}) == 637
    assert len(first.entries) == 2759

    def pair(a: str, b: str) -> dict[str, Change]:
        old = entries_at(proj, dt.date.fromisoformat(a))
        new = entries_at(proj, dt.date.fromisoformat(b))
        return {x.entry_id: x for x in changes_of(old, new, "us")}

    tpp = pair("2023-10-18", "2023-11-17")["us:3A090.a.1"]
    struck = " ".join(s.text for s in tpp.redline if s.op == "delete")
    assert tpp.kind == "amended" and "TOPS" in struck and "total processing performance" in tpp.new.text  # type: ignore[union-attr]
    emptied = pair("2020-01-06", "2020-03-09")["us:0A018.b"]
    assert (emptied.kind, emptied.new and emptied.new.status) == ("removed", "not-used")
    assert emptied.new and emptied.new.text.startswith("No items currently are in this ECCN")
