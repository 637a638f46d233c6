"""Held-out list-to-list sets: pairs that were not looked at while the matcher was developed.

The matcher's list machinery (neighbour window, anchors, the monotone alignment and its cost and
bonus) was developed on the five list sets of bench/matching/sets.py. These pairs, built the same
way (gold by code alignment, codes masked, whole right lists as pools), check that it carries over
to other lists, other years and other document formats (the 2025 Wassenaar list is a PDF, the
others are Word files, the eCFR is XML). Their figures are the ones to quote as "held out".
"""

from __future__ import annotations

from pathlib import Path

from bench.matching.corpus import nodes_of, parse_version
from bench.matching.sets import EvalSet, Item, _aligned, _entry_items
from exportwatch.settings import Settings


def heldout_sets(settings: Settings, cache: Path, us: list[Item], au: list[Item]) -> list[EvalSet]:
    def wa(date: str) -> list[Item]:
        return _entry_items(nodes_of(parse_version(settings, "wa-dual-use", date, cache), "wa"), "wa")

    out = [
        _aligned("wa2025-us2026", "Held out: Wassenaar 2025 (WA-LIST (25) 1 Corr., PDF) entries -> US CCL "
                 "2026-09-01 ECCNs (EN)", wa("2026-01-15"), "wa", us, "us"),
        _aligned("au2024-us2026", "Held out: Australia DSGL 2024 entries -> US CCL 2026-09-01 ECCNs (EN)",
                 au, "au", us, "us"),
        _aligned("wa2019-au2024", "Held out: Wassenaar 2019 entries -> Australia DSGL 2024 entries (EN)",
                 wa("2019-12-05"), "wa", au, "au"),
        _aligned("wa2015-us2026", "Held out: Wassenaar 2015 entries -> US CCL 2026-09-01 ECCNs (EN)",
                 wa("2015-12-03"), "wa", us, "us"),
    ]
    for ev in out:
        ev.heldout = True
    return out
