"""Formatting noise is not change; real edits are. The noisy pairs are short excerpts of the real
documents named in each case (FORMATS.md and the Wassenaar 2021 .doc / 2025 PDF pair)."""

from __future__ import annotations

import pytest

from nlp.changes.noise import canonical, loose, same
from nlp.changes.redline import changed_words, redline, render_html, render_plain

NOISE = [
    # reflow and spacing (the same sentence wrapped differently)
    ("Seals, gaskets, sealants or fuel bladders, specially designed for \"aircraft\"",
     "Seals, gaskets,\n   sealants or fuel\tbladders, specially  designed for\n\"aircraft\""),
    # hyphenation at a line end, and a soft hyphen (EUR-Lex PDF: 'Tech\u00ad' / 'nology')
    ("\"Technology\" according to the General Technology Note",
     "\"Tech-\nnology\" according to the General Tech\u00adnology Note"),
    # curly vs straight quotes, em dash vs hyphen, NBSP (eCFR vs Wassenaar typography)
    ("\u201cUAVs\u201d controlled by 9A012 \u2014 NS Column 1", "\"UAVs\" controlled by 9A012 - NS\u00a0Column 1"),
    # superscripts as glyphs in one .doc, flattened in another (Wassenaar 3.A.1.a.1.a)
    ("A total dose of 5 x 10\u00b3 Gy (Si) or higher;", "A total dose of 5 x 103 Gy (Si) or higher;"),
    # the PDF pushes superscripts off their line (Wassenaar 2025 3.A.1.b.12.a vs the 2021 .doc)
    ("squared [Psat>505.62 W*GHz2/fGHz2] for any channel;", "squared 2 2 [Psat>505.62 W*GHz /fGHz ] for any channel;"),
    # Symbol-font characters the .doc converter prints as "(" (Wassenaar 3.A.1.g.1, ML8.a.10)
    ("greater than 30,000 A/(s and off-state voltage", "greater than 30,000 A/\u00b5s and off-state voltage"),
    ("DIPAM (3,3(-diamino-2,2(,4,4(,6,6(-hexanitrobiphenyl",
     "DIPAM (3,3\u2032-diamino-2,2\u2032,4,4\u2032,6,6\u2032-hexanitrobiphenyl"),
    # a space inside a unit (Wassenaar 3.A.1.b.2.d: "0.1n W" in the .doc, "0.1 nW" in the PDF)
    ("greater than 0.1n W (-70 dBm)", "greater than 0.1 nW (-70 dBm)"),
    # the multiplication sign written as a letter x (Norway list) or as a sign
    ("5 \u00d7 10^5 Rads", "5 x 10^5 Rads"),
    # an EUR-Lex running header and amendment marker left inside a wrapped entry
    ("made from more than 50 % by weight of any of the following",
     "made from more than 50 % by 02021R0821 \u2014 EN \u2014 07.01.2022 \u2014 001.002 \u2014 67 \u25bcM1"
     " weight of any of the following"),
    # a Wassenaar running header, and a "(continued)" repeat
    ("specified in 3.A.1.b. (continued) or 3.A.2.", "specified in 3.A.1.b. WA-LIST (25) 1 Corr. or 3.A.2."),
    # footnote markers renumbered (a footnote added earlier in the document)
    ("Regulation (EU) 2021/821[3] applies", "Regulation (EU) 2021/821[4] applies"),
    ("set out in the Guide\u00b9, as amended", "set out in the Guide\u00b2, as amended"),
    # a compound written open or hyphenated
    ("Microwave solid state amplifiers", "Microwave solid-state amplifiers"),
]

REAL = [
    ("A maximum 'endurance' of 1 hour or greater;", "A maximum 'endurance' of 3 hours or greater;"),
    # double quotes (a term of the list's definitions) vs single (defined locally): content
    ("Spindle \"run-out\" and \"camming\"", "Spindle 'run-out' and 'camming'"),
    ("equipment specified by 1.A.2.", "equipment specified in 1.A.2."),
    ("above 115 K (-158.16oC)", "above 115 K (-158.15\u00b0C)"),  # the value changed, not only the glyph
    ("A total dose of 5 x 10\u00b3 Gy (Si)", "A total dose of 5 x 10\u2074 Gy (Si)"),
    ("exceeding 31.8 GHz", "exceeding 31,8 GHz"),
    ("[Reserved]", "No items currently are in this ECCN."),
]


@pytest.mark.parametrize(("a", "b"), NOISE)
def test_formatting_noise_is_not_a_change(a: str, b: str) -> None:
    assert same(a, b), (canonical(a), canonical(b))
    assert same(b, a)


@pytest.mark.parametrize(("a", "b"), REAL)
def test_real_edits_are_changes(a: str, b: str) -> None:
    assert not same(a, b)


def test_units_keep_their_superscript_exponents() -> None:
    # A superscript after a unit is an exponent, not a footnote marker: m² and m³ differ.
    assert not same("a density of 30 kg/m\u00b2", "a density of 30 kg/m\u00b3")


def test_case_and_punctuation_only_edits_are_editorial_but_quotes_are_not() -> None:
    assert loose("See Supplement No. 1") == loose("see supplement no 1")
    assert loose("launching of UAVs") != loose("launching of \u201cUAVs\u201d")


def test_redline_marks_words_not_noise() -> None:
    spans = redline("A maximum \u2018endurance\u2019 of 1 hour or\ngreater;",
                    "A maximum 'endurance' of 3 hours or greater;")
    assert render_plain(spans) == "A maximum 'endurance' of [-1 hour-] {+3 hours+} or greater;"
    assert changed_words(spans) == 4
    # A changed threshold or tariff number is one token, not digits around a dot.
    assert render_plain(redline("under 8703.40 of", "under 8703.50 of")) == "under [-8703.40-] {+8703.50+} of"


def test_redline_html_is_escaped() -> None:
    html = render_html(redline("less than <5 ns & more", "less than <50 ns & more"))
    assert html == "less than &lt;<del>5</del><ins>50</ins> ns &amp; more"


def test_digits_moved_within_numbers_are_real_edits() -> None:
    assert not same("an output power exceeding 15 W", "an output power exceeding 51 W")
    assert not same("from 1 to 10 GHz", "from 10 to 1 GHz")
