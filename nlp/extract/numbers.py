"""Numbers as printed in control lists: decimal comma or point, thousands separators, powers of ten.

The EU and French texts write `2,5 m` and `1 000 kg`; the US, Wassenaar, Australian and English
Canadian texts write `2.5 m` and `1,000 hours`. A comma followed by exactly three digits is
ambiguous on its own (`1,000 mV` is 1 V in the EU list and 1000 mV in the Wassenaar list), so the
convention is decided per text (or given by the caller, who knows the source).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.extract.units import match_unit

_SPACES = " \u00a0\u202f\u2009"
MINUS = "−-–"
_MINUS = r"−\-–"  # the same, for character classes

# A number as printed. Thousand groups separated by a space are only read in decimal-comma text
# (group `sp`); the comma/point groups are interpreted by `to_float`.
_DIGITS = r"\d+(?:[.,]\d+)*|(?<![\w.,])\.\d+(?![.,]\d)"  # ".72 inches": US text drops the leading zero
_SPACED = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:,\d+)?(?![\d.,]?\d)"
# Powers of ten: "5 × 10^5", "10^12", "1 x 10-7", and flattened superscripts after "× 10"
# ("4,184 × 106": the 6 was a superscript; a multiplication by 106 is never what a list means).
_TIMES = r"\s?[×xX·*]\s?"
_POWER = rf"(?:{_TIMES}10(?:\^\(?(?P<exp>[{_MINUS}+]?\d{{1,3}})\)?|(?P<flat>[{_MINUS}]?\d{{1,2}})(?!\d)))"

NUMBER = re.compile(
    rf"(?<![\w.,/^'’:])(?<![A-Za-z][{_MINUS}])"
    rf"(?P<sign>(?<![\d)])[{_MINUS}+](?=\d)|±\s?)?"
    rf"(?:(?P<bare>10)\^(?P<bexp>[{_MINUS}+]?\d{{1,3}})|(?P<mant>{_SPACED}|{_DIGITS}){_POWER}?)"
)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    plus_minus: bool = False  # printed with "±": a tolerance band


def _int_exponent(raw: str) -> int:
    return int(raw.replace("−", "-").replace("–", "-"))


def to_float(printed: str, decimal_comma: bool) -> float | None:
    """"2,5" -> 2.5 (comma text), "1,000" -> 1000.0 (point text), "1 000,5" -> 1000.5."""
    s = printed
    for sp in _SPACES:
        s = s.replace(sp, "")
    commas, points = s.count(","), s.count(".")
    if decimal_comma:
        if points > 1 or (points and commas):
            return None  # "5.3.2" is a section number; "1.000,5" does not occur in these lists
        if commas > 1:
            return None  # "1,2,3": a list, not a number
        return float(s.replace(",", "."))
    if points > 1:
        return None
    if commas == 0:
        return float(s)
    head, *groups = s.split(",")
    if all(len(g.split(".")[0]) == 3 for g in groups) and 1 <= len(head) <= 3 and head != "0":
        return float(s.replace(",", ""))
    if commas == 1 and points == 0:
        return float(s.replace(",", "."))  # "0,5": a decimal comma in a point text
    return None


def parse_number(match: re.Match[str], decimal_comma: bool) -> Number | None:
    if match.group("bare"):
        value: float | None = 10.0 ** _int_exponent(match.group("bexp"))
    else:
        value = to_float(match.group("mant"), decimal_comma)
        if value is not None:
            exp = match.group("exp") or match.group("flat")
            if exp:
                value *= 10.0 ** _int_exponent(exp)
    if value is None:
        return None
    value = float(f"{value:.12g}")  # 50 × 10^-6 is 5e-05, not 4.9999999999999996e-05
    sign = (match.group("sign") or "").strip()
    if sign and sign in MINUS:
        value = -value
    return Number(value, match.start(), match.end(), plus_minus=sign == "±")


def numbers(text: str, decimal_comma: bool) -> Iterator[Number]:
    for match in NUMBER.finditer(text):
        if not decimal_comma and match.group("mant") and any(sp in match.group("mant") for sp in _SPACES):
            # "1 000" in a point text is two numbers (a list item and a value); read the last group
            continue
        number = parse_number(match, decimal_comma)
        if number is not None:
            yield number


_UNAMBIGUOUS_COMMA = re.compile(rf"(?<![\w.,])(?:\d+,(?:\d{{1,2}}|\d{{4,}})|0,\d+|\d{{1,3}}(?:[{_SPACES}]\d{{3}})+"
                                rf"(?:,\d+)?)(?![\d.,]?\d)")
_UNAMBIGUOUS_POINT = re.compile(r"(?<![\w.,])\d+\.\d+(?![\d.,]?\d)")


def detect_decimal_comma(text: str, language: str = "en") -> bool:
    """Whether a text writes decimals with a comma: by the unambiguous numbers before a unit it
    contains ("2,5 m", "0,200 nm", "1 000 kg" against "2.5 m"), else by language (French and German
    write commas). Numbers without a unit ("2309.10", a tariff heading) are no evidence."""
    commas = sum(1 for m in _UNAMBIGUOUS_COMMA.finditer(text) if match_unit(text, m.end()))
    points = sum(1 for m in _UNAMBIGUOUS_POINT.finditer(text) if match_unit(text, m.end()))
    if commas != points:
        return commas > points
    return language.split("-")[0].lower() in {"fr", "de", "it", "es", "nl", "no", "nb", "sv", "da", "pt", "pl"}


# Counts written as words ("five or fewer metal layers", "Two or more contouring rotary axes",
# "soixante-cinq"): read only as whole words, never "one"/"un"/"une" ("one or more of the
# chemicals" is no threshold, and the French words are also articles). A count followed by "of"
# ("two or more of the following") counts list items, not a parameter.
_EN_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_FR_UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
             "douze", "treize", "quatorze", "quinze", "seize")
_FR_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_WORDS: dict[str, dict[str, int]] = {
    "en": {w: v for v, w in enumerate(_EN_UNITS) if v > 1} | _EN_TENS
    | {f"{t}-{u}": tv + uv for t, tv in _EN_TENS.items() for uv, u in enumerate(_EN_UNITS[1:10], start=1)},
    "fr": {w: v for v, w in enumerate(_FR_UNITS) if v > 1} | _FR_TENS
    | {f"{t}-{u}": tv + uv for t, tv in _FR_TENS.items() for uv, u in enumerate(_FR_UNITS[1:10], start=1)}
    | {f"{t}-et-un": tv + 1 for t, tv in _FR_TENS.items()}
    | {"dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "soixante-dix": 70, "quatre-vingts": 80,
       "quatre-vingt-dix": 90},
}
_WORD_RES = {lang: re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                              + r")(?![\w-])", re.IGNORECASE) for lang, words in _WORDS.items()}
_DIMENSIONAL = re.compile(r"[ \u00a0]+dimensional\b", re.IGNORECASE)  # "three dimensional arrangement"
_COUNT_OF = re.compile(r"[ \u00a0]+(?:(?:or|ou)[ \u00a0]+\w+[ \u00a0]+)?(?:of|des|d['’]|de)\b", re.IGNORECASE)


def word_numbers(text: str, language: str = "en") -> Iterator[Number]:
    """Counts written as words, for the languages that have a table (English, French)."""
    pattern = _WORD_RES.get(language.split("-")[0].lower())
    if pattern is None:
        return
    words = _WORDS[language.split("-")[0].lower()]
    for match in pattern.finditer(text):
        if _COUNT_OF.match(text, match.end()) or _DIMENSIONAL.match(text, match.end()):
            continue
        yield Number(float(words[match.group(1).lower()]), match.start(), match.end())
