"""Code, source and term matching rules, on change rows shaped as the store holds them."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.matching import canonical_prefix, code_reason, source_reason, term_reason, within
from alerts.model import CodeSpec, SourceSpec, TermSpec
from indexer.changes import ChangeRow, ChangeSetRow
from indexer.store import VersionRow


def _version(vid: int, day: str) -> VersionRow:
    return VersionRow(vid, "wa-dual-use", "x", dt.date.fromisoformat(day), "t", 1, "", 0, [], {})


CS = ChangeSetRow(1, "wa-dual-use", _version(1, "2024-12-01"), _version(2, "2025-12-01"), "1", "", {}, [])


def change(entry_id: str, *, kind: str = "amended", old: str | None = None, detail: dict[str, object] | None = None
           ) -> ChangeRow:
    return ChangeRow(CS, 1, entry_id, old, kind, "substantive", "en", "s", detail or {})


@pytest.mark.parametrize(("code", "prefix", "inside"), [
    ("3A001.b.1", "3A001", True), ("3A001", "3A001", True), ("3A001.b.1", "3A", True), ("3A001", "3", True),
    ("3A0010", "3A001", False), ("ML10.a", "ML1", False), ("ML1.a", "ML1", True), ("3A002", "3A001", False),
    ("5504(2)(d)", "5504", True), ("5504(2)(d)", "5504(2)", True), ("55040", "5504", False),
    ("3.A.1.b", "3.A.1", True), ("3.A.10", "3.A.1", False), ("9a012.A", "9A012", True),
])
def test_code_prefixes_cut_at_whole_numbers_and_labels(code: str, prefix: str, inside: bool) -> None:
    assert within(code, prefix) is inside


def test_canonical_prefixes() -> None:
    assert canonical_prefix("wa", "3.A.1") == "3A001"
    assert canonical_prefix("us", "3A") == "3A" and canonical_prefix("wa", "3.A") == "3A"
    assert canonical_prefix("au", "ML8") == "ML8"
    assert canonical_prefix("ca", "5504") is None  # Canada's numbering does not align
    assert canonical_prefix("us", "9A515") is None  # national 500-series numbers do not either


def test_everywhere_follows_code_alignment_only_when_asked() -> None:
    wa_change = change("wa:3.A.1.b.2")
    here = CodeSpec(kind="code", jurisdiction="eu", codes=["3A001"])
    everywhere = CodeSpec(kind="code", jurisdiction="eu", codes=["3A001"], include_equivalents=True)
    group = CodeSpec(kind="code", jurisdiction="us", codes=["3A"], include_equivalents=True)
    assert code_reason(here, wa_change) is None
    assert code_reason(everywhere, wa_change) == "code eu:3A001 everywhere (same regime control 3A001 in wa)"
    assert code_reason(group, wa_change) is not None
    assert code_reason(everywhere, change("wa:3.A.2.a")) is None
    assert code_reason(everywhere, change("ca:5504(2)")) is None


def test_a_move_matches_by_its_old_code_too() -> None:
    spec = CodeSpec(kind="code", jurisdiction="wa", codes=["9.A.12"])
    assert code_reason(spec, change("wa:9.A.13.a", kind="moved", old="wa:9.A.12.a")) == "code wa:9.A.12"


def test_sources_jurisdictions_and_terms() -> None:
    assert source_reason(SourceSpec(kind="source", sources=["wa-dual-use"]), change("wa:1.A.1")) == "source wa-dual-use"
    assert source_reason(SourceSpec(kind="source", jurisdictions=["wa"]), change("wa:1.A.1")) == "jurisdiction wa"
    assert source_reason(SourceSpec(kind="source", jurisdictions=["eu"]), change("wa:1.A.1")) is None
    definition = change("wa:def:technology", kind="definition", detail={"term": "Technology"})
    assert term_reason(TermSpec(kind="term", term="TECHNOLOGY"), definition) == "defined term 'TECHNOLOGY'"
    assert term_reason(TermSpec(kind="term", term="technology", jurisdictions=["eu"]), definition) is None
    assert term_reason(TermSpec(kind="term", term="technology"), change("wa:1.A.1")) is None
