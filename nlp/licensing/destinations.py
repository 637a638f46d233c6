"""Destination rules written as text in the CCL's Control(s) rows, read for one destination.

Rows whose Country Chart cell names no column say in words where a licence is needed: "To or
within Macau or a destination specified in Country Group D:5", "China, Russia, or Venezuela",
"Worldwide control", "A license is required for ALL destinations, except Canada". This module
finds the countries, Country Groups, "all destinations" and exclusions such text names and
answers "yes", "no" or "not-evaluated" for one destination, with the basis of the answer.
Text it cannot read ("See § 746.1(b) for UN controls") is "not-evaluated", never "no".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nlp.licensing.countries import COUNTRIES, Country

_GROUP_LIST = re.compile(r"Country\s+Groups?\s+((?:[A-E](?::\d)?(?:\s*,?\s*(?:and|or)\s+|\s*,\s*|\s*))+)")
_GROUP = re.compile(r"\b([A-E](?::\d)?)\b")
_ALL = re.compile(r"\b(?:worldwide|any destination|all destinations)\b", re.I)
_EXCLUDING = re.compile(r"\b(?:except(?:ing)?|excluding|other than)\b\s*(?P<rest>[^.;]*)", re.I)
# Names scanned for: every country's name and aliases of four letters or more, longest first, so
# that "Equatorial Guinea" is not read as "Guinea".
_NAMES: list[tuple[str, Country]] = sorted(
    ((n, c) for c in COUNTRIES for n in (c.name, *c.aliases) if len(n) >= 4 and not n.isupper()),
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class TextRule:
    applies: str  # "yes" | "no" | "not-evaluated"
    basis: str


def named_countries(text: str) -> set[str]:
    """ISO codes of the countries a text names."""
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for name, country in _NAMES:
        for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
            if not any(a <= m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
                found.add(country.iso2)
    return found


def named_groups(text: str) -> set[str]:
    out: set[str] = set()
    for m in _GROUP_LIST.finditer(text):
        out |= set(_GROUP.findall(m.group(1)))
    return out


def evaluate_text(text: str, iso2: str, groups: Mapping[str, set[str]] | None) -> TextRule:
    """Does a row's destination text require a licence for destination `iso2`?"""
    excluded_countries: set[str] = set()
    excluded_groups: set[str] = set()
    main = text
    for m in _EXCLUDING.finditer(text):
        excluded_countries |= named_countries(m.group("rest"))
        excluded_groups |= named_groups(m.group("rest"))
        main = main.replace(m.group(0), " ")
    countries = named_countries(main)
    wanted_groups = named_groups(main)
    if groups is None and (wanted_groups or excluded_groups):
        return TextRule("not-evaluated", "the text names Country Groups and no Country Groups data is stored")
    members = groups or {}
    for g in sorted(excluded_groups):
        if iso2 in members.get(g, set()):
            return TextRule("no", f"the destination is in Country Group {g}, which the text excludes")
    if iso2 in excluded_countries:
        return TextRule("no", "the text excludes the destination by name")
    if _ALL.search(main):
        return TextRule("yes", "the text applies to all destinations")
    for g in sorted(wanted_groups):
        if iso2 in members.get(g, set()):
            return TextRule("yes", f"the destination is in Country Group {g}, which the text names")
    if iso2 in countries:
        return TextRule("yes", "the text names the destination")
    if countries or wanted_groups:
        named = ", ".join(sorted(wanted_groups))
        return TextRule("no", "the text names other destinations" + (f" (Country Groups {named})" if named else ""))
    return TextRule("not-evaluated", "the text names no destination ExportWatch can evaluate")
