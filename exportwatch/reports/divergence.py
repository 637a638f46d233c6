"""Build the divergence report between two jurisdictions' current lists.

The concordance comes from the match module (nlp.match.concordance) at one level (sub-items by
default, where thresholds sit): pairs it holds equivalent, entries with no counterpart on either
side. A pair diverges when the parameters of the two entries' own texts differ
(nlp.match.parameters over nlp.extract): the concordance compares whole subtrees, which would
report a parent again for every sub-item that differs; its sub-items are pairs of their own.
Definitions are paired by term key across the two jurisdictions' definitions in force and
compared word by word (nlp.definitions.compare).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from crawlers.registry import Source
from exportwatch.errors import NotFoundError
from exportwatch.reports.common import Citations, category_of, jurisdiction_sources, now
from exportwatch.reports.errors import ReportRequestError
from exportwatch.reports.model import (
    Citation,
    DefinitionDiff,
    DefinitionOnly,
    DivergenceReport,
    DivergentPair,
    EntryRef,
    HeatRow,
    ParamPair,
    Side,
    Unilateral,
)
from indexer.definitions import DefinitionRow, current_definitions
from indexer.store import EntryRow, Store
from nlp.definitions.compare import compare
from nlp.match.concordance import build_concordance
from nlp.match.documents import Node
from nlp.match.parameters import compare_parameters

TEXT_LIMIT = 300
LEVELS = ("entry", "item")


class _Side:
    """One jurisdiction's current list: nodes for matching, rows and citations for the report."""

    def __init__(self, store: Store, sources: Sequence[Source], src_map: dict[str, str], jurisdiction: str,
                 cites: Citations) -> None:
        self.jurisdiction = jurisdiction
        self.nodes: list[Node] = []
        self.rows: dict[str, EntryRow] = {}
        self.version_of: dict[str, int] = {}
        self.citations: list[Citation] = []
        self.source_ids: list[str] = []
        self.cites = cites
        for s in sources:
            if src_map.get(s.id) != jurisdiction:
                continue
            v = store.current_version(s.id)
            if v is None:
                continue
            lang = s.languages[0]
            self.source_ids.append(s.id)
            entries = store.entries(v.id)
            if any(e.kind in LEVELS for e in entries):  # a control list (provisions are sections)
                self.citations.append(cites.cite(v.id, lang))
            for e in entries:
                if e.language != lang:
                    continue
                self.rows[e.entry_id] = e
                self.version_of[e.entry_id] = v.id
                self.nodes.append(Node(e.entry_id, e.code, e.parent_id, e.kind, e.text or e.heading, e.language,
                                       e.position, e.status))
        if not self.source_ids:
            raise NotFoundError(f"jurisdiction {jurisdiction!r} has no stored version yet; run `exportwatch crawl`")

    def category(self, entry_id: str) -> str:
        e = self.rows[entry_id]
        return category_of(e.path, e.code)

    def ref(self, entry_id: str) -> EntryRef:
        e = self.rows[entry_id]
        text = e.text or e.heading
        cat = category_of(e.path, e.code)
        return EntryRef(entry_id, e.code, cat, text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…",
                        self.cites.cite(self.version_of[entry_id], e.language, cat))


