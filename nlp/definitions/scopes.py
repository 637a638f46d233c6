"""Category references ("scopes") printed with definitions, and how to compare them.

Each list prints them its own way: Wassenaar in a left column (`Cat 1, 6,` / `7, 9` /
`ML8, 10, 14`), the EU and Australia in parentheses after the term (`(1 6 7 9 ML8 ML10 ML14)`,
`(GTN NTN All)`), the US in parentheses too but in words (`(Cat 2, 3, 6, 7 and 8)`,
`(MTCR context)`, `(734, 744)`). `scope_tokens` reduces all of them to one vocabulary
(`1`, `5P2`, `ML8`, `GTN`, `ALL`, …) so that two lists' scopes can be compared.
"""

from __future__ import annotations

import re

_NOTE_NAMES = r"GTN|GSN|GISN|GSIN|NTN|NSN"
# A parenthesis the EU and Australia print after a term: categories, ML numbers, general notes.
_EU_SCOPE = re.compile(
    rf"^(?:(?:\d(?:P\d)?|ML\s?\d{{1,3}}|{_NOTE_NAMES}|All)[\s,;]*)+$")
# The US words its references: `Cat 2, 3, 6, 7 and 8`, `Cat. 0`, `Cat: all`, `All categories and
# General Technology Note`, `MTCR context`, `MTCR Context only`, `734, 744`, `§ 740.22, Cat 4`, `5P2`.
_US_SCOPE = re.compile(
    r"^(?:Cat\b|Cat\.|Cat:|All\b|MTCR\s+[Cc]ontext\b|General (?:Technology|Software) Note|"
    rf"(?:{_NOTE_NAMES})\b|§|\d{{3}}(?:,\s*\d{{3}})*$|\dP\d$)")
# The Wassenaar left column: `Cat 2, 3,`, `6, 7, 8`, `ML8, 10, 14`, `GTN &`, `Both Lists`, `5P1`.
_WA_TOKEN = re.compile(
    rf"Cat\b\.?|ML\s?\d{{1,3}}\b|ML\b|\d{{1,2}}(?:P\d)?\b|(?:{_NOTE_NAMES})\b|Both Lists|Dual-Use List|"
    r"Munitions List|&|,")

_TOKEN = re.compile(
    rf"ML\s?\d{{1,3}}|\b\d{{3}}(?:\.\d+)?\b|\d\s?P(?:art)?\s?(?:\d|II|I)\b|\d{{1,2}}\b|Part\s?(?:\d|II|I)\b|"
    rf"{_NOTE_NAMES}|"
    r"General Technology Note|General Software Note|Both Lists|Dual-Use List|Munitions List|"
    r"MTCR|\bAll\b|\ball\b|\bML\b|\bCat\b", re.IGNORECASE)
_ROMAN = {"I": "1", "II": "2"}


def is_eu_scope(inner: str) -> bool:
    """True for the content of an EU/Australian category parenthesis: `2 3 6 7 8`, `GTN NTN All`."""
    return bool(_EU_SCOPE.match(inner.replace("\u00a0", " ").strip()))


def is_us_scope(inner: str) -> bool:
    """True for the content of a § 772.1 reference parenthesis: `Cat 5P2`, `MTCR context`, …"""
    return bool(_US_SCOPE.match(inner.replace("\u00a0", " ").strip()))


def split_wa_reference(text: str) -> tuple[str, str]:
    """Split a Wassenaar definitions line into its left-column reference and the rest.

    `Cat 2, 3,     "Accuracy"` -> (`Cat 2, 3,`, `"Accuracy"`); `ML1, 8, 10, 14 airborne vehicle.`
    -> (`ML1, 8, 10, 14`, `airborne vehicle.`); a line that does not open with a reference gives
    ("", text). Every reference token must be followed by a space, a comma or the line end, so
    that `1.` (a numbered note) is not read as category 1.
    """
    end = 0
    while True:
        start = end + len(text[end:]) - len(text[end:].lstrip())
        token = _WA_TOKEN.match(text, start)
        if token is None or token.end() == start:
            break
        after = token.end()
        if token.group() not in (",", "&") and after < len(text) and not (
                text[after].isspace() or text[after] == ","):
            break
        end = after
    ref = text[:end].strip()
    if not re.search(r"\d|[A-Z]{2}|Lists?", ref):
        return "", text.strip()
    return ref, text[end:].strip()


_LOCATION = re.compile(r"^(?:items?|articles?|groups?|groupes?|(?:sub)?sections?|paragraphes?|parts?|schedules?)\b",
                       re.IGNORECASE)


def is_location(scope: str) -> bool:
    """True for a scope that names a provision (`item 5504(1)`, `Group 2 (a)`, `Article 2(3)`,
    `sections 6.3 and 6.4`, `articles 6.3 et 6.4`), not categories: such scopes are not compared as category lists."""
    return bool(_LOCATION.match(scope.strip()))


def scope_tokens(scope: str) -> list[str]:
    """The categories and notes a scope names, in one vocabulary, in order, without repeats.

    Bare numbers after an `ML` token are munitions numbers (`ML8, 10, 14` -> ML8 ML10 ML14);
    `5 Part 2`, `5P2` and `5 Part II` are all `5P2`; `All`, `all`, `All categories` are `ALL`.
    """
    out: list[str] = []
    if is_location(scope):
        return out
    munitions = False
    for m in _TOKEN.finditer(scope.replace("\u00a0", " ")):
        tok = m.group()
        upper = tok.upper()
        if upper.startswith("ML"):
            munitions = True
            number = re.sub(r"\D", "", tok)
            if not number:
                continue
            value = f"ML{number}"
        elif upper == "CAT":
            munitions = False
            continue
        elif re.fullmatch(r"\d{1,2}", tok):
            value = f"ML{tok}" if munitions else tok
        elif upper.startswith("PART"):
            # `Cat 5, Part II`: the part belongs to the category before it
            part = _ROMAN.get(upper[4:].strip(), upper[4:].strip())
            if out and re.fullmatch(r"\d", out[-1]):
                out[-1] = f"{out[-1]}P{part}"
            continue
        elif m2 := re.fullmatch(r"(\d)\s?P(?:ART)?\s?(\d|II|I)", upper):
            value = f"{m2.group(1)}P{_ROMAN.get(m2.group(2), m2.group(2))}"
        elif upper in ("GENERAL TECHNOLOGY NOTE",):
            value = "GTN"
        elif upper in ("GENERAL SOFTWARE NOTE",):
            value = "GSN"
        elif upper == "GSIN":
            value = "GISN"
        elif upper in ("ALL", "BOTH LISTS"):
            value = "ALL"
        else:
            value = upper
        if value not in out:
            out.append(value)
    return out
