"""Control codes in every numbering scheme, from real sentences (entry named in each comment)."""

from __future__ import annotations

import pytest

from nlp.extract.codes import find_codes


def codes(text: str) -> list[str]:
    return [c.code for c in find_codes(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("N.B. SEE ALSO 1A202, 9A010 and 9A110.", ["1A202", "9A010", "9A110"]),  # eu:1A002
    ("3A001.b.1. does not control", ["3A001.b.1"]),  # eu:3A001.b.1, Note 1: the EU's trailing dot is dropped
    ("3.A.1.b.1. does not apply to", ["3.A.1.b.1"]),  # wa:3.A.1.b.1, Note 1
    ("ML8.a. includes ‘explosive co-crystals’.", ["ML8.a"]),  # au:ML8.a, Note
    ("Having less than or equal to 4 g of NTO (ML8.a.18.); and", ["ML8.a.18"]),  # wa:ML8, Note 2
    ("(see also ML8.g.6. for its \"precursors\");", ["ML8.g.6"]),  # wa:ML8.a.27
    ("materials specified in item 1-1.C.7 of the Guide", ["1-1.C.7"]),  # ca:5506(2)(b)(iii)
    ("referred to in items 1-9.A.4. to 1-9.A.11. of the Guide", ["1-9.A.4", "1-9.A.11"]),  # ca:5504(2)
    ("The goods referred to in items 9-1 to 9-9, whether", ["9-1", "9-9"]),  # ca:group-9
    ("Les marchandises visées aux article 9-1 à 9-9, qu’elles", ["9-1", "9-9"]),  # ca:group-9@fr
    ("equipment set out in item 5504(2)(d) and 5101", ["5504(2)(d)", "5101"]),  # a list after "item"
    ("the goods set out in 5504(2)(d) in 2021", ["5504(2)(d)"]),  # parentheses make it an item, not the year
    ("(see supplement no.1 to part 740) for 9x515 and “600 series” items", ["9x515"]),
    ("is designated as EAR99.", ["EAR99"]),
    ("Prohibited items: KM 7 and ML 22", ["KM7", "ML22"]),  # Swiss war material list, spaced ML
    ("SCOMET 8A301 and 6A001", ["8A301", "6A001"]),
    ("specified by 5.A.002.d.", ["5A002.d"]),  # au:5A002.a, Note 2: an EU code spaced out
    ("Unternummer 1A002b1 erfasst nicht", ["1A002.b.1"]),  # Swiss GKV (de.csv): sub-items without dots
])
def test_schemes(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_us_abbreviated_sub_items_are_expanded() -> None:
    # us:0A501, List Based License Exceptions; us:3A001, License Requirements; us:9A515, notes
    assert codes("LVS: $500 for 0A501.c, .d, and .x.") == ["0A501.c", "0A501.d", "0A501.x"]
    assert codes("RS applies to 3A001.z.1.a, z.2.a, z.3.a, z.4.a — To") == [
        "3A001.z.1.a", "3A001.z.2.a", "3A001.z.3.a", "3A001.z.4.a"]
    assert codes("exports under 3A001.b.2 or b.3 under License Exceptions") == ["3A001.b.2", "3A001.b.3"]
    assert codes("ECCN 9A004.a through .f apply") == ["9A004.a", "9A004.f"]
    assert codes("3A001.b.2 and a device") == ["3A001.b.2"]  # "a" is an article, not sub-item a


@pytest.mark.parametrize("text", [
    "the 2021 edition of 1000 items",  # years and counts
    "subparagraph 2(b) of Article 3.A.5 of Annex 3-A",  # ca:5210: a CUSMA article, not Wassenaar 3.A.5
    "classés aux sous-positions 1701.91.48, 2309.10 et 19.05",  # ca:5204@fr: tariff headings
    "temperatures from 1-10 GHz and ISO 230-2:2014",
    "(C.A.S. #3457-37-2);",  # us:1C111.d.15
])
def test_not_codes(text: str) -> None:
    assert codes(text) == []
