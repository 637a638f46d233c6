"""The Wassenaar .doc parser on the six real editions 2015-2021 (corpus, read-only).

Checks are made against things measured independently of the parser:
- entry counts: FORMATS.md 5a gives per-category x.Y.n counts for 2021 (method: full-path
  lines `^\\d\\.\\t[A-E]\\.\\t\\d+\\.\\t` plus bare `\\t\\t\\d+\\.\\t` lines under the last group
  heading); the same method, re-implemented below on antiword's text, gives the expected set of
  x.Y.n codes of every edition;
- 2018: the upstream `*.manual.txt` files, whose full codes were numbered by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest

from nlp.model import ParsedDocument, ParsedEntry
from nlp.parse import Bundle, FetchedFile
from nlp.parse.tools import doc_to_text
from nlp.parse.wassenaar_doc import parse

pytestmark = pytest.mark.corpus

LISTS = "raw/km-stat-export-control-code-lists/wassenaar-lists"
# folder -> edition date printed in that edition's table of contents (read by hand)
EDITIONS = {
    "2015 15 1": dt.date(2016, 4, 4),  # WA-LIST (15) 1 Corr.1, ToC .doc: 04-04-2016
    "2016 1 Corr 1": dt.date(2017, 2, 17),  # WA-LIST (16) 1 Corr. 1, ToC .docx: 17-02-2017
    "2017 17 1": dt.date(2017, 12, 7),
    "2018-12-06 18 1": dt.date(2018, 12, 6),
    "2019 19 1": dt.date(2019, 12, 5),
    "2021-12-22 21 1": dt.date(2021, 12, 22),
}

# 2021 per category, FORMATS.md 5a: 1:28 2:16 3:21 4:10 5:4+6 6:28 7:20 8:8 9:30 (= 171).
# Cat 6 has 30: 6.B.5 and 6.B.6 are typed `6.\tB.\t5. \tLASERS - None` (a space before the TAB),
# which the FORMATS regex `\d+\.\t` misses (checked with grep on antiword's text), so 173.
COUNTS_2021 = {"1": 28, "2": 16, "3": 21, "4": 10, "5": 10, "6": 30, "7": 20, "8": 8, "9": 30}

_HEADER_TRACES = re.compile(r"WA-LIST|DUAL-USE LIST - CATEGORY|\b\d\d-\d\d-20\d\d\b|^- \d+ -$")
_RELOCATION_WARNING = re.compile(r"^[^:]+: \d+ label\(s\) placed by their sibling sequence")


def _bundle(corpus_dir: Path, folder: str) -> Bundle:
    directory = corpus_dir / LISTS / folder
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".doc", ".docx"))
    files = tuple(
        FetchedFile(url=f"https://www.wassenaar.org/app/uploads/{folder[:4]}/{quote(p.name)}",
                    content=p.read_bytes(), language="en")
        for p in paths
    )
    return Bundle(source_id=f"wassenaar-{folder[:4]}", jurisdiction="WA", files=files)


@cache
def _parsed(corpus: str, folder: str) -> tuple[ParsedDocument, float]:
    bundle = _bundle(Path(corpus), folder)
    start = time.perf_counter()
    doc = parse(bundle)
    return doc, time.perf_counter() - start


def _doc(corpus_dir: Path, folder: str) -> ParsedDocument:
    return _parsed(str(corpus_dir), folder)[0]


def _by_code(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.code: e for e in doc.entries}


_FULL = re.compile(r"^ *(\d)\.\t([A-E])\.\t(?:Part\s+\d\.\t)?(\d{1,2})\.\s*\t")
_GROUP = re.compile(r"^ *(\d)\.\t([A-E])\.\s")
_BARE = re.compile(r"^ *\t\t(\d{1,2})\.\s*\t")


def _xyn_codes(corpus_dir: Path, folder: str) -> set[str]:
    """x.Y.n codes by the FORMATS.md method (no tree, no notes), on antiword's text."""
    codes: set[str] = set()
    for path in sorted((corpus_dir / LISTS / folder).glob("*Cat *.doc")):
        group: tuple[str, str] | None = None
        for line in doc_to_text(path.read_bytes()).splitlines():
            if m := _FULL.match(line):
                codes.add(f"{m[1]}.{m[2]}.{m[3]}")
                group = (m[1], m[2])
            elif m := _GROUP.match(line):
                group = (m[1], m[2])
            elif (m := _BARE.match(line)) and group is not None:
                codes.add(f"{group[0]}.{group[1]}.{m[1]}")
    return codes


