"""Code alignment across numbering schemes.

EU, US, Australia, Norway and Switzerland number dual-use entries `3A001.b.1`; Wassenaar writes the
same control `3.A.1.b.1`; the UK 2018 spreadsheet and the Swiss CSV drop the dots (`3A001b1`).
Munitions are `ML8.a` everywhere. `canonical_code` maps each to one key so that codes align.

Only regime numbers align: entry numbers 000-499 (Wassenaar 0xx, MTCR 1xx, NSG 2xx, Australia
Group/CWC 3xx, 4xx). Numbers 500 and up are national (US 9x515 and 600 series, EU autonomous 5xx
controls added from 2025, US 9xx anti-terrorism items): the same digits there name different
things, so they get no canonical key. Likewise national munitions ML9xx (Australia) and Canada's
own numbering (5504, 2-1, ...): those are matched by meaning only.
"""

from __future__ import annotations

import re

_DOTTED = re.compile(r"(\d)([A-E])(\d{3})((?:\.[a-z0-9]+)*)")
_WASSENAAR = re.compile(r"(\d)\.([A-E])\.(\d{1,3})((?:\.[a-z0-9]+)*)")
_COMPACT = re.compile(r"(\d)([A-E])(\d{3})([a-z0-9]*)")  # UK / Swiss: 9A001b1a
_MUNITIONS = re.compile(r"ML(\d{1,3})((?:\.[a-z0-9]+)*)")
_MUNITIONS_COMPACT = re.compile(r"ML(\d{1,3})([a-z0-9]*)")

# Jurisdictions whose codes follow one of the regime schemes above. Canada does not.
ALIGNABLE = frozenset({"eu", "us", "au", "wa", "uk", "ch", "no"})


def _split_compact(rest: str) -> str:
    """`b1a` -> `.b.1.a`: letters and digit runs alternate in compact sub-item labels."""
    return "".join(f".{part}" for part in re.findall(r"[a-z]|\d+", rest))


def canonical_code(jurisdiction: str, code: str) -> str | None:
    """The regime key of a code (`3A001.b.1`, `ML8.a`), or None where codes do not align."""
    if jurisdiction not in ALIGNABLE:
        return None
    code = code.split("@", 1)[0].rstrip(".")
    if m := _MUNITIONS.fullmatch(code) or _MUNITIONS_COMPACT.fullmatch(code):
        ml = int(m.group(1))
        if not 1 <= ml <= 22:  # ML901-ML910 are Australia's national items
            return None
        tail = m.group(2)
        return f"ML{ml}" + (tail if tail.startswith(".") or not tail else _split_compact(tail))
    if jurisdiction == "wa":
        m = _WASSENAAR.fullmatch(code)
        if m is None:
            return None
        cat, group, number, rest = m.groups()
    elif m := _DOTTED.fullmatch(code):
        cat, group, number, rest = m.groups()
    elif m := _COMPACT.fullmatch(code):
        cat, group, number, rest = m.groups()
        rest = _split_compact(rest)
    else:
        return None
    if int(number) >= 500:
        return None
    return f"{cat}{group}{int(number):03d}{rest}"


def code_depth(key: str) -> int:
    """Levels below the entry: `3A001` -> 0, `3A001.b.1` -> 2."""
    return key.count(".")
