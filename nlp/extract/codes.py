"""Control codes mentioned in entry text, in every numbering scheme of the corpus.

EU/US/AU/Norway/Swiss and India's SCOMET: `3A001.b.1.a` (the EU's trailing dot is dropped), US
families `9x515` and `EAR99`; Wassenaar: `3.A.1.b.1.a`; munitions: `ML8.a.17` (Australia's ML901),
Swiss war material `KM 7` (normalised `KM7`); Canada: Guide items `1-3.A.1`, items `5504(2)(d)`,
`9-1`, `3-01`, `5101`. A bare four-digit number or `9-1` is a Canadian item only where the text
says so ("item 5504", "articles 9-1 à 9-6"): on its own it is a year, a quantity or a range.
US lists abbreviate sub-items after a full code ("0A501.c, .d, and .x", "3A001.b.2 or b.3"); those
are expanded against the code before them. The UK and Swiss lists drop the dots ("1A002b1" is
`1A002.b.1`). A product group ("3B", "9.B") counts only inside a list of codes or after "specified
in": alone, "3D" is a dimension.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_SUB = r"(?:\.(?:[a-z]{1,2}|\d{1,3})(?![\w]))*"  # ".b.1.a", ".y.33": never the EU's trailing dot
_CCL = rf"\d[A-E]\d{{3}}(?!\d){_SUB}"
# The UK spreadsheet and the Swiss list write sub-items without dots: "9A001b", "1A002b1", "ML10e1".
_UNDOTTED = r"(?:\d[A-E]\d{3}|ML\d{1,2})[a-z](?:\d{1,2}(?:[a-z](?:\d{1,2})?)*)?(?!\w)(?!\.\w)"
_WASSENAAR = rf"\d\.[A-E]\.\d{{1,3}}(?!\d){_SUB}"
_GUIDE = rf"\d-\d{{1,2}}\.[A-E](?:\.\d{{1,3}}{_SUB})?"  # Canada's Guide: "1-7.A.5", "1-7.E"
_MUNITIONS = rf"ML ?\d{{1,3}}(?!\d){_SUB}"
_SWISS = rf"KM ?\d{{1,2}}(?!\d){_SUB}"
_FAMILY = r"\d[xX]5\d\d(?!\d)|EAR99"
_CANADA_PAREN = r"5\d{3}(?:\((?:\d{1,2}|[a-z]{1,4}|[A-Z]{1,3})\))+"  # "5504(2)(d)": the parentheses say it
_CANADA_ITEM = r"\d{4}(?:\((?:\d{1,2}|[a-z]{1,4}|[A-Z]{1,3})\))*|\d-\d{1,2}(?:\.[a-z](?:\.\d{1,2})?)?(?!\d)"

CODE = re.compile(
    rf"(?<![\w.\-/§])(?:(?P<guide>{_GUIDE})|(?P<wa>{_WASSENAAR})|(?P<undotted>{_UNDOTTED})|(?P<ccl>{_CCL})"
    rf"|(?P<ml>{_MUNITIONS})"
    rf"|(?P<km>{_SWISS})|(?P<family>{_FAMILY})|(?P<ca>{_CANADA_PAREN}))"
)
_CANADA_LIST_ITEM = re.compile(rf"(?<![\w.\-])(?:{_CANADA_ITEM})(?![\w])")
_LIST_GAP = re.compile(r"\.?[ \u00a0]*(?:,|;)?[ \u00a0]*"
                       r"(?:(?:and|or|and/or|to|through|et|ou|à|und|oder|bis)[ \u00a0]+)?")
# After a CCL code: ".d", "b.3", "z.1.a" (a lone "a" is an article, never a sub-item).
_ELLIPTIC = re.compile(r"(?:\.[a-z]{1,2}(?:\.\d{1,3}(?:\.[a-z]{1,2}|\.\d{1,3})*)?|[a-z]\.\d{1,3}(?:\.[a-z]{1,2}|"
                       r"\.\d{1,3})*)(?![\w])")
# A product group: "3B", "9.B" (Wassenaar); only inside a list of codes or after a phrase that
# points at controls ("specified in 7A or 7B"): alone, "3D" and "2D" are dimensions.
# It must end the list or the clause ("or 3B.", "4D (except 4D090)"): "3D models" is no group.
_GROUP_END = r"(?=\.?(?:[ \u00a0]*[,;:()]|[ \u00a0]*$|[ \u00a0]+(?:and|or|to|through|et|ou|und|oder)\b|\.[ \u00a0]))"
_GROUP = re.compile(rf"(?:\d\.[A-E]|\d[A-E])(?![\w])(?!\.\d){_GROUP_END}\.?")
_GROUP_TRIGGER = re.compile(r"\b(?:specified|controlled|described|listed|enumerated) (?:in|by|under) "
                            rf"(?:Category )?(?P<group>(?:\d\.[A-E]|\d[A-E]))(?![\w])(?!\.\d){_GROUP_END}")
# "Article 3.A.5 of Annex 3-A" (CUSMA) is a treaty article, not a Wassenaar item.
_NOT_A_CODE_BEFORE = re.compile(r"(?:\b[Aa]rticle|\bl['’]article|\bsubparagraph|\bs-paragraphe)[ \u00a0]+$")


_UNDOTTED_FULL = re.compile(_UNDOTTED)


@dataclass(frozen=True)
class CodeMention:
    code: str  # normalised: "3A001.b.1", "3.A.1.b.1", "ML8.a", "KM7", "5504(2)(d)", "1-7.A.5"
    start: int
    end: int
    scheme: str  # "ccl", "wa", "ml", "km", "guide", "family", "ca", "group"
    elliptic: bool = False  # expanded from ".d" after a full code


def normalise(code: str) -> str:
    """ "3A001.b.1." -> "3A001.b.1", "ML 8.a" -> "ML8.a", "KM 7" -> "KM7", "9X515" -> "9x515"."""
    code = code.strip().rstrip(".")
    if code[:3] in ("ML ", "KM "):
        code = code[:2] + code[3:]
    if len(code) == 5 and code[1] == "X":
        code = code[0] + "x" + code[2:]
    if _UNDOTTED_FULL.fullmatch(code):
        root = 5 if code[1] in "ABCDE" else len(re.match(r"ML\d+", code).group())  # type: ignore[union-attr]
        code = code[:root] + "".join(f".{part}" for part in re.findall(r"[a-z]+|\d+", code[root:]))
    if re.match(r"\d\.[A-E]\.\d{3}(?!\d)", code):
        code = code[0] + code[2] + code[4:]  # "5.D.002": an EU code spaced out (Australia), not Wassenaar
    return code


def find_codes(text: str) -> list[CodeMention]:
    """Every control code in `text`, in order of appearance."""
    found: list[CodeMention] = []
    for match in CODE.finditer(text):
        scheme = match.lastgroup or "ccl"
        if scheme == "wa" and _NOT_A_CODE_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue
        code = normalise(match.group())
        if (scheme == "wa" and code[1] != ".") or scheme == "undotted":
            scheme = "ml" if code.startswith("ML") else "ccl"
        found.append(CodeMention(code, match.start(), match.end(), scheme))
        if scheme == "ccl":
            found += _elliptic(text, match.group().rstrip("."), match.end())
        if scheme in ("ccl", "wa"):
            found += _groups(text, (found[-1].end if found[-1].elliptic else match.end()))
    for trigger in _GROUP_TRIGGER.finditer(text):
        found.append(CodeMention(normalise(trigger.group("group")), trigger.start("group"), trigger.end("group"),
                                 "group"))
        found += _groups(text, trigger.end("group"))
    found += _canadian_items(text, {(m.start, m.end) for m in found})
    found.sort(key=lambda m: m.start)
    return _without_overlaps(found)


def _elliptic(text: str, full: str, end: int) -> list[CodeMention]:
    """ "0A501.c, .d, and .x" -> 0A501.d, 0A501.x; "3A001.b.2 or b.3" -> 3A001.b.3."""
    root = full[:5]
    return _continued(text, end, _ELLIPTIC, lambda item: CodeMention(
        f"{root}.{item.group().lstrip('.')}", item.start(), item.end(), "ccl", elliptic=True))


def _groups(text: str, end: int) -> list[CodeMention]:
    """ "specified in 9.A.4. to 9.A.11. or 9.B.", "3A001.b. to 3A002.h. or 3B": a category's product
    group as the next item of a list of codes."""
    return _continued(text, end, _GROUP, lambda item: CodeMention(
        normalise(item.group()), item.start(), item.end(), "group"))


def _continued(text: str, end: int, pattern: re.Pattern[str],
               mention: Callable[[re.Match[str]], CodeMention]) -> list[CodeMention]:
    """The items that continue a list of codes after `end` (", ", " or ", " to " ...), as long as
    each is read by `pattern`."""
    out: list[CodeMention] = []
    pos = end
    while True:
        gap = _LIST_GAP.match(text, pos)
        if gap is None or gap.end() == pos:
            return out
        item = pattern.match(text, gap.end())
        if item is None:
            return out
        out.append(mention(item))
        pos = item.end()


def _canadian_items(text: str, taken: set[tuple[int, int]]) -> list[CodeMention]:
    """ "item 5504", "items 5101 to 5104", "articles 9-1 à 9-6": numbers a context makes items."""
    out: list[CodeMention] = []
    for context in _ITEM_CONTEXT.finditer(text):
        pos = context.end()
        while True:
            item = _CANADA_LIST_ITEM.match(text, pos)
            if item is None:
                break
            if not any(a < item.end() and item.start() < b for a, b in taken):
                out.append(CodeMention(normalise(item.group()), item.start(), item.end(), "ca"))
            gap = _LIST_GAP.match(text, item.end())
            if gap is None or gap.end() == item.end():
                break
            pos = gap.end()
    return out


# Words after which a number is a Canadian item: "item 5504", "items 5101 to 5104", "l'article 5504".
_ITEM_CONTEXT = re.compile(
    r"(?:\b(?:[Ii]tems?|[Ss]ub-?items?|[Aa]rticles?)|\bl['’]article|\bles articles|\baux articles)[ \u00a0]+"
    r"(?=\d)"
)


def _without_overlaps(found: list[CodeMention]) -> list[CodeMention]:
    out: list[CodeMention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out