@pytest.mark.parametrize("folder", list(EDITIONS))
def test_edition_structure(corpus_dir: Path, folder: str) -> None:
    bundle = _bundle(corpus_dir, folder)
    assert len(bundle.files) == 18
    doc, seconds = _parsed(str(corpus_dir), folder)
    assert seconds < 10, f"{folder}: parsing took {seconds:.1f} s"
    assert doc.version_date == EDITIONS[folder]
    by = _by_code(doc)
    for cat in "123456789":
        assert by[cat].kind == "category" and by[cat].parent is None
        for group in "ABCDE":
            assert by[f"{cat}.{group}"].kind == "group", f"{cat}.{group}"
    assert by["ML"].kind == "category"
    ml_entries = [e.code for e in doc.entries if e.kind == "entry" and e.parent == "ML"]
    assert ml_entries == [f"ML{n}" for n in range(1, 23)]
    assert doc.stats["unparsed_files"] == 6  # ToC, GTN/GSN, SL, VSL, acronyms, SOUs
    assert 140 <= doc.stats["definitions"] <= 175  # ~145 in 2021 (FORMATS.md)
    # the only warnings are the per-file summaries of labels whose TABs were wrong
    for warning in doc.warnings:
        assert _RELOCATION_WARNING.match(warning), warning


@pytest.mark.parametrize("folder", list(EDITIONS))
def test_entries_match_the_formats_count_method(corpus_dir: Path, folder: str) -> None:
    doc = _doc(corpus_dir, folder)
    mine = {e.code for e in doc.entries if e.kind == "entry" and e.parent != "ML"}
    assert mine == _xyn_codes(corpus_dir, folder)


def test_2021_entry_counts_per_category(corpus_dir: Path) -> None:
    doc = _doc(corpus_dir, "2021-12-22 21 1")
    counts: dict[str, int] = {}
    for e in doc.entries:
        if e.kind == "entry" and e.parent != "ML":
            counts[e.path[0]] = counts.get(e.path[0], 0) + 1
    assert counts == COUNTS_2021
    assert sum(counts.values()) == 173
    cat5 = [e.code for e in doc.entries if e.kind == "entry" and e.path[0] == "5"]
    assert sum(c.startswith(("5.A.1", "5.B.1", "5.D.1", "5.E.1")) for c in cat5) == 4  # Part 1
    assert {"5.A.1", "5.A.2", "5.A.3", "5.A.4"} <= set(cat5)


@pytest.mark.parametrize("folder", list(EDITIONS))
def test_specific_codes(corpus_dir: Path, folder: str) -> None:
    by = _by_code(_doc(corpus_dir, folder))
    assert by["3.A.1"].heading == "Electronic items as follows:"
    assert by["3.A.1.a.1"].parent == "3.A.1.a"
    assert by["3.A.1.a.1"].heading.startswith("Integrated circuits designed or rated as radiation")
    # never printed as a full path: `\t\t\t\t9.\tNeural network …`, `\t\t1.\t"Software" …`
    assert by["3.A.1.a.9"].parent == "3.A.1.a"
    assert by["3.A.1.a.9"].heading == "Neural network integrated circuits;"
    assert by["2.D.1"].parent == "2.D"
    assert by["2.D.1"].heading.startswith('"Software", other than that specified by 2.D.2.')
    assert by["3.A.1.a.4"].status == "not-used" and by["3.A.1.a.4"].text == "Not used since 2010"
    # ML: restarted blocks (`ML8.\ta.\t17.`) continue the same tree
    assert by["ML8.a.17"].parent == "ML8.a" and by["ML8.a.17"].heading.startswith("NTNMH")
    assert by["ML8.a.16"].parent == "ML8.a"
    assert by["ML1.b"].parent == "ML1"
    # 5.A is printed by both Cat 5 files and stays one group
    assert by["5.A.1"].parent == by["5.A.2"].parent == "5.A"


