"""Build the changes report: every entry change whose newer version is dated in the period.

A change belongs to the period when the version it appears in (the newer of the pair change
detection compared) is dated within it: consolidations carry the date of the text they
consolidate, which is what the store knows. Only each source's primary language is counted (the
French text of the Canadian list repeats the English amendments); the number left out is said in
the report's notes. Update feeds (Federal Register rules, us-fr-bis) are not list entries: their
rules are listed on their own and linked to the CCL versions they took effect in.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from crawlers.registry import Source
from exportwatch.reports.common import Citations, category_of, check_period, jurisdiction_sources, now
from exportwatch.reports.equivalents import EquivalentFinder, Mode
from exportwatch.reports.model import ChangeItem, ChangesReport, NoteDelta, ParamDelta, RuleRef, Span, VersionPair
from indexer.changes import ChangeRow, chain, list_changes
from indexer.store import Store, VersionRow
from indexer.updates import StoredUpdate, ccl_links, list_updates

Progress = Callable[[str], None]


def months_between(start: dt.date, end: dt.date) -> list[str]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _rule(u: StoredUpdate, mentions: tuple[str, ...] = ()) -> RuleRef:
    return RuleRef(u.document_number, u.title, u.publication_date, u.effective_on, u.citation, u.html_url, mentions)


def _rules_by_version(store: Store) -> dict[int, list[StoredUpdate]]:
    """CCL version id -> the rules that took effect in it (links of status `linked` only: a rule
    in force before the first stored version is a baseline, not a change)."""
    out: dict[int, list[StoredUpdate]] = defaultdict(list)
    try:
        updates = list_updates(store)
    except sqlite3.OperationalError:  # no updates table (the feature is absent): no rules to link
        return {}
    for u in updates:
        for link in ccl_links(store, u):
            if link.status == "linked" and link.version_id is not None:
                out[link.version_id].append(u)
    return out


def _mentions(u: StoredUpdate, codes: Sequence[str]) -> tuple[str, ...]:
    text = f"{u.title} {u.abstract or ''}"
    return tuple(c for c in codes if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", text))


def _spans(raw: list[dict[str, Any]]) -> tuple[Span, ...]:
    return tuple(Span(s["op"], s["text"]) for s in raw)


def _side_text(v: dict[str, Any] | None) -> str:
    return str(v.get("text", "")) if v else ""


def _params(raw: list[dict[str, Any]]) -> tuple[ParamDelta, ...]:
    return tuple(ParamDelta(p["change"], p["quantity"], p["where"], _side_text(p.get("old")), _side_text(p.get("new")),
                            p.get("description", "")) for p in raw)


def _notes(raw: list[dict[str, Any]]) -> tuple[NoteDelta, ...]:
    out = []
    for n in raw:
        spans = _spans(n.get("redline") or [])
        if not spans:  # an added or removed note carries its text whole
            if n.get("new_text"):
                spans = (Span("insert", n["new_text"]),)
            elif n.get("old_text"):
                spans = (Span("delete", n["old_text"]),)
        out.append(NoteDelta(n["change"], n.get("label", ""), spans))
    return tuple(out)


class _Paths:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[int, dict[str, tuple[list[str], str, str]]] = {}

    def get(self, version_id: int, entry_id: str) -> tuple[list[str], str, str] | None:
        if version_id not in self._cache:
            self._cache[version_id] = {e.entry_id: (e.path, e.code, e.heading)
                                       for e in self.store.entries(version_id)}
        return self._cache[version_id].get(entry_id)


def build_changes_report(store: Store, sources: Sequence[Source], *, date_from: dt.date, date_to: dt.date,
                         jurisdictions: Sequence[str] = (), equivalents: Mode = "match",
                         meaning: str = "lexical", embed_factory: Any = None,
                         progress: Progress | None = None) -> ChangesReport:
    """The changes report model. `equivalents`: "match" (nlp.match concordance: code alignment,
    meaning, parameters), "code" (code alignment only) or "none"."""
    check_period(date_from, date_to)
    say = progress or (lambda _msg: None)
    src_map = jurisdiction_sources(sources, store, jurisdictions)
    primary = {s.id: s.languages[0] for s in sources}
    stored = {r[0] for r in store.db.execute("SELECT DISTINCT source_id FROM versions")}
    wanted_j = list(dict.fromkeys(jurisdictions)) or sorted({j for sid, j in src_map.items() if sid in stored})
    kinds = ("added", "removed", "amended", "moved", "definition")
    counts = {j: dict.fromkeys(kinds, 0) for j in wanted_j}
    editorial = dict.fromkeys(wanted_j, 0)
    months = months_between(date_from, date_to)
    monthly = {j: dict.fromkeys(months, 0) for j in wanted_j}
    notes: list[str] = []
    cites = Citations(store)
    paths = _Paths(store)
    rules_by_version = _rules_by_version(store)
    pairs: list[VersionPair] = []
    rows: list[tuple[ChangeRow, str]] = []
    other_language = 0
    for sid in sorted(src_map):
        if sid not in stored:
            continue
        j = src_map[sid]
        for a, b, cs in chain(store, sid):
            if not date_from <= b.version_date <= date_to:
                continue
            pair_rules = tuple(_rule(u) for u in rules_by_version.get(b.id, []))
            if cs is None:
                notes.append(f"{sid} {a.version_date} -> {b.version_date}: change detection has not compared these"
                             " versions (run `exportwatch reprocess --processor changes`); not counted")
                pairs.append(VersionPair(sid, j, a.version_date, b.version_date, {}, 0, False, pair_rules,
                                         cites.cite(b.id, primary[sid])))
                continue
            found = [c for c in list_changes(store, sources=[sid], since=b.version_date)
                     if c.change_set.id == cs.id]
            mine = [c for c in found if c.language == primary[sid]]
            other_language += len(found) - len(mine)
            pc = dict.fromkeys(kinds, 0)
            for c in mine:
                pc[c.kind] += 1
                rows.append((c, j))
            pairs.append(VersionPair(sid, j, a.version_date, b.version_date, pc, len(mine), True, pair_rules,
                                     cites.cite(b.id, primary[sid])))
    if other_language:
        notes.append(f"{other_language} change(s) in a source's secondary language (e.g. the French text of the "
                     "Canadian list) are not counted: they repeat the primary-language amendments")
    if any(not p.detected for p in pairs):
        notes.append("counts cover only the version pairs change detection has compared (see the versions table)")

    say(f"{len(rows)} changes in {len(pairs)} version pair(s)")
    finder = EquivalentFinder(store, sources, src_map, mode=equivalents, meaning=meaning,
                              embed_factory=embed_factory, progress=say)
    finder.prepare([(j, c.entry_id, _kind_of(c)) for c, j in rows])

    items: list[ChangeItem] = []
    for c, j in rows:
        cs = c.change_set
        seen_in = cs.from_version if c.kind == "removed" else cs.to_version
        other = cs.to_version if c.kind == "removed" else cs.from_version
        info = paths.get(seen_in.id, c.entry_id)
        code = info[1] if info else c.entry_id.split(":", 1)[-1]
        category = category_of(info[0], code) if info else ("definitions" if c.kind == "definition" else "")
        heading = info[2] if info else ""
        counts[j][c.kind] += 1
        editorial[j] += c.significance == "editorial"
        monthly[j][cs.to_version.version_date.strftime("%Y-%m")] += 1
        rules = tuple(_rule(u, _mentions(u, [code])) for u in rules_by_version.get(cs.to_version.id, []))
        d = c.detail
        items.append(ChangeItem(
            id=c.id, source_id=cs.source_id, jurisdiction=j, entry_id=c.entry_id, old_entry_id=c.old_entry_id,
            kind=c.kind, significance=c.significance, summary=c.summary, from_date=cs.from_version.version_date,
            to_date=cs.to_version.version_date, category=category, heading=heading,
            redline=_spans(d.get("redline") or []) or _whole(c.kind, d), parameters=_params(d.get("parameters") or []),
            notes=_notes(d.get("notes") or []), term=d.get("term"), used_by=tuple(d.get("used_by") or ()),
            rules=rules, equivalents=finder.get(c.entry_id),
            citation=_cite(cites, seen_in, c.language, category), previous=_cite(cites, other, c.language, category)))
    rules_published = _published(store, date_from, date_to, wanted_j)
    notes += finder.notes
    return ChangesReport(generated_at=now(), date_from=date_from, date_to=date_to, jurisdictions=wanted_j,
                         counts=counts, editorial=editorial, months=months, monthly=monthly, pairs=pairs,
                         changes=items, rules_published=rules_published, equivalents_mode=finder.describe(),
                         notes=notes)


def _cite(cites: Citations, version: VersionRow, language: str, category: str) -> Any:
    return cites.cite(version.id, language, category)


def _whole(kind: str, detail: dict[str, Any]) -> tuple[Span, ...]:
    """An added entry's text as one insertion, a removed one's as one deletion: what a redline of
    the whole entry shows."""
    side = detail.get("new") if kind == "added" else detail.get("old") if kind == "removed" else None
    if not side:
        return ()
    heading, body = str(side.get("heading") or ""), str(side.get("text") or "")
    text = body if not heading or body.startswith(heading) else f"{heading}. {body}".strip(". ")
    return (Span("insert" if kind == "added" else "delete", text),) if text else ()


def _kind_of(c: ChangeRow) -> str:
    side = c.detail.get("new") or c.detail.get("old") or {}
    return str(side.get("kind", "item"))


def _published(store: Store, date_from: dt.date, date_to: dt.date, jurisdictions: Sequence[str]) -> list[RuleRef]:
    if "us" not in jurisdictions:
        return []
    try:
        updates = list_updates(store, since=date_from)
    except sqlite3.OperationalError:  # no updates table: nothing published to list
        return []
    return sorted((_rule(u) for u in updates if u.publication_date <= date_to),
                  key=lambda r: (r.publication_date, r.document_number))
