"""Technical parameters from real entry text (short excerpts, each named by the entry it comes from;
expected values read off the sentence by hand)."""

from __future__ import annotations

import pytest

from nlp.extract import extract_parameters
from nlp.extract.model import Parameter


def one(text: str, language: str = "en", decimal_comma: bool | None = None) -> Parameter:
    found = extract_parameters(text, language, decimal_comma=decimal_comma)
    assert len(found) == 1, found
    return found[0]


def summary(text: str, language: str = "en", decimal_comma: bool | None = None) -> list[tuple[object, ...]]:
    return [(p.comparator, p.value, p.unit, p.si_value, p.si_unit)
            for p in extract_parameters(text, language, decimal_comma=decimal_comma)]


def test_eu_decimal_comma_and_not_exceeding() -> None:
    # eu:1A002, Note 1
    text = ("a. An area not exceeding 1 m2; b. A length not exceeding 2,5 m; and c. A width exceeding 15 mm.")
    found = extract_parameters(text, decimal_comma=True)
    assert [(p.quantity, p.comparator, p.value, p.unit, p.si_value, p.si_unit) for p in found] == [
        ("area", "<=", 1.0, "m2", 1.0, "m^2"),
        ("length", "<=", 2.5, "m", 2.5, "m"),
        ("length", ">", 15.0, "mm", 0.015, "m"),
    ]
    assert [p.text for p in found] == ["not exceeding 1 m2", "not exceeding 2,5 m", "exceeding 15 mm"]
    assert [text[p.start:p.end] for p in found] == [p.text for p in found]


def test_two_bounds_keep_their_own_comparators() -> None:
    # eu:3A001.b.1, Note 2
    assert summary("1. Exceeds 31,8 GHz but does not exceed 43,5 GHz; and", decimal_comma=True) == [
        (">", 31.8, "GHz", 31.8e9, "Hz"), ("<=", 43.5, "GHz", 43.5e9, "Hz")]
    # us:9A012.a.1.a at 2026-06-25
    assert summary("A maximum 'endurance' greater than or equal to 30 minutes but less than 1 hour; and") == [
        (">=", 30.0, "minutes", 1800.0, "s"), ("<", 1.0, "hour", 3600.0, "s")]


def test_us_9a012_endurance_of_3_hours_or_greater() -> None:
    # us:9A012.a.2 at 2026-09-01
    p = one("A maximum 'endurance' of 3 hours or greater;")
    assert (p.quantity, p.comparator, p.value, p.unit, p.si_value, p.si_unit) == ("time", ">=", 3.0, "hours",
                                                                                 10800.0, "s")
    assert p.text == "3 hours or greater"


def test_thousands_separators_by_convention() -> None:
    # wa:6.A.1.a.2.g.2 writes "1,000 mV" (a point text); eu:6A001.a.2.g.2 writes "1 000 mV"
    assert summary("better than 48 dB (reference 1,000 mV rms per 1g);", decimal_comma=False)[0][1] == 1000.0
    assert summary("better than 48 dB (reference 1 000 mV rms per 1g);", decimal_comma=True)[0][1] == 1000.0
    # eu:1C002.b.1.b: space-grouped thousands and a temperature restated in °C
    text = "A ‘low cycle fatigue life’ of 10 000 cycles or more at 823 K (550 °C) at a maximum stress of 1 095 MPa;"
    assert summary(text, decimal_comma=True) == [(">=", 10000.0, "cycles", None, None), ("=", 823.0, "K", 823.0, "K"),
                                                 ("=", 1095.0, "MPa", 1.095e9, "Pa")]


def test_decimal_convention_decided_from_the_text() -> None:
    # eu:3C004: no other number; a percentage cannot exceed 100, so the comma is decimal
    assert summary("having a purity better than 99,999 %, even diluted in inert gases or hydrogen.") == [
        (">", 99.999, "%", None, None)]


