"""Equivalents of changed entries in the other jurisdictions, for the changes report.

"match" asks the match module (nlp.match.concordance) for each changed entry's equivalents among
the current lists of the other jurisdictions: code alignment, meaning (word, character and number
signals; sentence embeddings too with `meaning="embeddings"`) and parameters compared. One
concordance per (jurisdiction, level, other jurisdiction), left side the jurisdiction's current
list, so an entry removed from it has no equivalents to show. "code" uses code alignment alone
(`3A001.b` = `3.A.1.b`; Canada's own numbering aligns with nothing). "none" skips them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal

from crawlers.registry import Source
from exportwatch.reports.model import EquivalentRef
from indexer.embeddings import version_nodes
from indexer.store import Store
from nlp.match.codes import canonical_code
from nlp.match.concordance import build_concordance
from nlp.match.documents import Node

Mode = Literal["match", "code", "none"]
MODES: tuple[Mode, ...] = ("match", "code", "none")
LEVELS = ("entry", "item")
_SHOWN = ("equivalent", "divergent", "code-only")
TOP_K = 3


def current_nodes(store: Store, sources: Sequence[Source], src_map: dict[str, str], jurisdiction: str) -> list[Node]:
    """Nodes of the current versions of a jurisdiction's list sources, primary language."""
    out: list[Node] = []
    for s in sources:
        if src_map.get(s.id) != jurisdiction:
            continue
        v = store.current_version(s.id)
        if v is not None:
            out += version_nodes(store, v.id, s.languages[0])
    return out


def all_list_sources(sources: Sequence[Source], store: Store) -> dict[str, str]:
    from exportwatch.reports.common import update_feeds

    feeds = update_feeds(store)
    return {s.id: s.jurisdiction for s in sources if s.id not in feeds}


class EquivalentFinder:
    def __init__(self, store: Store, sources: Sequence[Source], src_map: dict[str, str], *, mode: Mode,
                 meaning: str = "lexical", embed_factory: Callable[[set[str]], Any] | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.store, self.sources, self.mode, self.meaning = store, sources, mode, meaning
        # targets: every jurisdiction with a stored list, not only the ones reported
        self.all_map = all_list_sources(sources, store)
        self.embed_factory = embed_factory
        self.say = progress or (lambda _m: None)
        self.found: dict[str, tuple[EquivalentRef, ...]] = {}
        self.notes: list[str] = []
        self._nodes: dict[str, list[Node]] = {}

    def describe(self) -> str:
        if self.mode == "none":
            return "not computed"
        if self.mode == "code":
            return "code alignment only"
        return f"match module concordance (code alignment, meaning by {self.meaning} signals, parameters)"

    def nodes(self, jurisdiction: str) -> list[Node]:
        if jurisdiction not in self._nodes:
            self._nodes[jurisdiction] = current_nodes(self.store, self.sources, self.all_map, jurisdiction)
        return self._nodes[jurisdiction]

    def targets(self, jurisdiction: str) -> list[str]:
        return sorted(j for j in set(self.all_map.values()) if j != jurisdiction and self.nodes(j))

    def prepare(self, wanted: Sequence[tuple[str, str, str]]) -> None:
        """Compute equivalents for (jurisdiction, entry id, kind) triples."""
        if self.mode == "none" or not wanted:
            return
        by_j: dict[tuple[str, str], set[str]] = defaultdict(set)
        for j, eid, kind in wanted:
            if kind in LEVELS:
                by_j[(j, kind)].add(eid)
        acc: dict[str, list[EquivalentRef]] = defaultdict(list)
        for (j, level), ids in sorted(by_j.items()):
            for t in self.targets(j):
                if self.mode == "code":
                    self._by_code(j, t, ids, acc)
                else:
                    self._by_match(j, t, level, ids, acc)
        self.found = {k: tuple(sorted(v, key=lambda e: (e.jurisdiction, -e.score))) for k, v in acc.items()}

    def _by_code(self, j: str, t: str, ids: set[str], acc: dict[str, list[EquivalentRef]]) -> None:
        index: dict[str, str] = {}
        for n in self.nodes(t):
            key = canonical_code(t, n.code)
            if key is not None:
                index.setdefault(key, n.id)
        for eid in sorted(ids):
            key = canonical_code(j, eid.split(":", 1)[1].split("@", 1)[0])
            if key is not None and key in index:
                acc[eid].append(EquivalentRef(index[key], t, "code-aligned", 1.0, True))

    def _by_match(self, j: str, t: str, level: str, ids: set[str], acc: dict[str, list[EquivalentRef]]) -> None:
        left = self.nodes(j)
        present = {n.id for n in left} & ids
        if not present:
            return
        self.say(f"equivalents: {j} {_plural(level)} -> {t} ({len(present)} changed)")
        from exportwatch.commands.match import extractor

        embed = None
        if self.meaning == "embeddings" and self.embed_factory is not None:
            embed = self.embed_factory({n.language for n in left} | {n.language for n in self.nodes(t)})
        conc = build_concordance(left, self.nodes(t), left_jurisdiction=j, right_jurisdiction=t, embed=embed,
                                 extract=extractor(), kinds=(level,), top_k=TOP_K, only=present)
        for row in conc.rows:
            # the best candidate per jurisdiction, and any whose code aligns: the concordance's
            # other "equivalent" candidates are near-ties a report reader cannot act on
            shown = [c for c in row.candidates if c.status in _SHOWN]
            best = max(shown, key=lambda c: c.score, default=None)
            for c in shown:
                if c is best or c.code_aligned:
                    diffs = tuple(d.describe() for d in c.parameters if d.status == "differs")
                    acc[row.left_id].append(EquivalentRef(c.right_id, t, c.status, c.score, c.code_aligned, diffs))

    def get(self, entry_id: str) -> tuple[EquivalentRef, ...]:
        return self.found.get(entry_id, ())


def _plural(level: str) -> str:
    return "entries" if level == "entry" else f"{level}s"
