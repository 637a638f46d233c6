"""Which subscriptions a change set concerns.

Codes, sources and terms are compared directly; saved searches go through the search backend,
restricted to the changed entries (alerts.search_match). Editorial changes (letter case,
punctuation) reach only subscriptions that asked for `significance: all`; formatting noise never
becomes a change in the first place (nlp/changes/noise.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from alerts.model import CodeSpec, SearchSpec, SourceSpec, TermSpec
from alerts.search_match import BackendFactory, match_searches
from alerts.subscriptions import Subscription
from indexer.changes import ChangeRow
from indexer.store import Store
from nlp.changes.definitions import term_form
from nlp.match.codes import canonical_code

_GROUP = re.compile(r"(\d)\.?([A-E])?")  # a category (3) or group (3A, Wassenaar 3.A) as a prefix


@dataclass(frozen=True)
class Match:
    subscription: Subscription
    change: ChangeRow
    reason: str


def change_code(change: ChangeRow, *, old: bool = False) -> str:
    """The code of the changed entry (its id without jurisdiction and @language)."""
    entry_id = (change.old_entry_id or change.entry_id) if old else change.entry_id
    return entry_id.split(":", 1)[-1].split("@", 1)[0]


def within(code: str, prefix: str) -> bool:
    """`code` is `prefix` or below it, cutting at whole numbers and labels: 3A001.b.1 is within
    3A001 and 3A, ML1.a within ML1, but ML10 is not within ML1 nor 3A0010 within 3A001."""
    code, prefix = code.casefold(), prefix.casefold()
    if code == prefix:
        return True
    if not code.startswith(prefix) or not prefix:
        return False
    nxt, last = code[len(prefix)], prefix[-1]
    if not nxt.isalnum() or not last.isalnum():
        return True
    return nxt.isdigit() != last.isdigit()


def canonical_prefix(jurisdiction: str, prefix: str) -> str | None:
    """The regime key of a code prefix (3A001, 3.A.1 -> 3A001; 3A, 3.A -> 3A; ML8 -> ML8), None
    where the jurisdiction's codes do not align with the regime's."""
    key = canonical_code(jurisdiction, prefix)
    if key is not None:
        return key
    if canonical_code(jurisdiction, "3A001" if jurisdiction != "wa" else "3.A.1") is None:
        return None  # a national numbering (Canada): nothing aligns
    m = _GROUP.fullmatch(prefix)
    return "".join(g for g in m.groups() if g) if m else None


def code_reason(spec: CodeSpec, change: ChangeRow) -> str | None:
    jurisdiction = change.entry_id.split(":", 1)[0]
    codes = {change_code(change), change_code(change, old=True)}
    if jurisdiction == spec.jurisdiction:
        for prefix in spec.codes:
            if any(within(c, prefix) for c in codes):
                return f"code {spec.jurisdiction}:{prefix}"
        return None
    if not spec.include_equivalents:
        return None
    keys = {k for c in codes if (k := canonical_code(jurisdiction, c)) is not None}
    for prefix in spec.codes:
        key = canonical_prefix(spec.jurisdiction, prefix)
        if key is not None and any(within(k, key) for k in keys):
            return f"code {spec.jurisdiction}:{prefix} everywhere (same regime control {key} in {jurisdiction})"
    return None


def source_reason(spec: SourceSpec, change: ChangeRow) -> str | None:
    if change.change_set.source_id in spec.sources:
        return f"source {change.change_set.source_id}"
    jurisdiction = change.entry_id.split(":", 1)[0]
    if jurisdiction in spec.jurisdictions:
        return f"jurisdiction {jurisdiction}"
    return None


def term_reason(spec: TermSpec, change: ChangeRow) -> str | None:
    if change.kind != "definition" or not change.detail.get("term"):
        return None
    jurisdiction = change.entry_id.split(":", 1)[0]
    if spec.jurisdictions and jurisdiction not in spec.jurisdictions:
        return None
    if term_form(str(change.detail["term"])) == term_form(spec.term):
        return f"defined term {spec.term!r}"
    return None


def wanted(sub: Subscription, change: ChangeRow) -> bool:
    return sub.significance == "all" or change.significance == "substantive"


def match_changes(changes: Sequence[ChangeRow], subscriptions: Sequence[Subscription], *,
                  backend_factory: BackendFactory | None, store: Store | None = None) -> list[Match]:
    """Every (subscription, change) pair that should alert, in change order then subscription id.
    Saved searches need `backend_factory` (a scratch index of the backend in use)."""
    subs = [s for s in subscriptions if s.active]
    searches = [s for s in subs if isinstance(s.spec, SearchSpec)]
    found: dict[tuple[int, int], str] = {}
    if searches and backend_factory is not None:
        for sub_id, hits in match_searches(backend_factory, changes, searches, store).items():
            for seq, why in hits.items():
                found[(seq, sub_id)] = why
    for change in changes:
        for sub in subs:
            spec = sub.spec
            reason: str | None = None
            if isinstance(spec, CodeSpec):
                reason = code_reason(spec, change)
            elif isinstance(spec, SourceSpec):
                reason = source_reason(spec, change)
            elif isinstance(spec, TermSpec):
                reason = term_reason(spec, change)
            if reason is not None:
                found[(change.seq, sub.id)] = reason
    by_seq = {c.seq: c for c in changes}
    by_id = {s.id: s for s in subs}
    return [Match(by_id[sub_id], by_seq[seq], reason) for (seq, sub_id), reason in sorted(found.items())
            if wanted(by_id[sub_id], by_seq[seq])]
