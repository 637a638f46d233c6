"""Union general export authorisations (Regulation (EU) 2021/821, Annex II, EU001-EU008): which
Annex I items each covers and to which destinations.

Each authorisation prints "Part 1 — Items" ("covers all dual-use items specified in any entry in
Annex I, except …" or "covers the following dual-use items specified in Annex I: 1A001, …") and
"Part 2 — Destinations" ("… for exports to the following destinations: Argentina, …", or "to all
destinations, excluding: (a) destinations eligible … under … EU001; (b) Afghanistan, …"). The
wording is read into a small model; wording it does not recognise is a warning, never a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.licensing.countries import lookup

# An Annex I code as the authorisations print them: "1A001", "3A001.a.3.", "1C350.57".
CODE = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]{1,3})*\b")
_PART1 = re.compile(r"Part 1\s*[–—-]\s*Items\b")
_PART2 = re.compile(r"Part 2\s*[–—-]\s*Destinations\b")
_PART3 = re.compile(r"Part 3\s*[–—-]")
_SECTION_GROUPS = re.compile(r"Sections?\s+([A-E])(?:\s+and\s+([A-E]))?\s+of each Category", re.I)
_NUMBERED = re.compile(r"(?:^|\s|;)(\d{1,2})\.\s")
# "an item specified in 5A002.a. as above": a reference inside an item's description, not an item.
_BACK_REFERENCE = re.compile(r"specified (?:in|by) \d[A-E]\d{3}(?:\.[a-z0-9]{1,3})*\.? as (?:above|below)")
# Destinations the texts name that are not countries (and so match no destination query).
_NOT_COUNTRIES = frozenset({"French overseas territories"})


@dataclass(frozen=True)
class Destination:
    printed: str  # as the text names it ("Switzerland, including Liechtenstein")
    countries: tuple[str, ...]  # ISO alpha-2 codes it stands for; empty if not a country


@dataclass(frozen=True)
class Authorisation:
    id: str  # "EU001"
    title: str
    scope: str  # "all-except" | "listed"
    # listed: codes covered; all-except: codes excluded (beyond Section I and excluded groups)
    codes: tuple[str, ...]
    excluded_groups: tuple[str, ...]  # product groups excluded in every category ("D", "E")
    only_groups: tuple[str, ...]  # EU007: technology and software only ("D", "E")
    excludes_section_i: bool  # the common list of Annex II Section I is excluded
    destinations_scope: str  # "listed" | "all-except"
    destinations: tuple[Destination, ...]
    excludes_destinations_of: tuple[str, ...]  # "EU001": destinations of another authorisation
    # Exclusions that name no country ("any destination … subject to an arms embargo"): not
    # evaluated, reported as caveats.
    destination_caveats: tuple[str, ...]
    items_text: str
    destinations_text: str
    warnings: tuple[str, ...] = field(default=())


def normalise_code(code: str) -> str:
    return code.strip().rstrip(".")


def parse_authorisation(gea_id: str, title: str, text: str) -> Authorisation:
    """`title` is the upper-case title of the JSON ("EU001 — A. EXPORTS TO …"); the text prints
    the same in sentence case after the legal reference, which is kept when found."""
    warnings: list[str] = []
    printed = re.search(r"of this Regulation\)\s*(.*?)\s*Issuing authority", text, re.S)
    if printed:
        title = re.sub(r"\s+", " ", printed.group(1)).strip()
    p1, p2, p3 = _PART1.search(text), _PART2.search(text), _PART3.search(text)
    if not p1 or not p2:
        warnings.append(f"{gea_id}: no 'Part 1 — Items' and 'Part 2 — Destinations' headings")
        items_text, dest_text = "", ""
    else:
        items_text = text[p1.end():p2.start()].strip()
        end = p3.start() if p3 and p3.start() > p2.end() else len(text)
        dest_text = text[p2.end():end].strip()
    scope, codes, groups, only, section_i = _items(gea_id, items_text, warnings)
    d_scope, dests, excl_of, caveats = _destinations(gea_id, dest_text, warnings)
    return Authorisation(gea_id, title, scope, codes, groups, only, section_i, d_scope, dests,
                         excl_of, caveats, items_text, dest_text, tuple(warnings))


def _items(gea_id: str, text: str, warnings: list[str]
           ) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]:
    low = text.lower()
    section_i = "section i of this annex" in low
    groups: list[str] = []
    for m in _SECTION_GROUPS.finditer(text):
        groups += [g for g in m.groups() if g]
    if re.search(r"covers all (?:dual-use items|technology and software)", low):
        only = ("D", "E") if "covers all technology and software" in low else ()
        codes = [normalise_code(c) for c in CODE.findall(text)]
        if "except" not in low:
            warnings.append(f"{gea_id}: 'covers all' without 'except'")
        return "all-except", tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(groups)), only, section_i
    if "covers the following dual-use items" in low or "covers dual-use items specified in annex i, as follows" in low:
        return "listed", tuple(dict.fromkeys(_listed_codes(text))), (), (), section_i
    warnings.append(f"{gea_id}: Part 1 wording not recognised: {text[:80]!r}")
    return "listed", (), (), (), section_i


def _listed_codes(text: str) -> list[str]:
    """Codes a 'covers the following' Part 1 names; "1C350: 1. …; 2. …" lists numbered sub-items."""
    out: list[str] = []
    # A code followed by a colon introduces numbered chemicals: 1C350.1, 1C350.2, …
    pieces = re.split(r"\b(\d[A-E]\d{3}(?:\.[a-z0-9]{1,3})*)\.?:", _BACK_REFERENCE.sub("", text))
    out += [normalise_code(c) for c in CODE.findall(pieces[0])]
    for i in range(1, len(pieces), 2):
        parent = normalise_code(pieces[i])
        numbers = [m.group(1) for m in _NUMBERED.finditer(pieces[i + 1])]
        out += [f"{parent}.{n}" for n in numbers] or [parent]
    return out


def _destinations(gea_id: str, text: str, warnings: list[str]
                  ) -> tuple[str, tuple[Destination, ...], tuple[str, ...], tuple[str, ...]]:
    m = re.search(r"to the following destinations:\s*(.*)$", text, re.S)
    if m:
        return "listed", tuple(_split_destinations(m.group(1), gea_id, warnings)), (), ()
    m = re.search(r"to all destinations,\s*excluding:\s*(.*)$", text, re.S)
    if m:
        # "(a) destinations eligible … under … No EU001; (b) Afghanistan, …; (c) any destination …"
        points = dict(re.findall(r"\(([a-z])\)\s*(.*?)(?=;\s*\([a-z]\)\s|$)", m.group(1), re.S))
        excl_of: list[str] = []
        names: list[Destination] = []
        caveats: list[str] = []
        for point in points.values():
            point = point.strip().rstrip(".;")
            refs = re.findall(r"general export authorisation No (EU\d{3})", point)
            if refs:
                excl_of += refs
            elif re.match(r"any destination\b", point):
                caveats.append(point)
            else:
                names += _split_destinations(point, gea_id, warnings)
        if not points:
            warnings.append(f"{gea_id}: 'all destinations, excluding' without lettered points")
        return "all-except", tuple(names), tuple(dict.fromkeys(excl_of)), tuple(caveats)
    warnings.append(f"{gea_id}: Part 2 wording not recognised: {text[:80]!r}")
    return "listed", (), (), ()


def _split_destinations(text: str, gea_id: str, warnings: list[str]) -> list[Destination]:
    text = text.strip().rstrip(".;")
    parts: list[str] = []
    depth, current = 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    out: list[Destination] = []
    for part in parts:
        if not part:
            continue
        if part.startswith("including ") and out:
            # "Switzerland, including Liechtenstein" is one destination.
            prev = out.pop()
            extra = _countries_in(part[len("including "):])
            out.append(Destination(f"{prev.printed}, {part}", prev.countries + extra))
            continue
        printed = re.sub(r"\s*\((?:without prejudice|in accordance)[^()]*(?:\([^()]*\)[^()]*)*\)", "", part).strip()
        countries = _countries_in(printed)
        if not countries and printed not in _NOT_COUNTRIES:
            warnings.append(f"{gea_id}: destination {printed!r} is not a country name we know; kept as printed")
        out.append(Destination(printed, countries))
    return out


def _countries_in(printed: str) -> tuple[str, ...]:
    """ISO codes for "China (including Hong Kong and Macao)" -> CN, HK, MO; "Myanmar/Burma" -> MM."""
    main = re.sub(r"\s*\(.*\)\s*$", "", printed).strip()
    found: list[str] = []
    country = lookup(main)
    if country is not None:
        found.append(country.iso2)
    inner = re.search(r"\(including ([^)]*)\)", printed)
    if inner:
        for name in re.split(r",\s*|\s+and\s+", inner.group(1)):
            c = lookup(name)
            if c is not None:
                found.append(c.iso2)
    return tuple(found)


def covers_item(auth: Authorisation, code: str, section_i: tuple[str, ...]) -> tuple[str, list[str]]:
    """Whether the authorisation covers Annex I `code`: ("yes"|"no"|"partly", the codes that
    make it partial or exclude it)."""
    code = normalise_code(code)
    group = code[1] if len(code) > 1 else ""
    if auth.scope == "listed":
        if any(_within(code, c) for c in auth.codes):
            return "yes", [c for c in auth.codes if _within(code, c)]
        under = [c for c in auth.codes if _within(c, code)]
        return ("partly", under) if under else ("no", [])
    if auth.only_groups and group not in auth.only_groups:
        return "no", [f"only {'/'.join(auth.only_groups)} (software and technology) items"]
    if group in auth.excluded_groups:
        return "no", [f"Section {group} of every category is excluded"]
    excluded = list(auth.codes) + (list(section_i) if auth.excludes_section_i else [])
    if any(_within(code, c) for c in excluded):
        return "no", [c for c in excluded if _within(code, c)]
    under = [c for c in excluded if _within(c, code)]
    return ("partly", under) if under else ("yes", [])


def _within(code: str, ancestor: str) -> bool:
    """True if `code` is `ancestor` or one of its sub-items (1C350.57 within 1C350)."""
    return code == ancestor or code.startswith(ancestor + ".")
