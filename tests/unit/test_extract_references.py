"""Cross-references from real notes and Related Controls (entry named in each comment)."""

from __future__ import annotations

from nlp.extract import extract


def refs(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(r.kind, r.target) for r in extract(text, language).references]


def test_nb_see_also_names_three_targets() -> None:
    # eu:1A002, N.B.
    found = extract("SEE ALSO 1A202, 9A010 and 9A110.").references
    assert [(r.kind, r.target) for r in found] == [("see-also", "1A202"), ("see-also", "9A010"), ("see-also", "9A110")]
    assert found[0].text == "SEE ALSO 1A202" and (found[0].start, found[0].end) == (0, 14)


def test_kinds() -> None:
    assert refs("For testing microwave integrated circuits controlled by 3A001.b.2.") == [
        ("controlled-by", "3A001.b.2")]  # us:3B002.b
    assert refs("\"Technology\" for the repair of \"composite\" structures, laminates or materials specified in "
                "1.A.2. or 1.C.7.c.;") == [("specified-in", "1.A.2"), ("specified-in", "1.C.7.c")]  # wa:1.E.2.f
    assert refs("For \"FADEC systems\", see 9.E.3.h.") == [("see-also", "9.E.3.h")]  # wa:9.E.3.a.9, Note
    assert refs("referred to in item 1-7.A.5. of the Guide") == [("specified-in", "1-7.A.5")]  # ca:5504(2)(a)
    # us:9A012, Related Controls: USML and § references are not control codes
    assert refs("(1) See USML Category VIII. (2) Also see ECCN 9A610 and § 744.3 of the EAR. (3) For “UAVs” that "
                "are “sub-orbital craft,” see ECCNs 9A004.h and 9A515.a.") == [
        ("see-also", "9A610"), ("see-also", "9A004.h"), ("see-also", "9A515.a")]


def test_exclusions() -> None:
    assert refs("1A002 does not control \"composite\" structures") == [("excluded", "1A002")]  # eu:1A002, Note 1
    assert refs("ML13.c. and ML13.d. do not apply to helmets") == [("excluded", "ML13.c"), ("excluded", "ML13.d")]
    assert refs("Items, not specified in 4A005 or 5A004.a., designed to perform") == [
        ("excluded", "4A005"), ("excluded", "5A004.a")]  # eu:5A004.b
    assert refs("Systems, other than those controlled by 6B008, “specially designed”") == [
        ("excluded", "6B008")]  # us:6B108
    # us:3A001, Related Controls: one sentence, two lists, two kinds
    assert refs("(2) See also 3A090, 3A101 for cryogenic CMOS integrated circuits not controlled by 3A001, 3A991, "
                "and 9A515.") == [("see-also", "3A090"), ("see-also", "3A101"), ("excluded", "3A001"),
                                  ("excluded", "3A991"), ("excluded", "9A515")]


def test_exclusions_found_in_the_check_sheet() -> None:
    # eu:1C101, Note 2 and us:3A001.z.1.a (bench/extraction_check.md rows 7 and 20)
    assert refs("1C101 does not include coatings when specially used for the thermal control of satellites.") == [
        ("excluded", "1C101")]
    assert refs("except those 3A001.b.2 and b.3 items being exported or reexported") == [
        ("excluded", "3A001.b.2"), ("excluded", "3A001.b.3")]
    # wa:9.E.2 and eu:7E002: product groups in a list of codes, or after "specified in"
    assert refs("equipment specified in 9.A.4. to 9.A.11. or 9.B.") == [
        ("specified-in", "9.A.4"), ("specified-in", "9.A.11"), ("specified-in", "9.B")]
    assert refs("\"production\" of equipment specified in 7A or 7B.") == [
        ("specified-in", "7A"), ("specified-in", "7B")]
    assert refs("3D printing of 2D images") == []


def test_no_code_no_reference() -> None:
    # us:9A012 heading; a licence table row names codes without pointing at them
    assert refs("9A012 “Unmanned Aerial Vehicles,” as follows (see List of Items Controlled).") == []
    assert refs("NS applies to entire entry, except .a.1 — NS Column 1.") == []
    assert refs("RS applies to 3A001.z.1.b, z.2.b — To or within the United Arab Emirates") == []


def test_french_and_german() -> None:
    assert refs("Les marchandises visées aux article 9-1 à 9-9, qu’elles figurent", "fr") == [
        ("specified-in", "9-1"), ("specified-in", "9-9")]  # ca:group-9@fr
    # Swiss GKV Annex 2 (2021, de.csv)
    assert refs("Anmerkung: SIEHE AUCH NUMMERN 6A005 UND 6A205.", "de") == [
        ("see-also", "6A005"), ("see-also", "6A205")]
    assert refs("Anmerkung 1:  Nummer 1A002 erfasst nicht „Verbundwerkstoff“-Strukturen", "de") == [
        ("excluded", "1A002")]
    assert refs("4. Wellendichtungen für Kompressoren, erfasst von Unternummer 0B001c3", "de") == [
        ("controlled-by", "0B001.c.3")]


def test_one_verb_governing_a_second_list() -> None:
    # us:3A001.z.1.a: "described in" governs both lists
    text = ("“Monolithic Microwave Integrated Circuit” (“MMIC”) amplifiers described in 3A001.b.2 and discrete "
            "microwave transistors in 3A001.b.3, except those 3A001.b.2 and b.3 items being exported")
    assert refs(text) == [("specified-in", "3A001.b.2"), ("specified-in", "3A001.b.3"),
                          ("excluded", "3A001.b.2"), ("excluded", "3A001.b.3")]
    # without a governing phrase before it, a second list stays a mention
    assert refs("amplifiers as in 3A001.b.2 and discrete microwave transistors in 3A001.b.3") == []
    # us:1C608.m: the second list is governed by the same verb, negated
    assert refs("are controlled under ECCN 1C992 and not under ECCN 1C608.m") == [
        ("controlled-by", "1C992"), ("excluded", "1C608.m")]
