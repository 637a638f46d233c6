"""Technical parameters: comparator, value and unit, normalised to SI.

"exceeding 31,8 GHz" -> (>, 31.8, GHz, 3.18e10 Hz); "from 1 to 10 GHz" -> range;
"greater than or equal to 30 minutes but less than 1 hour" -> (>=, 30 min) and (<, 1 h): each
bound keeps its own comparator, so an inclusive and an exclusive bound never look alike.
A quantity restated in parentheses ("922 K (649 °C)", "300 kilometers (km)") is one parameter.
A number without a unit is a parameter only where a comparator governs it ("a ratio exceeding 150",
"100:1 or less"; quantity "number" or "ratio", unit ""): elsewhere such numbers are labels, list
numbers, years. "Better than" is resolved by the quantity (more purity, less error) or dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import cast

from nlp.extract.comparators import RANGE_BARE, RANGE_OPENERS, Comparators, Relation
from nlp.extract.model import Comparator, Parameter
from nlp.extract.numbers import Number, detect_decimal_comma, numbers, to_float, word_numbers
from nlp.extract.units import ACCELERATION_G, Unit, UnitMatch, match_unit, parse_unit


@dataclass(frozen=True)
class _Quantity:
    number: Number
    unit: Unit
    unit_text: str
    start: int  # where the quantity starts ("Mach 0,9" starts at "Mach")
    end: int  # after the unit and any parenthetical restatement


# A number right after one of these words is a label, not a measurement ("Category 5 A", "Note 2 C").
_LABELS = {"category", "categories", "group", "groups", "groupe", "part", "partie", "note", "notes", "annex",
           "annexe", "anhang", "item", "items", "article", "articles", "paragraph", "paragraphs", "subparagraph",
           "section", "sections", "chapter", "chapitre", "table", "tableau", "class", "level", "schedule",
           "appendix", "supplement", "no", "no.", "nos.", "number", "column", "figure", "step", "type", "grade",
           "version", "edition", "phase", "iso", "iec", "ieee", "astm", "sae", "din", "stanag", "ml", "km", "tier",
           "revision", "rev.", "issue", "vol.", "volume", "ziffer", "nummer", "kategorie", "teil", "§",
           "catégorie", "alinéa", "sous-alinéa", "point", "points", "cat"}
_WORD_BEFORE = re.compile(r"([\w§.]+)[ \u00a0]*$")
_MACH = re.compile(r"Mach[ \u00a0]?$")
_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "milliard": 1e9, "milliards": 1e9,
           "millionen": 1e6, "milliarden": 1e9}
_SCALE = re.compile(r"[ \u00a0](thousand|millions?|billion|milliards?|Millionen|Milliarden)\b", re.IGNORECASE)
# A bare number: a parameter only where a comparator governs it (quantity "number", unit "").
NUMBER = Unit("number", None, 1.0)
RATIO = Unit("ratio", None, 1.0)
# "100:1", "1:5,000", "1/5 000" (French writes the ratio as a fraction): groups of three are thousands.
_RATIO = re.compile(r"(?::|/(?=\d))(\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?!\d|[,.]\d)|\d+(?:\.\d+)?(?!\d|[:.,/]\d))")
_RESTATED = re.compile(r"^(?:i\.e\.,?|ie,?|=|≈|~|approx\.?|approximately|about|equivalent to)[ \u00a0]*", re.IGNORECASE)
_PAREN = re.compile(r"[ \u00a0]?\(([^()]{1,40})\)")
# Qualifiers between a unit and a postfix comparator: "10 g rms or more", "5 kW (peak) or greater".
_QUALIFIER = re.compile(r"[ \u00a0](?:rms|RMS|peak|\(peak\)|\(rms\)|\(RMS\)|CW|\(CW\)|average|\(average\)|"
                        r"\(1 sigma\)|\(1 sigma or rms\)|TIR|by weight|by volume|by mass|by atomic (?:weight|"
                        r"percent)|en poids|en masse|en volume|in weight|weight|displacement)(?=\W|$)")
_NAMED = re.compile(r"(?:[ \u00a0][\"“”'‘’(]*[A-Za-zÀ-ÿ][\w\-/]*[\"“”'‘’)]*){1,6}"
                    r"(?=[ \u00a0]?,?[ \u00a0](?:or|and|ou|et|oder|und)[ \u00a0])")
_CONJUNCTION = re.compile(r"[ \u00a0](?:and|or|but|nor|with|while|when|whereas|than|et|ou|und|oder|mais)\b",
                          re.IGNORECASE)
# "3 dB bandwidth" names a measurement point, not a threshold.
_NAMING = re.compile(r"[ \u00a0-]?(?:bandwidth|beamwidth|beam width|down point|points?\b)")
_G_ACCELERATION = re.compile(r"accelerat|vibration|shock|centrifugal|g-force|\bg[- ]level|beschleunig",
                             re.IGNORECASE)
_NEUTRON = re.compile(r"neutron", re.IGNORECASE)  # English, French "neutronique", German "Neutronen"
_G_AFTER = re.compile(r"[ \u00a0](?:rms|RMS|peak|environment|environnement|acceleration|shock)\b")
_LOWER_IS_BETTER = re.compile(r"accura|uncertaint|error|resolution|noise|deviation|drift|jitter|repeatab|"
                              r"stabilit|bias|roughness|flatness|straightness|linearity|tolerance|"
                              r"précision|incertitude|erreur|genauigkeit|unsicherheit", re.IGNORECASE)


@lru_cache(maxsize=8)
def comparators_for(language: str) -> Comparators:
    return Comparators(language)


def find_parameters(text: str, language: str = "en", decimal_comma: bool | None = None) -> list[Parameter]:
    """Every technical parameter in `text`, in order of appearance."""
    if decimal_comma is None:
        decimal_comma = detect_decimal_comma(text, language)
    comps = comparators_for(language)
    nums = sorted([*numbers(text, decimal_comma), *word_numbers(text, language)], key=lambda n: n.start)
    quantities = _quantities(text, nums, comps)
    params: list[Parameter] = []
    used: set[int] = set()  # starts of quantities already part of a parameter
    for q in quantities:
        if q.start in used:
            continue
        ranged = _range(text, q, nums, quantities)
        if ranged is not None:
            param, lower = ranged
            used.add(q.start)
            if lower is not None:
                used.add(lower.start)
            params = [p for p in params if not (param.start <= p.start < param.end)]
            params.append(param)
            continue
        param_ = _single(text, q, comps)
        if param_ is not None:
            params.append(param_)
        used.add(q.start)
    return _coordinated(text, sorted(params, key=lambda p: p.start))


# "more than 25 % nickel and 20 % chromium", "Exceeding 80 mm in diameter [...] and 20 mm in
# thickness": a bare value joined by "and"/"or" to a bounded one of the same quantity shares its bound.
_COORDINATION = re.compile(r"[^\d;:.]{0,60}?[ \u00a0](?:and|or|et|ou|und|oder)[ \u00a0]+")


def _coordinated(text: str, params: list[Parameter]) -> list[Parameter]:
    for i in range(1, len(params)):
        before, p = params[i - 1], params[i]
        if (p.comparator == "=" and before.comparator in ("<", "<=", ">", ">=") and before.quantity == p.quantity
                and not before.text[:1].isdigit() and _COORDINATION.fullmatch(text, before.end, p.start)):
            params[i] = replace(p, comparator=before.comparator)
    return params


def _quantities(text: str, nums: list[Number], comps: Comparators) -> list[_Quantity]:
    found: list[_Quantity] = []
    covered_until = -1
    for i, n in enumerate(nums):
        if n.start < covered_until:
            continue  # inside a parenthetical restatement already taken
        power = _flattened_power(text, nums, i, comps)
        if power is not None:
            n = power
            if found and found[-1].number.start == n.start:
                found.pop()  # the "10" of "10-14 J" was read as a number of its own
        q = _quantity(text, n)
        if q is None:
            continue
        found.append(q)
        covered_until = q.end
    return found


def _flattened_power(text: str, nums: list[Number], i: int, comps: Comparators) -> Number | None:
    """ "less than 10-14 J", "an output voltage of 10–8 V": a power of ten whose superscript was
    flattened, not a range. Read so only where a range cannot be meant: it would run downwards
    ("10-8"), or it follows a comparator ("less than 10-14"). "10-12 GHz" alone stays a range."""
    if i == 0 or nums[i - 1].end != nums[i].start - 1 or text[nums[i - 1].start:nums[i - 1].end] != "10":
        return None
    ten, exp = nums[i - 1], nums[i]
    if text[ten.end] not in "-–−" or not text[exp.start:exp.end].isdigit() or len(text[exp.start:exp.end]) > 2:
        return None
    if exp.value >= 10 and comps.prefix(text, ten.start) is None:
        return None
    return Number(10.0 ** -exp.value, ten.start, exp.end)


def _quantity(text: str, n: Number) -> _Quantity | None:
    before = text[max(0, n.start - 24):n.start]
    mach = _MACH.search(before)
    if mach is not None:
        unit = parse_unit("Mach")
        assert unit is not None
        return _Quantity(n, unit, "Mach", n.start - len(before) + mach.start(), n.end)
    word = _WORD_BEFORE.search(before)
    if word is not None and word.group(1).lower() in _LABELS:
        return None
    scale = _SCALE.match(text, n.end)
    if scale is not None:
        n = replace(n, value=float(f"{n.value * _SCALES[scale.group(1).lower()]:.12g}"), end=scale.end())
    ratio = _RATIO.match(text, n.end)
    denominator = float(re.sub(r"[, \u00a0\u202f]", "", ratio.group(1))) if ratio else 0.0
    if ratio is not None and denominator > 0:
        # "an etch selectivity greater than or equal to 100:1", "exceeds 1:5,000": the quotient
        value = float(f"{n.value / denominator:.12g}")
        return _Quantity(replace(n, value=value, end=ratio.end()), RATIO, "", n.start, ratio.end())
    found = match_unit(text, n.end)
    if found is None:
        # Kept only if a comparator turns out to govern it ("a ratio exceeding 150", "16 or more processors");
        # never when glued to letters ("fmax > 2fmin") or to a ratio ("10:1")
        if text[n.end:n.end + 1].isalnum() or text[n.end:n.end + 1] in ":/":
            return None
        return _Quantity(n, NUMBER, "", n.start, n.end)
    if len(found.printed) == 1 and found.printed in "ABCDE" and found.end == n.end + 1:
        return None  # "7A", "9B": a category and product group ("specified in 7A or 7B"), not amperes
    if found.unit.quantity == "level" and _NAMING.match(text, found.end):
        return None
    unit = _neutron_reading(text, n, found, _g_reading(text, n, found))
    if found.printed == "%" and n.value > 100 and "," in text[n.start:n.end]:
        # "99,999 %" in a text with no other decimal: no percentage exceeds 100, so the comma is decimal
        decimal = to_float(text[n.start:n.end].lstrip("±+−-– "), decimal_comma=True)
        if decimal is not None:
            n = replace(n, value=decimal)
    end = _restatement_end(text, found.end, unit)
    return _Quantity(n, unit, found.printed, n.start, end)


def _neutron_reading(text: str, n: Number, found: UnitMatch, unit: Unit) -> Unit:
    """ "a neutron fluence of 1 x 10^14 N/cm^2" (Canada's capital N): neutrons per area, not a
    pressure, when neutrons were just named."""
    if not found.printed.startswith("N/") or unit.quantity != "pressure":
        return unit
    if not _NEUTRON.search(text[max(0, n.start - 80):n.start]):
        return unit
    return parse_unit("n" + found.printed[1:]) or unit


def _g_reading(text: str, n: Number, found: UnitMatch) -> Unit:
    """ "10 g rms", "an acceleration of 15 g" are accelerations; "250 g" elsewhere a mass."""
    if found.printed != "g":
        return found.unit
    context = text[max(0, n.start - 80):n.start]
    if _G_ACCELERATION.search(context) or _G_AFTER.match(text, found.end):
        return ACCELERATION_G
    return found.unit


def _restatement_end(text: str, end: int, unit: Unit) -> int:
    """The end of "(649 °C)" after "922 K", or of "(km)" after "300 kilometers"."""
    paren = _PAREN.match(text, end)
    if paren is None:
        return end
    inner = _RESTATED.sub("", paren.group(1).strip())
    alone = parse_unit(inner)
    if alone is not None and alone.si_unit == unit.si_unit:
        return paren.end()
    if unit.quantity == "power" and re.fullmatch(r"[−\-–]?[\d.,]+ ?dB(?:m|W)", inner):
        return paren.end()  # "90 W (49.54 dBm)": the same power as a level
    nums = list(numbers(inner, decimal_comma=detect_decimal_comma(inner)))
    if not nums or inner[:nums[0].start].strip() not in ("", "–", "-", "−", "+"):
        return end  # "(– 263,31 °C)": a sign set apart is still the same restatement
    found = match_unit(inner, nums[0].end)
    if found is None or found.unit.si_unit != unit.si_unit or found.unit.si_unit is None:
        return end
    return paren.end()


def _single(text: str, q: _Quantity, comps: Comparators) -> Parameter | None:
    start, end = q.start, q.end
    relation: Relation = "="
    pre = comps.prefix(text, q.start)
    if pre is not None:
        relation, start = pre
    qual = _QUALIFIER.match(text, q.end)
    post = comps.postfix(text, qual.end() if qual else q.end)
    if post is None and pre is None:
        # "1 ppm UF6 content or less", "15 % of pitch diameter or larger": a few words naming what is measured
        words = _NAMED.match(text, q.end)
        if words is not None and not _CONJUNCTION.search(words.group()):
            post = comps.postfix(text, words.end())
    if post is not None and pre is None:
        relation, end = post
    if (q.unit is NUMBER or q.unit is RATIO) and relation == "=":
        return None
    comparator = _resolve(relation, text, q)
    if comparator is None:
        return None
    if comparator == "=" and q.number.plus_minus:
        comparator = "<="  # "± 0,5 %": a tolerance band
    return _parameter(text, q, comparator, start, end)


def _resolve(relation: Relation, text: str, q: _Quantity) -> Comparator | None:
    """ "better than" means more for a purity, less for an error; None where it cannot be told."""
    if relation not in ("better", "better-or-equal"):
        return cast(Comparator, relation)
    strict = relation == "better"
    window = text[max(0, q.start - 90):q.end + 12].lower()
    if re.search(r"better \((?:less|lower|smaller)\)|or better \((?:less|lower|smaller)\)", window):
        return "<" if strict else "<="
    if re.search(r"better \((?:more|greater|higher)\)", window):
        return ">" if strict else ">="
    if q.unit.quantity == "ratio" and q.number.value >= 50:
        return ">" if strict else ">="
    if _LOWER_IS_BETTER.search(window):
        return "<" if strict else "<="
    return None


def _parameter(text: str, q: _Quantity, comparator: Comparator, start: int, end: int,
               lower: _Quantity | Number | None = None) -> Parameter:
    value, si_value = q.number.value, _si(q.unit, q.number.value)
    upper = upper_si = None
    if isinstance(lower, Number):
        upper, upper_si = value, si_value
        value, si_value = lower.value, _si(q.unit, lower.value)
    elif lower is not None:
        upper, upper_si = value, si_value
        si_value = _si(lower.unit, lower.number.value)
        # "500 MHz to 2 GHz": the lower bound is given in the upper bound's unit, as `unit` says
        value = lower.number.value if si_value is None else float(f"{(si_value - q.unit.offset) / q.unit.factor:.12g}")
    return Parameter(
        quantity=q.unit.quantity, comparator=comparator, value=value, unit=q.unit_text, si_value=si_value,
        si_unit=q.unit.si_unit, text=text[start:end], start=start, end=end, upper=upper, upper_si=upper_si,
    )


def _si(unit: Unit, value: float) -> float | None:
    """SI value rounded to 12 significant digits: 1 693 K and 1 420 °C compare equal, not 1e-13 apart."""
    si = unit.to_si(value)
    return None if si is None else float(f"{si:.12g}")


_BETWEEN_WS = r"[ \u00a0]*"


def _range(text: str, q: _Quantity, nums: list[Number],
           quantities: list[_Quantity]) -> tuple[Parameter, _Quantity | None] | None:
    """ "from 1 to 10 GHz", "between 2 GHz and 4 GHz", "1-10 GHz", "de 5 à 10 km": `q` is the
    upper bound; the lower bound is the number before it, with or without its own unit."""
    inside = [(x.number.end, x.end) for x in quantities]
    lower_num = next((n for n in reversed(nums) if n.end <= q.number.start
                      and not any(a <= n.start < b for a, b in inside)), None)
    if lower_num is None:
        return None
    if q.unit is NUMBER or q.unit is RATIO:
        return None  # "items 1 to 5": without a unit a range is more often a span of labels
    lower_q = next((x for x in quantities if x.number == lower_num and x.unit not in (NUMBER, RATIO)), None)
    lower_end = lower_q.end if lower_q is not None else lower_num.end
    if lower_q is not None and lower_q.unit.si_unit != q.unit.si_unit:
        return None
    if lower_q is not None and lower_q.unit.quantity != q.unit.quantity:
        return None
    gap = text[lower_end:q.number.start]
    opener = _opener(text, lower_num.start)
    connectors = RANGE_OPENERS[opener.lower()] if opener else RANGE_BARE
    if not re.fullmatch(rf"{_BETWEEN_WS}(?:{connectors}){_BETWEEN_WS}", gap, re.IGNORECASE):
        return None
    if not opener and gap.strip() in "-–—" and not _tight_dash(gap):
        return None
    low_si = lower_q.unit.to_si(lower_num.value) if lower_q is not None else q.unit.to_si(lower_num.value)
    high_si = q.unit.to_si(q.number.value)
    if (low_si, high_si) == (None, None):
        low_si, high_si = lower_num.value, q.number.value
    if low_si is None or high_si is None or high_si < low_si:
        return None  # "5 to 3": not a range but two separate numbers
    start = lower_num.start - len(opener) - 1 if opener else lower_num.start
    lower: _Quantity | Number = lower_q if lower_q is not None else lower_num
    return _parameter(text, q, "range", start, q.end, lower=lower), lower_q


_OPENER = re.compile(r"\b(from|between|de|entre|von|zwischen)[ \u00a0]$", re.IGNORECASE)


def _opener(text: str, start: int) -> str | None:
    match = _OPENER.search(text, max(0, start - 12), start)
    return match.group(1) if match else None


def _tight_dash(gap: str) -> bool:
    """ "1-10 GHz" or "1 – 10 GHz" is a range; "item 1 - 10 GHz" with odd spacing is not."""
    return gap.strip() in "-–—" and (gap == gap.strip() or (gap.startswith(" ") and gap.endswith(" ")))
