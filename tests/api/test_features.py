"""Feature routes (changes, history, diff, extraction on the entry) over the test store, after the
extraction and change-detection processors ran on it as a crawl runs them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.builder import Keys
from tests.api.conftest import auth


def test_changes_list_the_amendment_and_the_addition(client: TestClient, keys: Keys) -> None:
    page = client.get("/api/changes?source=eu-annex-i", headers=auth(keys.readonly)).json()
    by_entry = {c["entry_id"]: c for c in page["items"]}
    assert by_entry["eu:3A001.b.1"]["kind"] == "amended" and by_entry["eu:3A001.b.12"]["kind"] == "added"
    assert page["total"] == len(page["items"]) == 2
    amended = by_entry["eu:3A001.b.1"]
    assert [s["op"] for s in amended["redline"] if s["op"] != "equal"] == ["delete", "insert"]
    assert amended["from_version"]["version_date"] == "2022-01-07"
    only_added = client.get("/api/changes?kind=added", headers=auth(keys.readonly)).json()
    assert [c["entry_id"] for c in only_added["items"]] == ["eu:3A001.b.12"]
    r = client.get("/api/changes?kind=renamed", headers=auth(keys.readonly))
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_history_and_diff_of_an_entry(client: TestClient, keys: Keys) -> None:
    h = client.get("/api/entries/eu:3A001.b.1/history", headers=auth(keys.readonly)).json()
    intervals = h["sources"][0]["intervals"]
    assert [(i["valid_from"], i["valid_to"]) for i in intervals] == [("2022-01-07", "2022-05-05"), ("2022-05-05", None)]
    assert intervals[1]["change"]["kind"] == "amended"
    d = client.get("/api/entries/eu:3A001.b.1/diff?from=2022-02-01&to=2022-06-01", headers=auth(keys.readonly)).json()
    assert d["changed"] is True and d["change"]["kind"] == "amended"
    assert {p["quantity"] for p in d["change"]["parameters"]} == {"frequency"}
    same = client.get("/api/entries/eu:3A001.b.1/diff?from=2022-06-01&to=2022-07-01", headers=auth(keys.readonly))
    assert same.json()["changed"] is False
    r = client.get("/api/entries/eu:nope/history", headers=auth(keys.readonly))
    assert r.status_code == 404
    r = client.get("/api/entries/eu:3A001.b.1/history?source=nope", headers=auth(keys.readonly))
    assert r.status_code == 400 and "unknown source" in r.json()["error"]["message"]


def test_entry_carries_extracted_parameters(client: TestClient, keys: Keys) -> None:
    e = client.get("/api/entries/eu:3A001.b.1", headers=auth(keys.readonly)).json()
    assert e["extractor"] is not None
    frequency = [p for p in e["parameters"] if p["quantity"] == "frequency"]
    assert frequency and frequency[0]["value"] == 43.5 and frequency[0]["unit"] == "GHz"


@pytest.mark.slow
def test_equivalents_route_answers_per_jurisdiction(client: TestClient, keys: Keys) -> None:
    # Loads an embedding model shipped in a pip package (no download) and embeds the small lists.
    data = client.get("/api/entries/eu:3A001.b.11/equivalents?to=ca", headers=auth(keys.readonly)).json()
    assert data["entry_id"] == "eu:3A001.b.11" and [t["jurisdiction"] for t in data["targets"]] == ["ca"]
    target = data["targets"][0]
    assert target["unilateral"] or {c["entry_id"] for c in target["candidates"]} <= {
        "ca:5504", "ca:5504(2)", "ca:5504(2)(d)"}
    r = client.get("/api/entries/eu:nope/equivalents", headers=auth(keys.readonly))
    assert r.status_code == 404
