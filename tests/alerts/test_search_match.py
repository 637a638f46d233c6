"""Saved searches matched against a change set through each search backend: the same contract
for the embedded backend and a real Elasticsearch node (the contract suite's fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.pipeline import changes_of
from alerts.search_match import BackendFactory, ScratchBackend, embedded_scratch, match_searches
from indexer.changes import ChangeSetRow
from indexer.store import Store
from tests.alerts.builder import make_team
from tests.contract.conftest import dispose, make_elastic


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.slow)])
def factory(request: pytest.FixtureRequest) -> Iterator[BackendFactory]:
    if request.param == "embedded":
        yield embedded_scratch
        return
    url = request.getfixturevalue("es_url")
    request.getfixturevalue("es_client")

    def elastic() -> ScratchBackend:
        backend = make_elastic(url)
        return ScratchBackend(backend, lambda: dispose(backend))

    yield elastic


def search_sub(store: Store, team: int, name: str, **spec: Any) -> subs.Subscription:
    data = subs.parse_input({"name": name, "spec": {"kind": "search", **spec}, "channels": [{"kind": "feed"}]})
    return subs.create(store, team, data, AlertSettings())


def matched(store: Store, cs: ChangeSetRow, factory: BackendFactory, **spec: Any) -> set[str]:
    team = make_team(store, f"t{store.db.execute('SELECT count(*) FROM teams').fetchone()[0]}")
    sub = search_sub(store, team, "s", **spec)
    changes = {c.seq: c.entry_id for c in changes_of(store, cs)}
    hits = match_searches(factory, list(changes_of(store, cs)), [sub], store)
    return {changes[seq] for seq in hits.get(sub.id, {})}


def test_a_phrase_matches_changed_entries_before_or_after_only(store: Store, change_set: ChangeSetRow,
                                                               factory: BackendFactory) -> None:
    # 1C010 says "unmanned aerial vehicles" but did not change: no alert. The 9A012 sub-items
    # that changed match through their ancestor heading "Unmanned aerial vehicles", as in
    # `exportwatch search`; 9A012.a.4 also by its own (removed) text.
    assert matched(store, change_set, factory, query='"unmanned aerial vehicles"') == {
        "us:9A012.a.2", "us:9A012.a.4", "us:9A012.a.5"}
    # Text that only the removed entry had: the old side of a change is searched too.
    assert matched(store, change_set, factory, query="autonomous flight") == {"us:9A012.a.4"}
    assert matched(store, change_set, factory, query="unmanned endurance") == {"us:9A012.a.2"}


def test_words_stemming_and_codes(store: Store, change_set: ChangeSetRow, factory: BackendFactory) -> None:
    assert matched(store, change_set, factory, query="synthesizer") == {"us:3A001.b"}
    assert matched(store, change_set, factory, query="inertial measurement") == {"us:9A012.a.5"}
    assert matched(store, change_set, factory, query="9A012") == {"us:9A012.a.2", "us:9A012.a.4", "us:9A012.a.5"}
    assert matched(store, change_set, factory, query="3.A.1.b") == {"us:3A001.b"}  # Wassenaar notation
    assert matched(store, change_set, factory, query="cryptography") == {"us:5A002"}
    assert matched(store, change_set, factory, query="nothing-like-this") == set()


def test_filters_apply(store: Store, change_set: ChangeSetRow, factory: BackendFactory) -> None:
    assert matched(store, change_set, factory, query="9A012", jurisdictions=["eu"]) == set()
    assert matched(store, change_set, factory, query="9A012", sources=["us-ecfr-ccl"]) != set()
    assert matched(store, change_set, factory, query="hours OR ps", code_prefixes=["3A"]) == {"us:3A001.b"}
    assert matched(store, change_set, factory, query="vehicles NOT autonomous") == {"us:9A012.a.2", "us:9A012.a.5"}


def test_change_kind_filter(store: Store, change_set: ChangeSetRow, factory: BackendFactory) -> None:
    kinds = {c.entry_id: c.kind for c in changes_of(store, change_set)}
    every = matched(store, change_set, factory, query="9A012")
    assert len({kinds[e] for e in every}) > 1  # the filter below has something to tell apart
    for kind in {kinds[e] for e in every}:
        assert matched(store, change_set, factory, query="9A012", change_kinds=[kind]) == {
            e for e in every if kinds[e] == kind}
    assert matched(store, change_set, factory, query="9A012", change_kinds=sorted(set(kinds.values()))) == every


def test_change_kind_must_be_a_change(store: Store) -> None:
    team = make_team(store, "kinds")
    with pytest.raises(subs.SubscriptionError, match="change_kinds"):
        search_sub(store, team, "bad", query="laser", change_kinds=["unchanged"])