@pytest.mark.parametrize("folder", list(EDITIONS))
def test_notes_kept_out_of_text(corpus_dir: Path, folder: str) -> None:
    doc = _doc(corpus_dir, folder)
    by = _by_code(doc)
    for e in doc.entries:
        assert not re.match(r"(Note|N\.B\.|Technical Note)", e.text), (e.code, e.text[:60])
        assert not _HEADER_TRACES.search(e.text), (e.code, e.text[:60])
        assert "Russian Federation" not in e.text, e.code
        assert "\t" not in e.text
        for note in e.notes:
            assert note.text, (e.code, note.label)
    notes = by["3.A.1.a.1.c"].notes
    assert [n.text[:29] for n in notes] == ["3.A.1.a.1.c. does not apply t"]
    # `Technical Notes` numbered `1.\t…`, `2.\t…` are notes, not items
    assert "3.A.1.a.5.a.6" not in by
    assert "4.A.4.c.1" not in by
    if folder >= "2017":  # 2015-2016 define these computers in DEF, with no Technical Notes
        assert any(n.kind == "technical-note" for n in by["4.A.4.c"].notes)
    # the footnote under the ML title is a note of kind "other", not an item
    assert any(n.kind == "other" and "Russian Federation" in n.text for n in by["ML"].notes)


# ------------------------------------------------------------------- 2018: hand-numbered codes

# Known differences with the hand numbering: its `5.A.` style group codes for Cat 5 are spelt
# `5.C.Part 1.` (kept out below), and it files "Hydrazine and derivatives" as ML8.c.3.b.4 where
# the document's TABs (`\t\t4.\t` = depth 3) and the Wassenaar list make it ML8.c.4.
_MANUAL_ONLY = {"5.C.1", "5.C.2"} | {f"ML8.c.3.b.4{s}" for s in ("", ".a", ".b", ".c", ".d")}
_PARSER_ONLY = {"5.A", "5.B", "5.C", "5.D", "5.E"} | {f"ML8.c.4{s}" for s in ("", ".a", ".b", ".c", ".d")}
_MANUAL_CODE = re.compile(r"(\d\.[A-E](?:\.\w+)*|ML\d+(?:\.\w+)*)")


def _norm(text: str) -> str:
    text = re.sub(r"\$([^$]*)\$", lambda m: re.sub(r"[\^{}]", "", m.group(1)), text)
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _manual(corpus_dir: Path) -> tuple[dict[str, str], list[str]]:
    codes: dict[str, str] = {}
    notes: list[str] = []
    for path in sorted((corpus_dir / LISTS / "2018-12-06 18 1").glob("*.manual.txt")):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            code, sep, text = line.partition("\t")
            code = code.strip().rstrip(".")
            if not sep:
                continue
            if re.search(r"Note|N\.B|Technical", code):
                notes.append(text)
            elif _MANUAL_CODE.fullmatch(code):
                codes.setdefault(code, text)
    return codes, notes


def test_2018_codes_match_the_hand_numbered_export(corpus_dir: Path) -> None:
    doc = _doc(corpus_dir, "2018-12-06 18 1")
    by = _by_code(doc)
    manual, _ = _manual(corpus_dir)
    mine = {c for c, e in by.items() if e.kind != "category"}
    assert len(manual) > 2500
    assert set(manual) - mine == _MANUAL_ONLY
    assert mine - set(manual) == _PARSER_ONLY
    # the first words of each hand-numbered line start the node's own text; where the export
    # put a subheading (`ACOUSTICS`) first, it is the node's "Subheading" note
    mismatched = []
    for code in set(manual) & mine:
        if manual[code].startswith("Part "):
            continue  # the export put `Part 1 - TELECOMMUNICATIONS` etc. on the first Cat 5 codes
        want = _norm(manual[code])[:40]
        e = by[code]
        subheadings = [_norm(n.text) for n in e.notes if n.label == "Subheading"]
        if not any(t.startswith(want) for t in [_norm(e.text), *subheadings]):
            mismatched.append(code)
    assert mismatched == ["ML8.e.13.b"]  # the export's typo "Polsy(epichlorohydrintriol)"


def test_2018_hand_numbered_notes_are_not_in_entry_texts(corpus_dir: Path) -> None:
    doc = _doc(corpus_dir, "2018-12-06 18 1")
    texts = [_norm(e.text) for e in doc.entries]
    note_texts = " ".join(_norm(n.text) for e in doc.entries for n in e.notes)
    _, notes = _manual(corpus_dir)
    in_text = []
    missing = 0
    for note in notes:
        key = _norm(note)[:50]
        if len(key) < 30:
            continue  # short lines like "a. Hafnium;" also occur as items
        if key not in note_texts:
            missing += 1
            if any(key in t for t in texts):
                in_text.append(note[:60])
    assert in_text == []
    # the rest are the export's own rewrites ($\text{E}_{0,\text{MPE}}$) and section titles
    assert missing <= 3
