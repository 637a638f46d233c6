"""Defined terms used: double quotes in every glyph the sources use; single quotes kept apart."""

from __future__ import annotations

from nlp.extract import extract
from nlp.extract.terms import find_local_terms


def test_quote_styles() -> None:
    assert extract("1A002 does not control \"composite\" structures ... \"civil aircraft\"").terms == (
        "composite", "civil aircraft")  # eu:1A002 (straight quotes)
    assert extract("“Unmanned Aerial Vehicles,” (“UAVs”), unmanned “airships”, related equipment and "
                   "“components”, as follows").terms == (
        "unmanned aerial vehicles", "uavs", "airships", "components")  # us:9A012 (curly, comma inside)
    assert extract("„Kernreaktoren“ und besonders konstruierte Ausrüstung", "de").terms == ("kernreaktoren",)
    assert extract("« exportation » et « Note générale sur les logiciels »", "fr").terms == (
        "exportation", "note générale sur les logiciels")  # ca:5504(1)@fr


def test_repeats_once_in_order() -> None:
    assert extract("“Explosives” and “mixtures” of “explosives”").terms == ("explosives", "mixtures")


def test_single_quotes_are_local_terms_not_defined_terms() -> None:
    # us:9A012.a.2 and au:ML8.a
    text = "A maximum 'endurance' of 3 hours; Canada’s and the manufacturer's ‘mixtures’ thereof"
    assert extract(text).terms == ()
    assert [t.term for t in find_local_terms(text)] == ["endurance", "mixtures"]