def test_powers_of_ten_written_and_flattened() -> None:
    # us:3A001, Related Definitions (eCFR superscripts rendered by our parser with ^)
    found = extract_parameters("5 × 10^3 Gy(Si) = 5 × 10^5 Rads (Si); 5 × 10^6 Gy (Si)/s = 5 × 10^8 Rads (Si)/s.")
    assert [(p.quantity, p.value, p.si_value, p.si_unit) for p in found] == [
        ("absorbed dose", 5e3, 5e3, "Gy"), ("absorbed dose", 5e5, 5e3, "Gy"),
        ("dose rate", 5e6, 5e6, "Gy/s"), ("dose rate", 5e8, 5e6, "Gy/s")]
    # wa:1.C.1.a (Word text lost the superscripts: "2 x 108" is 2 × 10^8)
    assert summary("Materials for absorbing frequencies exceeding 2 x 108 Hz but less than 3 x 1012 Hz;") == [
        (">", 2e8, "Hz", 2e8, "Hz"), ("<", 3e12, "Hz", 3e12, "Hz")]
    # eu:6A108.c
    assert summary("a combined thermal shock greater than 4,184 × 106 J/m2 accompained", decimal_comma=True) == [
        (">", 4.184e6, "J/m2", 4.184e6, "J/m^2")]
    # wa:3.A.1.d.1: "10-14 J" after a comparator is 10^-14 J, not a range from 10 to 14
    assert summary("power dissipation per gate (in watts) of less than 10-14 J; or") == [
        ("<", 1e-14, "J", 1e-14, "J")]


def test_a_bare_flattened_number_is_not_invented_into_a_power() -> None:
    # "106 Hz" alone could be 10^6 with a lost superscript, or 106: it is read as printed
    assert summary("at a frequency of 106 Hz") == [("=", 106.0, "Hz", 106.0, "Hz")]


def test_ranges() -> None:
    # eu:1B116: bounds restated in °C, and bounds in different units
    text = ("which decompose in the 1 573 K (1 300 °C) to 3 173 K (2 900 °C) temperature range at pressures of "
            "130 Pa to 20 kPa.")
    found = extract_parameters(text, decimal_comma=True)
    assert [(p.comparator, p.value, p.upper, p.unit, p.si_value, p.upper_si) for p in found] == [
        ("range", 1573.0, 3173.0, "K", 1573.0, 3173.0), ("range", 0.13, 20.0, "kPa", 130.0, 20000.0)]
    # eu:9B106.a.2
    found = extract_parameters("equal to or greater than 10 g rms, measured ‘bare table’, between 20 Hz and 2 kHz "
                               "while imparting forces equal to or greater than 5 kN;", decimal_comma=True)
    assert [(p.quantity, p.comparator, p.si_value, p.upper_si) for p in found] == [
        ("acceleration", ">=", 98.0665, None), ("frequency", "range", 20.0, 2000.0), ("force", ">=", 5000.0, None)]
    assert found[1].text == "between 20 Hz and 2 kHz"
    # "from ... to" and a dash with one unit for both bounds
    found = extract_parameters("operating from 1 to 10 GHz and 2-18 GHz")
    assert [(p.value, p.upper, p.si_value, p.upper_si, p.text) for p in found] == [
        (1.0, 10.0, 1e9, 1e10, "from 1 to 10 GHz"), (2.0, 18.0, 2e9, 1.8e10, "2-18 GHz")]


def test_comparators_on_both_sides_of_a_range_are_not_a_range() -> None:
    # us:3A001, License Requirements
    assert summary("rated for operation in the temperature range from below −54 °C to above +125 °C;") == [
        ("<", -54.0, "°C", 219.15, "K"), (">", 125.0, "°C", 398.15, "K")]


