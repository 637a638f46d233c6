"""The German description set builder (bench/matching/sets_descriptions.py) on a hand-written CSV in
the format of the Swiss GKV Annex 2 German CSV (tests/fixtures/bench_matching/README.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.matching.sets import Item
from bench.matching.sets_descriptions import query_text, reference_paths, swiss_description_set, swiss_subitems
from nlp.match.text import mask_codes

CSV = Path(__file__).resolve().parent.parent / "fixtures" / "bench_matching" / "swiss_annex2_de_sample.csv"
REFERENCE = reference_paths(["2B001", "2B001.a", "2B001.a.1", "2B001.b", "2B001.b.1", "2B001.b.1.a", "2B001.b.1.b",
                             "2B001.c", "2B001.d", "2B001.e", "2B001.f", "2B002.a", "2B002.b", "2B004.a", "2B004.b",
                             "2E003.a", "2E003.b"])
ITAR = "Heading. (These items are “subject to the ITAR.” See 22 CFR parts 120 through 130.)"


def _us(stub: str = "") -> list[Item]:
    texts = {"2B001": "Machine tools for removing or cutting metals, ceramics or composites, as follows.",
             "2B002": "Numerically controlled optical finishing machine tools.",
             "2B004": "Hot isostatic presses, as follows.", "2E003": "Other technology, as follows."}
    return [Item(f"us:{code}", "us", ITAR if code == stub else text, "en") for code, text in texts.items()]


def test_outline_keeps_first_level_subitems_and_skips_notes_and_property_lists() -> None:
    subs = swiss_subitems(CSV, REFERENCE)
    paths = {(s.code, s.path) for s in subs}
    assert all(len(s.path) == 1 for s in subs)
    # the note's a)/b) (goods 2B001 does *not* control) are not read as 2B001.a/.b; "c)" after
    # b.1.b is 2B001.c (b.1.c is not in the reference outline); 2B002 lists properties only
    assert paths == {("2B001", (x,)) for x in "abcdef"} | {("2B004", ("a",)), ("2B004", ("b",)),
                                                           ("2E003", ("a",)), ("2E003", ("b",))}
    texts = {(s.code, s.path[0]): s.text for s in subs}
    assert texts["2B001", "a"].startswith("a) Werkzeugmaschinen für Drehbearbeitung")
    assert "„Bahnsteuerung“" in texts["2B001", "a"]  # hyphenation at the line end undone
    assert texts["2B001", "d"].endswith("für die simultane „Bahnsteuerung“")  # across the page break


def test_query_filters() -> None:
    texts = {(s.code, s.path[0]): query_text(s) for s in swiss_subitems(CSV, REFERENCE)}
    assert texts["2B001", "a"] == ("Werkzeugmaschinen für Drehbearbeitung mit zwei oder mehr Achsen zur "
                                   "simultanen „Bahnsteuerung“")  # list introducer removed
    assert texts["2B001", "b"] is None  # "Werkzeugmaschinen für Fräsbearbeitung": fewer than 4 words
    assert texts["2B001", "e"] is not None  # "mit Seltenerdmetall gehärtete ...": an attribute, goods follow
    assert texts["2B001", "f"] is None  # "mit einer maximalen Bohrtiefe ...": completes its parent
    assert texts["2E003", "a"] is None  # defined by reference ("erfasst von Nummer 2B001")
    assert texts["2E003", "b"] == "„Technologie“ für metallbearbeitende Fertigungsverfahren"


def test_set_gold_cap_dedup_and_stub() -> None:
    ev = swiss_description_set(CSV, REFERENCE, _us())
    assert ev.kind == "description" and ev.acc1_target == 0.55
    assert {i.language for i in ev.left} == {"de"} and len(ev.right) == 4
    gold = {i.id: next(iter(ev.gold[i.id])) for i in ev.left}
    assert all(g == "us:" + i.split(":")[1][:5] for i, g in gold.items())
    # 2B001 has four usable sub-items (a, c, d, e), at most 3 kept; 2B004's two identical ones count once
    assert Counter(gold.values()) == {"us:2B001": 3, "us:2B004": 1, "us:2E003": 1}
    assert {i for i in gold if i.startswith("ch-sub-de:2B001")} < {f"ch-sub-de:2B001.{x}" for x in "acde"}
    assert ev.left == swiss_description_set(CSV, REFERENCE, _us()).left  # fixed seeds
    assert all(mask_codes(i.text) == i.text for i in ev.left)  # no control code left in a query
    # a gold US ECCN moved to the ITAR has no text to match: its sub-items are not queried
    ev = swiss_description_set(CSV, REFERENCE, _us(stub="2B004"))
    assert "us:2B004" not in {g for gs in ev.gold.values() for g in gs}