def build_divergence_report(store: Store, sources: Sequence[Source], *, left: str, right: str,
                            category: str | None = None, level: str = "item", meaning: str = "lexical",
                            embed_factory: Callable[[set[str]], Any] | None = None,
                            progress: Callable[[str], None] | None = None) -> DivergenceReport:
    if left == right:
        raise ReportRequestError(f"--between names {left!r} twice: give two different jurisdictions")
    if level not in LEVELS:
        raise ReportRequestError(f"level {level!r}: use entry or item")
    say = progress or (lambda _m: None)
    src_map = jurisdiction_sources(sources, store, [left, right])
    cites = Citations(store)
    L, R = _Side(store, sources, src_map, left, cites), _Side(store, sources, src_map, right, cites)
    notes: list[str] = []
    embed = None
    if meaning == "embeddings" and embed_factory is not None:
        embed = embed_factory({n.language for n in L.nodes} | {n.language for n in R.nodes})
    from exportwatch.commands.match import extractor

    extract = extractor()
    say(f"concordance {left} -> {right} ({level}s, meaning by {meaning} signals)")
    conc = build_concordance(L.nodes, R.nodes, left_jurisdiction=left, right_jurisdiction=right, embed=embed,
                             extract=extract, kinds=(level,), top_k=3)
    if conc.notes:
        notes += [f"concordance: {n}" for n in conc.notes]
    want = category.casefold() if category else None

    def keep(side: _Side, eid: str) -> bool:
        return want is None or side.category(eid).casefold() == want

    heat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    unilateral: list[Unilateral] = []
    divergent: list[DivergentPair] = []
    equivalent_pairs = 0
    left_count = sum(1 for n in L.nodes if n.kind == level and keep(L, n.id))
    right_count = sum(1 for n in R.nodes if n.kind == level and keep(R, n.id))
    for row in conc.rows:
        if not keep(L, row.left_id):
            continue
        cat = L.category(row.left_id)
        if row.unilateral:
            best = row.candidates[0] if row.candidates else None
            unilateral.append(Unilateral("left", L.ref(row.left_id), best.right_id if best else None,
                                         best.score if best else None))
            heat[cat][0] += 1
            continue
        for c in row.candidates:
            if c.status not in ("equivalent", "divergent"):
                continue
            equivalent_pairs += 1
            lrow, rrow = L.rows[row.left_id], R.rows[c.right_id]
            diffs = compare_parameters(extract(lrow.text, lrow.language), extract(rrow.text, rrow.language))
            if any(d.status == "differs" for d in diffs):
                divergent.append(DivergentPair(L.ref(row.left_id), R.ref(c.right_id), c.score, c.code_aligned,
                                               tuple(_pp(d) for d in diffs)))
                heat[cat][3] += 1
            else:
                heat[cat][2] += 1
    for rid in conc.unmatched_right:
        if rid not in R.rows or not keep(R, rid):
            continue
        unilateral.append(Unilateral("right", R.ref(rid), None, None))
        heat[R.category(rid)][1] += 1
    say(f"definitions {left} / {right}")
    defs, only, same = _definitions(store, src_map, left, right, cites)
    for side, rows in ((L, [d.left for d in defs]), (R, [d.right for d in defs])):
        for cited in rows + [o.citation for o in only if src_map.get(o.citation.source_id) == side.jurisdiction]:
            if all(x.version_id != cited.version_id for x in side.citations):
                side.citations.append(cites.cite(cited.version_id, None, urls=[d.url for d in cited.documents]))
    if category:
        notes.append(f"definitions are not tied to a category: all of {left}'s and {right}'s are compared")
    notes.append(f"equivalence from the match module ({meaning} meaning signals + code alignment); a pair diverges"
                 " when the parameters extracted from the two entries' own texts differ")
    return DivergenceReport(
        generated_at=now(), left=left, right=right, category=category, level=level, meaning=meaning,
        left_versions=L.citations, right_versions=R.citations, left_count=left_count, right_count=right_count,
        equivalent_pairs=equivalent_pairs, unilateral=unilateral, divergent=divergent, definitions=defs,
        definitions_only=only, definitions_same=same,
        heat=[HeatRow(k, *v) for k, v in sorted(heat.items(), key=lambda kv: _cat_key(kv[0]))], notes=notes)


def _cat_key(cat: str) -> tuple[int, str]:
    return (0 if cat[:1].isdigit() else 1, cat)


def _pp(d: Any) -> ParamPair:
    return ParamPair(d.quantity, d.status, d.left.text if d.left else "", d.right.text if d.right else "")


def _definitions(store: Store, src_map: dict[str, str], left: str, right: str,
                 cites: Citations) -> tuple[list[DefinitionDiff], list[DefinitionOnly], int]:
    sides: dict[str, dict[str, tuple[DefinitionRow, Citation]]] = {left: {}, right: {}}
    for vd in current_definitions(store, sorted(src_map), src_map):
        j = src_map[vd.version.source_id]
        for d in vd.definitions:
            if "@" in d.def_id:  # secondary-language definitions repeat the primary ones
                continue
            sides[j].setdefault(d.term_key, (d, cites.cite(vd.version.id, d.language, urls=vd.documents)))
    diffs: list[DefinitionDiff] = []
    only: list[DefinitionOnly] = []
    same = 0
    lk, rk = sides[left], sides[right]
    for key in sorted(set(lk) | set(rk)):
        side: Side
        if key in lk and key in rk:
            (ld, lc), (rd, rc) = lk[key], rk[key]
            cmp = compare(ld.text, rd.text, left_term=ld.term, right_term=rd.term, left_scope=ld.scope,
                          right_scope=rd.scope)
            if cmp.identical:
                same += 1
                continue
            diffs.append(DefinitionDiff(ld.term, ld.term, rd.term, cmp.similarity, ld.text, rd.text,
                                        tuple((o.tag, o.left, o.right) for o in cmp.ops), cmp.only_left,
                                        cmp.only_right, lc, rc))
        else:
            side = "left" if key in lk else "right"
            d, c = (lk if side == "left" else rk)[key]
            only.append(DefinitionOnly(side, d.term, d.text, c))
    return diffs, only, same
