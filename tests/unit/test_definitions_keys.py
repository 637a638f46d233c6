"""Term keys, lookup forms, category scopes and the word-level comparison of definitions."""

from __future__ import annotations

import pytest

from nlp.definitions import unique_keys
from nlp.definitions.compare import compare, tokens
from nlp.definitions.keys import acronyms, base_key, match_forms, query_variants, suggestions, term_key
from nlp.definitions.model import Definition
from nlp.definitions.scopes import is_eu_scope, is_us_scope, scope_tokens, split_wa_reference


@pytest.mark.parametrize(("printed", "key"), [
    ('"Bias" (accelerometer)', "bias (accelerometer)"),
    ("Adjusted Peak Performance (APP).", "adjusted peak performance (app)"),
    ("\u201cAuthentication\u201d.", "authentication"),
    ("Data-Based Referenced Navigation (\u201cDBRN\u201d) Systems", "data-based referenced navigation (dbrn) systems"),
    ("  Super\u00a0High   Power Laser ", "super high power laser"),
    ("Canada's airline", "canada's airline"),
    ("\u2018Secret parameter\u2019", "secret parameter"),
])
def test_term_key_drops_quotes_case_trailing_punctuation_and_spacing(printed: str, key: str) -> None:
    assert term_key(printed) == key


def test_lookup_forms_reach_the_term_without_qualifier_and_by_acronym() -> None:
    assert match_forms("Bias (gyro)", "bias (gyro)") == {"bias (gyro)", "bias"}
    assert acronyms("Bias (gyro)") == []  # a lower-case qualifier is no acronym
    assert "cep" in match_forms("Circular Error Probable (CEP)", "circular error probable (cep)")
    assert {"icp", "internal compliance programme"} <= match_forms(
        "internal compliance programme or ICP", "internal compliance programme or icp")
    assert base_key("data-based referenced navigation (dbrn) systems") == "data-based referenced navigation systems"


def test_query_variants_cover_number_and_spelling() -> None:
    assert "magnetometers" in query_variants("magnetometer")
    assert "aircraft" in query_variants("aircrafts")
    assert "technologies" in query_variants("technology")
    assert "frequency synthesizers" in query_variants("frequency synthesiser")
    assert "technology" not in query_variants("technology")  # the key itself is not a variant


def test_suggestions_prefer_prefixes_then_close_spellings() -> None:
    pool = ["technology", "technical assistance", "tip shroud", "bias (gyro)"]
    assert suggestions("tech", pool)[:2] == ["technical assistance", "technology"]
    assert suggestions("tecnology", pool) == ["technology"]
    assert suggestions("zzz", pool) == []


@pytest.mark.parametrize(("line", "ref", "rest"), [
    ('Cat 2, 3,     "Accuracy"', "Cat 2, 3,", '"Accuracy"'),
    ("ML1, 8, 10, 14 airborne vehicle.", "ML1, 8, 10, 14", "airborne vehicle."),
    ('Cat 1, ML7 "Biological agents"', "Cat 1, ML7", '"Biological agents"'),
    ("GTN &", "GTN &", ""),
    ("Both Lists", "Both Lists", ""),
    ("1. 'Technical data' may take forms", "", "1. 'Technical data' may take forms"),  # a note number
    ("a.  The extraction of data", "", "a.  The extraction of data"),
    ('5P2   "Software" specially designed', "5P2", '"Software" specially designed'),
])
def test_wassenaar_reference_column(line: str, ref: str, rest: str) -> None:
    assert split_wa_reference(line) == (ref, rest)


@pytest.mark.parametrize(("scope", "tokens_"), [
    ("Cat 1, 6, 7, 9, ML8, 10, 14", ["1", "6", "7", "9", "ML8", "ML10", "ML14"]),
    ("(1 6 7 9 ML8 ML10 ML14)", ["1", "6", "7", "9", "ML8", "ML10", "ML14"]),
    ("(Cat 2, 3, 6, 7 and 8)", ["2", "3", "6", "7", "8"]),
    ("(Cat 5, Part II)", ["5P2"]),
    ("(Cat 3 and Cat 5 part 1)", ["3", "5P1"]),
    ("GTN & Both Lists", ["GTN", "ALL"]),
    ("(General Technology Note) (All Categories)", ["GTN", "ALL"]),
    ("(734, 744)", ["734", "744"]),
    ("item 5504(1)", []),  # a provision, not categories
])
def test_scope_tokens_share_one_vocabulary(scope: str, tokens_: list[str]) -> None:
    assert scope_tokens(scope) == tokens_


def test_scope_parentheses_are_told_from_qualifiers() -> None:
    assert is_eu_scope("2\u00a03\u00a06 7 8") and is_eu_scope("GTN NTN All") and is_eu_scope("1 ML17")
    assert not is_eu_scope("accelerometer") and not is_eu_scope("UAV")
    assert is_us_scope("Cat 5P2") and is_us_scope("MTCR Context only") and is_us_scope("734, 744")
    assert not is_us_scope("MTCR") and not is_us_scope("a") and not is_us_scope("\u201cCEP\u201d")


def test_comparison_ignores_typography_and_connective_and_names_the_differences() -> None:
    wa = ('Specific information necessary for the "development", "production" or "use" of a product. '
          "The information takes the form of 'technical data' or 'technical assistance'.")
    eu = ("means specific information necessary for the \u201cdevelopment\u201d, \u201cproduction\u201d or "
          "\u201cuse\u201d of goods. This information takes the form of \u2018technical data\u2019 or "
          "\u2018technical assistance\u2019.")
    c = compare(wa, eu, left_scope="GTN & Both Lists", right_scope="(GTN NTN All)")
    assert set(c.only_left) == {"a", "product"}
    assert set(c.only_right) == {"goods", "this"}
    assert c.scope_only_left == () and c.scope_only_right == ("NTN",)
    assert [op.tag for op in c.ops] == ["equal", "replace", "equal"]
    assert c.ops[1].left == "a product The" and c.ops[1].right == "goods This"
    assert compare(wa, wa.upper().replace('"', "\u201c")).identical


def test_comparison_reads_british_and_american_spelling_as_one() -> None:
    assert compare("The colour of a fibre.", "The color of a fiber.").identical


def test_tokens_drop_a_repeated_term_and_the_connective() -> None:
    assert tokens("Technology means: Information necessary", "Technology") == ["Information", "necessary"]


def test_unique_keys_qualify_a_term_defined_twice_by_its_scope() -> None:
    defs = (Definition("Repeatability", "repeatability", "en", "(Cat 7)", "One."),
            Definition("Repeatability", "repeatability", "en", "(MTCR Context only) (Cat 7)", "Two."),
            Definition("Range", "range", "en", "", "A."), Definition("Range", "range", "en", "", "B."))
    out, warnings = unique_keys(defs)
    assert [d.term_key for d in out] == ["repeatability", "repeatability (mtcr context only)", "range", "range (2)"]
    assert len(warnings) == 1 and "'range (2)'" in warnings[0]
