"""Canada (Justice Laws XML): the scope of definitions limited to some sections of an Act, and the
terms an item's notes define (found by the hand check, bench/definitions_check.md). Fixtures:
tests/fixtures/definitions/canada_act_{en,fr}.xml and canada_notes_{en,fr}.xml."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.definitions import def_id_for
from nlp.definitions import extract_definitions
from nlp.definitions.justice_laws_xml import provision_scope
from nlp.definitions.model import Definition, Extracted
from nlp.definitions.scopes import is_location, scope_tokens
from nlp.parse import FetchedFile


def _extract(fixtures_dir: Path, stem: str, fmt: str, *, french_first: bool = False) -> Extracted:
    languages = ("fr", "en") if french_first else ("en", "fr")
    files = tuple(FetchedFile(url=f"https://laws.test/{lang}/{stem}.xml", language=lang,
                              content=(fixtures_dir / "definitions" / f"{stem}_{lang}.xml").read_bytes())
                  for lang in languages)
    return extract_definitions(fmt, files, "ca-test")


def _by(result: Extracted, language: str) -> dict[str, Definition]:
    return {d.term_key: d for d in result.definitions if d.language == language}


def _def_ids(result: Extracted) -> list[str]:
    return [def_id_for("ca", d.key_for_id, d.language, "en") for d in result.definitions]


def test_section_limited_definitions_carry_their_printed_scope(fixtures_dir: Path) -> None:
    result = _extract(fixtures_dir, "canada_act", "justice-laws-provisions")
    assert result.warnings == ()
    en, fr = _by(result, "en"), _by(result, "fr")
    assert {k: d.scope for k, d in en.items()} == {
        "foreign country": "", "minister": "",  # s. 2 "In this Act,"
        "surge": "section 5",  # s. 4.2 "In section 5,"
        "action": "section 5.4", "minister (section 5.4)": "section 5.4",  # "… apply in this section."
        "region": "sections 6.3 and 6.4",  # "… apply in this section and section 6.4."
        "originating goods": "section 6.1",  # inline: "In this section, originating goods means …"
        "shipping document": "section 23",  # inline: "…, in this section called a shipping document, …"
    }
    assert {d.key_for_id: d.scope for d in fr.values()} == {
        "foreign country": "", "minister": "", "surge": "article 5", "action": "article 5.4",
        "minister (section 5.4)": "article 5.4", "region": "articles 6.3 et 6.4", "originating goods": "article 6.1",
    }
    # an Act-wide definition keeps its text and key; the scope does not enter the key
    assert en["surge"].text == "in respect of goods, means a sharp increase in imports"
    assert en["originating goods"].text == "In this section, originating goods means goods entitled to a tariff."
    assert fr["marchandises originaires"].key_for_id == "originating goods"  # paired by place, not by text
    assert en["originating goods"].notes == ()


def test_a_term_redefined_for_one_section_gets_a_unique_id_and_stays_paired(fixtures_dir: Path) -> None:
    for french_first in (False, True):
        result = _extract(fixtures_dir, "canada_act", "justice-laws-provisions", french_first=french_first)
        ids = _def_ids(result)
        assert len(ids) == len(set(ids))
        assert {"ca:def:minister", "ca:def:minister@fr", "ca:def:minister (section 5.4)",
                "ca:def:minister (section 5.4)@fr"} <= set(ids)
        limited = _by(result, "fr")["ministre (article 5.4)"]
        assert limited.scope == "article 5.4" and limited.text.startswith("Pour le présent article seulement")


def test_item_notes_define_terms_in_both_languages(fixtures_dir: Path) -> None:
    result = _extract(fixtures_dir, "canada_notes", "justice-laws-xml")
    assert result.warnings == ()
    en, fr = _by(result, "en"), _by(result, "fr")
    qubit = en["physical qubit (item 5506)"]
    assert qubit.scope == "item 5506(2)(c)(ii)"  # the provision the NOTE block belongs to, not note 2
    assert qubit.text == "In subparagraph (ii), physical qubit means a two-level system that is not error-corrected."
    assert qubit.key_for_id == "physical qubit (item 5506)"
    qubit_fr = fr["qubit physique (article 5506)"]
    assert (qubit_fr.scope, qubit_fr.key_for_id) == ("article 5506(2)(c)(ii)", "physical qubit (item 5506)")
    assert fr["fonctionnel (article 5506)"].key_for_id == "working (item 5506)"
    # an unnumbered note; the French text keeps the English term in <DefinedTermEn>
    assert en["stream format (sf) (item 5506)"].scope == "item 5506(2)(a)(iii)"
    stream_fr = fr["stream format (sf) (article 5506)"]
    assert (stream_fr.term, stream_fr.scope) == ("Stream Format (SF)", "article 5506(2)(a)(iii)")
    assert stream_fr.key_for_id == "stream format (sf) (item 5506)"
    # the not-in-force schedule's notes are not law yet
    assert not any("pellicle" in d.term_key for d in result.definitions)
    assert result.stats["inline"] == 8 and result.stats["by_reference"] == 2


def test_a_note_redefining_a_term_the_item_borrows_keeps_ids_unique(fixtures_dir: Path) -> None:
    for french_first in (False, True):
        result = _extract(fixtures_dir, "canada_notes", "justice-laws-xml", french_first=french_first)
        ids = _def_ids(result)
        assert len(ids) == len(set(ids))
        en = _by(result, "en")
        borrowed, noted = en["technology (item 5506)"], en["technology (item 5506) (item 5506(2)(c)(ii))"]
        assert borrowed.scope == "item 5506(1)" and noted.scope == "item 5506(2)(c)(ii)"
        noted_fr = _by(result, "fr")["technologie (article 5506) (article 5506(2)(c)(ii))"]
        assert noted_fr.key_for_id == noted.key_for_id  # the qualified pair is still a pair


@pytest.mark.parametrize(("text", "language", "section", "subsection", "expected"), [
    ("In this Act,", "en", "2", "(1)", ("", "")),
    ("The following definitions apply in this List.", "en", "1", "", ("", "")),
    ("The following definitions apply in this Permit.", "en", "1", "(1)", ("", "")),
    ("Les définitions qui suivent s’appliquent à la présente loi.", "fr", "2", "(1)", ("", "")),
    ("Les définitions qui suivent s’appliquent à la présente liste.", "fr", "1", "", ("", "")),
    ("In section 5,", "en", "4.2", "(1)", ("section 5", "section 5")),
    ("À l’article 5,", "fr", "4.2", "(1)", ("article 5", "section 5")),
    ("The following definitions apply in this section.", "en", "5.4", "(1)", ("section 5.4", "section 5.4")),
    ("Les définitions qui suivent s’appliquent au présent article.", "fr", "5.4", "(1)",
     ("article 5.4", "section 5.4")),
    ("The following definitions apply in this section and section 6.4.", "en", "6.3", "(1)",
     ("sections 6.3 and 6.4", "sections 6.3 and 6.4")),
    ("Les définitions qui suivent s’appliquent au présent article et à l’article 6.4.", "fr", "6.3", "(1)",
     ("articles 6.3 et 6.4", "sections 6.3 and 6.4")),
    ("In sections 5 to 7,", "en", "4", "", ("sections 5 to 7", "sections 5 to 7")),
    ("Aux articles 5 à 7,", "fr", "4", "", ("articles 5 à 7", "sections 5 to 7")),
    ("In this subsection,", "en", "12", "(3)", ("subsection 12(3)", "subsection 12(3)")),
    ("Au présent paragraphe,", "fr", "12", "(3)", ("paragraphe 12(3)", "subsection 12(3)")),
    ("In this Part,", "en", "30", "", ("this Part", "this Part")),  # kept as printed
    ("A bill of lading, in this section called a shipping document, is evidence.", "en", "23", "(1)",
     ("section 23", "section 23")),
    ("Goods of any kind.", "en", "3", "", None),
])
def test_provision_scope(text: str, language: str, section: str, subsection: str,
                         expected: tuple[str, str] | None) -> None:
    assert provision_scope(text, language, section, subsection) == expected


def test_provision_scopes_are_locations_not_categories() -> None:
    for scope in ("section 5", "sections 6.3 and 6.4", "articles 6.3 et 6.4", "subsection 12(3)",
                  "paragraphe 12(3)", "item 5506(2)(c)(ii)"):
        assert is_location(scope) and scope_tokens(scope) == []