@pytest.mark.parametrize(("text", "expected"), [
    ("exceeding 15 g but less than or equal to 100 g", [">", "<="]),  # eu:7A001.a.2
    ("having a mass of less than 250 g", ["<"]),  # wa:ML8, Note 2
    ("a muzzle velocity exceeding 152.4 m/s or at a muzzle energy exceeding 5.7 joules", [">", ">"]),  # ca:group-2
    ("A peak saturated power output greater than 90 W (49.54 dBm)", [">"]),  # wa:3.A.1.b.4.a.4
    ("at any frequency exceeding 3.7 GHz up to and including 6.8 GHz;", [">", "<="]),  # wa:3.A.1.b.4.a.4
    ("an 'optical thickness' uniformity of 99.5% or better for optical coatings 500 mm or more in diameter",
     [">=", ">="]),  # wa:6.E.3.d.1
    ("Drift equal to or better (less) than 0,1 % per day", ["<="]),  # eu:2B206.d.2
    ("A “scale factor” “repeatability” of less (better) than 1250 ppm;", ["<"]),  # au:7A101.b
    ("maintaining temperatures below 103 K (-170°C);", ["<"]),  # wa:ML20.a
    ("capable of a maximum range of at least 300 kilometers (km)", [">="]),  # us:9A012, License Requirements
    ("with a molybdenum content of 97 % by weight or more", [">="]),  # eu:1C117.b
    ("a C-NOT error of less than or equal to 6 x 10^-3, and", ["<="]),  # ca:5506(2)(c)(ii)(A)(VII)
    ("quantum computers supporting 1,100 or more, but fewer than 2,000, fully controlled", [">=", "<"]),
    ("A “pulse compression” ratio exceeding 150; or", [">"]),  # us:6A008.k.1
    ("Rotary speed of 700 rpm or more;", [">="]),  # wa:ML9.b.1.b
    ("equal to .50 caliber (12.7 mm) or less.", ["<="]),  # us:0A501.a
    ("having over 227 kg product capacity", [">"]),  # au:ML18, Note
    ("averaged over 10 degrees or more", [">="]),  # "averaged over" is not a comparator
])
def test_english_comparators(text: str, expected: list[str]) -> None:
    assert [p.comparator for p in extract_parameters(text)] == expected


def test_coordinated_values_share_the_bound() -> None:
    # eu:2B350.i.1 and au:6A004.b.2 (read as `=` before; see bench/extraction_check.md rows 31, 33)
    assert [p.comparator for p in extract_parameters("‘Alloys’ with more than 25 % nickel and 20 % chromium by "
                                                     "weight;", decimal_comma=True)] == [">", ">"]
    assert [p.comparator for p in extract_parameters("Exceeding 80 mm in diameter or length of major axis and 20 mm "
                                                     "in thickness (depth);")] == [">", ">"]
    # A value of another quantity, or a stated condition, does not inherit a bound
    assert [p.comparator for p in extract_parameters("greater than 10 GHz and 20 W")] == [">", "="]
    assert [p.comparator for p in extract_parameters("at 823 K (550 °C) and 400 MPa")] == ["=", "="]
    # eu:3E002, Note 2
    assert one('a. Using "technology" at or above 0,130 μm; and', decimal_comma=True).comparator == ">="


def test_ratios() -> None:
    # ca:3-02 in English and French: the same threshold written 1:5,000 and 1/5 000
    en = one("the ratio of deuterium to hydrogen atoms exceeds 1:5,000 if the Minister", decimal_comma=False)
    fr = one("le rapport atomique deutérium/hydrogène dépasse 1/5 000, si le ministre", "fr", decimal_comma=True)
    assert (en.quantity, en.comparator, en.value, en.text) == ("ratio", ">", 0.0002, "exceeds 1:5,000")
    assert (fr.comparator, fr.value) == (">", 0.0002)
    # ca:5506(2)(d)(iii)(A)
    assert one("etch selectivity greater than or equal to 100:1, or").value == 100.0
    assert extract_parameters("available 24/7 and at 12:30") == []


def test_better_than_follows_the_quantity() -> None:
    # eu:3C004: a purity is better when higher; wa:2.B.6.b.3.b-like accuracy: better when lower
    assert one("a purity better than 99,999 %", decimal_comma=True).comparator == ">"
    assert one('surface finish "accuracies" of better than 10 nm rms').comparator == "<"
    # Nothing says which way: no parameter rather than a guess
    assert extract_parameters("a figure of merit better than 10 dB") == []


def test_french() -> None:
    # ca:group-2(b)(ii)@fr
    text = ("de toute arme à feu conçue pour tirer un projectile à une vitesse initiale de plus de 152,4 m par "
            "seconde ou dont l’énergie initiale est de plus de 5,7 joules;")
    assert [(p.comparator, p.value, p.si_value, p.si_unit, p.quantity) for p in extract_parameters(text, "fr")] == [
        (">", 152.4, 152.4, "m/s", "velocity"), (">", 5.7, 5.7, "J", "energy")]
    # ca:9-6(b)@fr
    text = ("un déplacement normal inférieur à 150 t, et l’équipement nécessaire au lancement de missiles ou des "
            "torpilles d’une portée de 25 km ou plus.")
    assert summary(text, "fr") == [("<", 150.0, "t", 150000.0, "kg"), (">=", 25.0, "km", 25000.0, "m")]
    # ca:5506(2)(d)(v)(C)(I)@fr
    assert [p.comparator for p in extract_parameters("est de plus de 380 nm sans dépasser 14 000 nm,", "fr")] == [
        ">", "<="]
    # ca:5506(2)(c)(ii)(A)(VII)@fr
    text = "soutenant 1100 ou plus, mais moins de 2000, qubits physiques [...] inférieure ou égale à 6 x 10^-3,"
    assert summary(text, "fr") == [(">=", 1100.0, "", None, None), ("<", 2000.0, "", None, None),
                                   ("<=", 0.006, "", None, None)]


