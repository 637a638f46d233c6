"""Comparator phrases around a quantity, in English, French and German.

A prefix phrase ends right before the number ("not exceeding 2,5 m", "supérieure à 10 GHz",
"mehr als 5 kg"); a postfix phrase follows the unit ("3 hours or greater", "25 km ou plus").
"Better than" is kept apart: whether it means more or less depends on the quantity.
"""

from __future__ import annotations

import re
from typing import Literal

Relation = Literal["<", "<=", ">", ">=", "=", "better", "better-or-equal"]

_E = r"(?:e|s|es)?"  # French agreement: supérieur, supérieure, supérieurs, supérieures
_APOS = "['’]"

# "over" is a comparator ("rated for over 80 kW") except after a verb of measuring ("averaged over
# 10 degrees", "measured over a period of 30 seconds", "TIR over 300 mm of travel").
_OVER = "".join(f"(?<!{w} )" for w in ("measured", "averaged", "made", "TIR", "TIR,", "rotate", "each",
                                         "integrated", "calculated", "determined", "taken")) + "over"

# "less (better) than", "less (lower) than", "equal to or better (less) than": the parenthesis glosses
# the comparative and does not change it ("better (less)" is handled with "better").
_THAN = r"(?: \((?:better|lower|less|smaller|higher|greater|more|larger|worse)\))? than"

PREFIX: dict[str, dict[Relation, list[str]]] = {
    "en": {
        ">=": [rf"equal to or (?:greater|more|higher|larger|longer|wider){_THAN}", r"equal to or exceeding",
               r"equal to or above", rf"(?:greater|more|higher|larger){_THAN} or equal to", r"at least",
               r"at or above", r"at or over",
               r"not less than", r"no less than", r"not below", r"a minimum of", r"minimum of", "≥", ">=", "⩾"],
        ">": [r"exceeding", r"exceeds", r"exceed", r"in excess of", rf"(?:greater|more|higher|larger|longer|"
              rf"wider|faster|heavier|thicker){_THAN}", r"above", r"beyond", _OVER, ">"],
        "<=": [rf"equal to or (?:less|lower|smaller|fewer|shorter){_THAN}", r"equal to or below",
               rf"(?:less|lower|smaller){_THAN} or equal to", r"not exceeding", r"not to exceed", r"at or below",
               r"(?:does|do) not exceed", r"not in excess of", r"(?:not|no) (?:more|greater|higher) than",
               r"up to and including", r"up to", r"within", r"at most", r"a maximum of", r"maximum of",
               "≤", "<=", "⩽"],
        "<": [rf"(?:less|lower|smaller|fewer|shorter|narrower|thinner){_THAN}", r"below", "<"],
        "better-or-equal": [r"equal to or better(?: \((?:less|lower|smaller|more|greater|higher)\))? than",
                            r"better(?: \((?:less|lower|smaller|more|greater|higher)\))? than or equal to"],
        "better": [r"better(?: \((?:less|lower|smaller|more|greater|higher)\))? than"],
    },
    "fr": {
        ">=": [rf"égal{_E} ou supérieur{_E} (?:à|aux?)", rf"supérieur{_E} ou égal{_E} (?:à|aux?)",
               rf"d{_APOS}au moins", r"au moins", r"pas moins de", rf"non inférieur{_E} (?:à|aux?)", r"minimum de"],
        ">": [rf"supérieur{_E} (?:à|aux?)", r"dépassant", r"excédant", r"dépassent", r"dépasse", r"excèdent",
              r"excède", r"de plus de", r"plus de",
              r"au-dessus de", r"en excès de"],
        "<=": [rf"égal{_E} ou inférieur{_E} (?:à|aux?)", rf"inférieur{_E} ou égal{_E} (?:à|aux?)",
               r"ne dépassant pas", rf"n{_APOS}excédant pas", r"sans dépasser", r"sans excéder",
               r"ne dépasse pas", rf"n{_APOS}excède pas",
               rf"jusqu{_APOS}à", r"au plus", r"pas plus de", r"au maximum", r"maximum de"],
        "<": [rf"inférieur{_E} (?:à|aux?)", r"de moins de", r"moins de", r"au-dessous de", r"en dessous de"],
        "better": [r"meilleur{_E} (?:à|que)"],
    },
    "de": {
        ">=": [r"gr(?:ö|oe)sser oder gleich", r"größer oder gleich", r"gr(?:ö|oe)(?:ß|ss)er/gleich",
               r"gleich oder gr(?:ö|oe)(?:ß|ss)er als", r"mindestens", r"nicht weniger als", r"nicht kleiner als"],
        ">": [r"mehr als", r"über", r"gr(?:ö|oe)(?:ß|ss)er als", r"gr(?:ö|oe)(?:ß|ss)er", r"höher als",
              r"oberhalb von", r"oberhalb", r"überschreitend"],
        "<=": [r"kleiner oder gleich", r"kleiner/gleich", r"gleich oder kleiner als", r"höchstens", r"bis zu",
               r"nicht mehr als", r"nicht gr(?:ö|oe)(?:ß|ss)er als", r"maximal"],
        "<": [r"weniger als", r"kleiner als", r"kleiner", r"unter", r"niedriger als", r"geringer als", r"unterhalb von",
              r"unterhalb"],
        "better": [r"besser als"],
    },
}

