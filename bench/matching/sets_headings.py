"""List-to-list sets where the right side is only a heading: whole entries -> US ECCN headings.

A list is sometimes known only by its headings (an index, a table of contents, the US CCL
history projection, a summary table); the issue's target there is 0.92 instead of 0.95. Right
side: the heading of every US ECCN of the 2026-09-01 eCFR (what the parser stores as the entry's
heading, codes masked), the whole list as the pool; left side and gold as in the full-text set of
the same pair (bench/matching/sets.py and sets_heldout.py), minus gold ECCNs that are ITAR stubs.

How the matcher treats such inputs (the entry's lead clause against the heading) was chosen on
the EU, Australia and Wassenaar 2025 heading sets below; the Wassenaar 2015 one was run once after
and is the held-out figure.
"""

from __future__ import annotations

from pathlib import Path

from bench.matching.corpus import parse_version
from bench.matching.sets import EvalSet, Item, _aligned
from exportwatch.settings import Settings
from indexer.store import entry_id_for
from nlp.match.text import mask_codes


def us_headings(settings: Settings, cache: Path, us: list[Item]) -> list[Item]:
    """The heading of each US ECCN that is in the full-text list `us` (same ids)."""
    doc = parse_version(settings, "us-ecfr-ccl", "2026-09-01", cache)
    ids = {i.id for i in us}
    out = []
    for e in doc.entries:
        eid = entry_id_for("us", e.code, e.language, "en")
        heading = mask_codes(e.heading or "")
        if e.kind == "entry" and eid in ids and len(heading) >= 3:
            out.append(Item(eid, "us", heading, "en"))
    return out


def heading_sets(settings: Settings, cache: Path, full_sets: list[EvalSet], us: list[Item]) -> list[EvalSet]:
    """One heading set per full-text set whose right side is the US CCL."""
    headings = us_headings(settings, cache, us)
    out = []
    for name, heldout in (("eu2022-us2026", False), ("au2024-us2026", False), ("wa2025-us2026", False),
                          ("wa2015-us2026", True)):
        full = next((s for s in full_sets if s.name == name), None)
        if full is None:
            continue
        lj = full.left[0].id.split(":", 1)[0]
        ev = _aligned(f"{name}-headings", f"{full.description.removeprefix('Held out: ')}, US side "
                      "headings only", full.left, lj, headings, "us")
        # the full-text set already dropped golds that are ITAR stubs: keep its queries only
        ev.left = [i for i in ev.left if i.id in full.gold]
        ev.gold = {k: v for k, v in ev.gold.items() if k in full.gold}
        ev.inputs, ev.unmatched = full.inputs, full.unmatched
        ev.heading_only, ev.heldout = True, heldout
        out.append(ev)
    return out