def test_german() -> None:
    # Swiss GKV Annex 2 (2021, de.csv), 0A001.f and 1C005-like items
    assert summary("in einem „Kernreaktor“, in Mengen von mehr als 10 kg;", "de") == [(">", 10.0, "kg", 10.0, "kg")]
    found = extract_parameters("einer magnetischen Induktion von Null grösser als 9,85 K (– 263,31 °C)", "de")
    assert [(p.comparator, p.value, p.unit, p.text) for p in found] == [
        (">", 9.85, "K", "grösser als 9,85 K (– 263,31 °C)")]
    found = extract_parameters("mit einer Breite grösser 25,4 mm und kleiner/gleich 304,8 mm zu", "de")
    assert [(p.comparator, p.value) for p in found] == [(">", 25.4), ("<=", 304.8)]


def test_labels_and_codes_are_not_quantities() -> None:
    assert extract_parameters("specified in 7A or 7B.") == []  # eu:7E002: category groups, not amperes
    assert extract_parameters("See Category 5 A and Note 2 C; 3A001.b.1 and ISO 230-2:2014") == []
    assert extract_parameters("Not used since 2015") == []


def test_canadian_capital_n_neutron_fluence_is_not_a_pressure() -> None:
    # ca:5504(2)(g), French: "une fluence neutronique de 1 × 10^14 N/cm^2 ou plus"
    p = one("une fluence neutronique de 1 × 10^14 N/cm^2 ou plus", "fr")
    assert (p.quantity, p.comparator, p.si_value, p.si_unit) == ("fluence", ">=", 1e18, "m^-2")
    # without neutrons named, N/cm2 stays a pressure
    assert one("a pressure exceeding 10 N/cm2").quantity == "pressure"


def test_counts_written_as_words() -> None:
    # eu:3E002, Note 2: "Incorporating multi-layer structures with five or fewer metal layers."
    assert summary("b. Incorporating multi-layer structures with five or fewer metal layers.") == [
        ("<=", 5.0, "", None, None)]
    # eu:2B201: "Two or more contouring rotary axes; or"
    assert summary("2. Two or more contouring rotary axes; or") == [(">=", 2.0, "", None, None)]
    # ca-ecl item 5205 (French), sugar content: "au moins soixante-cinq pour cent en poids net"
    found = one("contenant au moins soixante-cinq pour cent en poids net de sucre de canne", "fr")
    assert (found.comparator, found.value, found.text) == (">=", 65.0, "au moins soixante-cinq pour cent")


def test_counts_of_list_items_and_one_or_more_are_not_parameters() -> None:
    # eu:1C350 Note, eu:3B001: counting the items of a list, or "one or more", sets no threshold
    assert extract_parameters('"chemical mixtures" containing one or more of the chemicals specified in') == []
    assert extract_parameters("material having two or more of the following elements:") == []
    assert extract_parameters("deux ou plus des éléments suivants", "fr") == []
    # au:ML8.a, Technical Note: "three dimensional" is a shape, not a count
    assert extract_parameters("a solid consisting of an ordered three dimensional arrangement of molecules") == []


def test_effective_grams_are_a_mass_in_both_languages() -> None:
    # eu:0C002: the unit in the list's quotes
    assert summary('0C002 does not control four "effective grammes" or less when contained in a sensing '
                   "component") == [("<=", 4.0, '"effective grammes"', 0.004, "kg")]
    # ca:3-01(2)(g), English and French: the same threshold
    en = one("four effective grams or less of special fissionable material when contained in a sensing component")
    fr = one("quatre grammes efficaces ou moins de produits fissiles spéciaux, s’ils sont contenus", "fr")
    assert (en.comparator, en.si_value, en.si_unit) == (fr.comparator, fr.si_value, fr.si_unit) == ("<=", 0.004, "kg")