POSTFIX: dict[str, dict[Relation, list[str]]] = {
    "en": {
        ">=": [r"or (?:more|greater|higher|larger|above|over|longer|wider|faster|heavier|thicker)",
               r"and (?:above|over|more|greater|higher|larger)"],
        "<=": [r"or (?:less|lower|smaller|below|fewer|under|shorter|narrower|thinner)",
               r"and (?:below|less|lower|under|fewer|smaller)"],
        "better-or-equal": [r"or better(?: \((?:less|lower|smaller)\))?"],
    },
    "fr": {
        ">=": [r"ou plus", r"ou davantage", r"et plus", rf"ou supérieur{_E}", r"au moins", r"ou au-dessus"],
        "<=": [r"ou moins", r"et moins", rf"ou inférieur{_E}", r"au plus", r"ou au-dessous"],
        "better-or-equal": [r"ou mieux"],
    },
    "de": {
        ">=": [r"oder mehr", r"oder gr(?:ö|oe)(?:ß|ss)er", r"oder höher", r"oder darüber", r"und mehr",
               r"und darüber"],
        "<=": [r"oder weniger", r"oder kleiner", r"oder niedriger", r"oder darunter", r"und weniger",
               r"und darunter"],
        "better-or-equal": [r"oder besser"],
    },
}

# Words that open a range before its lower bound, and the connector each one takes.
RANGE_OPENERS = {"from": r"to|through|up to(?: and including)?", "between": r"and", "de": r"à", "entre": r"et",
                 "von": r"bis", "zwischen": r"und"}
RANGE_BARE = r"to|through|[-–—]|à|bis"  # "1 to 10 GHz", "1-10 GHz" need no opener


def _languages(language: str) -> list[str]:
    lang = language.split("-")[0].lower()
    return ["en"] if lang not in PREFIX or lang == "en" else ["en", lang]


def _alternation(table: dict[str, dict[Relation, list[str]]], language: str) -> list[tuple[str, Relation]]:
    pairs = [(p, rel) for lang in _languages(language) for rel, phrases in table[lang].items() for p in phrases]
    return sorted(pairs, key=lambda pr: len(pr[0]), reverse=True)


def _named_group(i: int) -> str:
    return f"c{i}"


class Comparators:
    """Compiled prefix and postfix phrase matchers for one language."""

    def __init__(self, language: str) -> None:
        prefixes = _alternation(PREFIX, language)
        postfixes = _alternation(POSTFIX, language)
        self._pre_rel = [rel for _, rel in prefixes]
        self._post_rel = [rel for _, rel in postfixes]
        pre = "|".join(f"(?P<{_named_group(i)}>{p})" for i, (p, _) in enumerate(prefixes))
        post = "|".join(f"(?P<{_named_group(i)}>{p})" for i, (p, _) in enumerate(postfixes))
        # The prefix ends the text before the number; "than" phrases must not swallow a preceding word.
        # Between the phrase and the number: an article ("at least a 500 kg payload"), a gloss
        # ("inférieure à (meilleure que) 30 nm"), a tolerance sign ("better than ±130 Pa").
        tail = r"(?:(?:a|an)[ \u00a0])?(?:\([^()\d]{1,24}\)[ \u00a0]?)?(?:(?:±|plus or minus|plus ou moins)[ \u00a0]?)?"
        self._prefix = re.compile(rf"(?<![\w-])(?:{pre})[ \u00a0]?{tail}$", re.IGNORECASE)
        self._postfix = re.compile(rf"[ \u00a0]?,?[ \u00a0]?(?:{post})(?![\w-])(?![ \u00a0]+(?:than|que|als)\b)",
                                   re.IGNORECASE)

    def prefix(self, text: str, start: int) -> tuple[Relation, int] | None:
        """The comparator ending at `start` (the number's first character), with its start."""
        window = text[max(0, start - 60):start]
        match = self._prefix.search(window)
        if match is None:
            return None
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        return self._pre_rel[index], start - len(window) + match.start()

    def postfix(self, text: str, end: int) -> tuple[Relation, int] | None:
        """The comparator starting at `end` (after the unit), with its end."""
        match = self._postfix.match(text, end)
        if match is None:
            return None
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        return self._post_rel[index], match.end()
