"""Regulatory data through the API: sources and health, entries with citations, search."""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi.testclient import TestClient

from tests.api.builder import CA_EN, HOSTILE, Keys, eu_bytes
from tests.api.conftest import auth


def test_health_needs_no_key(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["public_data"] is False


def test_sources_report_health_lag_and_index_state(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/sources", headers=auth(keys.readonly))
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 3 and page["next"] is None
    by_id = {s["id"]: s for s in page["items"]}
    eu = by_id["eu-annex-i"]
    assert eu["current_version"] == "2022-05-05" and eu["versions"] == 2 and eu["entries"] == 7
    today = dt.datetime.now(dt.UTC).date()
    assert eu["lag_days"] == (today - dt.date(2022, 5, 5)).days
    assert eu["last_status"] == "new-version" and eu["last_success"] is not None
    assert eu["index"] == {"backend": "embedded", "indexed_version_id": eu["index"]["indexed_version_id"],
                           "up_to_date": True, "updated_at": eu["index"]["updated_at"]}
    never = by_id["au-dsgl"]
    assert never["current_version"] is None and never["lag_days"] is None and never["last_success"] is None
    assert never["versions"] == 0


def test_sources_paginate_with_next_links(client: TestClient, keys: Keys) -> None:
    seen, url = [], "/api/sources?limit=2"
    while url:
        page = client.get(url, headers=auth(keys.readonly)).json()
        assert page["limit"] == 2 and page["total"] == 3
        seen += [s["id"] for s in page["items"]]
        url = page["next"]
    assert seen == ["eu-annex-i", "ca-ecl", "au-dsgl"]  # sources-file order, each once


def test_unknown_source_is_404(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/sources/nope", headers=auth(keys.readonly))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_entry_has_text_notes_children_and_a_citation_to_the_exact_bytes(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/entries/eu:3A001.b.1", headers=auth(keys.readonly))
    assert r.status_code == 200
    e = r.json()
    assert e["text"] == "Vacuum electronic devices operating at frequencies above 43.5 GHz."
    assert e["notes"][0]["label"] == "Note 1"
    assert e["parent_id"] == "eu:3A001.b" and e["path"] == ["3", "3A", "3A001", "3A001.b", "3A001.b.1"]
    assert e["source"]["version_date"] == "2022-05-05" and e["as_of"] is None
    sha = hashlib.sha256(eu_bytes(2)).hexdigest()
    assert e["source"]["documents"] == [{"url": e["source"]["documents"][0]["url"], "sha256": sha, "language": "en"}]
    assert "3A001.b.1" in e["citation"] and "2022-05-05" in e["citation"] and sha in e["citation"]
    parent = client.get("/api/entries/eu:3A001.b", headers=auth(keys.readonly)).json()
    assert [c["entry_id"] for c in parent["children"]] == ["eu:3A001.b.1", "eu:3A001.b.11", "eu:3A001.b.12"]


def test_entry_as_of_reads_the_version_in_force_then(client: TestClient, keys: Keys) -> None:
    old = client.get("/api/entries/eu:3A001.b.1?as_of=2022-03-01", headers=auth(keys.readonly)).json()
    assert old["text"].endswith("above 31 GHz.") and old["source"]["version_date"] == "2022-01-07"
    assert old["as_of"] == "2022-03-01"
    assert old["validity"] == {"from": "2022-01-07", "to": "2022-05-05"}  # the text changed in the next version
    assert hashlib.sha256(eu_bytes(1)).hexdigest() in old["citation"]
    # Added in the second version: not in force on the earlier date, nor before the first version.
    r = client.get("/api/entries/eu:3A001.b.12?as_of=2022-03-01", headers=auth(keys.readonly))
    assert r.status_code == 404 and "was not in force on 2022-03-01" in r.json()["error"]["message"]
    assert client.get("/api/entries/eu:3A001.b.1?as_of=2021-01-01", headers=auth(keys.readonly)).status_code == 404


def test_secondary_language_entry_cites_its_own_document(client: TestClient, keys: Keys) -> None:
    fr = client.get("/api/entries/ca:5504(2)@fr", headers=auth(keys.readonly)).json()
    assert fr["heading"] == "Synthétiseurs de fréquence" and fr["language"] == "fr"
    assert [d["language"] for d in fr["source"]["documents"]] == ["fr"]
    en = client.get("/api/entries/ca:5504(2)", headers=auth(keys.readonly)).json()
    assert [d["url"] for d in en["source"]["documents"]] == [CA_EN]


def test_unknown_entry_is_404_with_similar_ids(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/entries/eu:3A001.b.9", headers=auth(keys.readonly))
    assert r.status_code == 404
    body = r.json()["error"]
    assert body["code"] == "not_found" and "similar: eu:3A001.b" in body["message"]


def test_search_returns_marked_snippets_and_filters(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/search", params={"q": "frequency synthesizer"}, headers=auth(keys.readonly))
    assert r.status_code == 200
    page = r.json()
    ids = [h["entry_id"] for h in page["items"]]
    # British and American spellings both match; the Canadian entry and the EU entry are found.
    assert "eu:3A001.b.11" in ids and "ca:5504(2)" in ids
    eu_hit = next(h for h in page["items"] if h["entry_id"] == "eu:3A001.b.11")
    assert "<mark>" in eu_hit["snippet"]
    only_ca = client.get("/api/search", params={"q": "frequency synthesizer", "jurisdiction": "ca"},
                         headers=auth(keys.readonly)).json()
    assert only_ca["items"] and {h["jurisdiction"] for h in only_ca["items"]} == {"ca"}
    assert only_ca["filters"]["jurisdiction"] == ["ca"]


def test_search_pages_are_consistent(client: TestClient, keys: Keys) -> None:
    full = client.get("/api/search", params={"q": "frequency", "limit": 50}, headers=auth(keys.readonly)).json()
    assert full["total"] == len(full["items"]) >= 4 and full["next"] is None
    seen, url = [], "/api/search?q=frequency&limit=2"
    while url:
        page = client.get(url, headers=auth(keys.readonly)).json()
        assert page["total"] == full["total"]
        seen += [h["entry_id"] for h in page["items"]]
        url = page["next"]
    assert seen == [h["entry_id"] for h in full["items"]]


def test_facets_lift_their_own_filter(client: TestClient, keys: Keys) -> None:
    page = client.get("/api/search", params={"q": "frequency", "jurisdiction": "ca", "facets": "true"},
                      headers=auth(keys.readonly)).json()
    jurisdictions = {f["value"]: f["count"] for f in page["facets"]["jurisdiction"]}
    everywhere = client.get("/api/search", params={"q": "frequency", "jurisdiction": "eu"},
                            headers=auth(keys.readonly)).json()["total"]
    # The ca filter is lifted for its own facet: the user can see how many EU hits switching gives.
    assert jurisdictions["ca"] == page["total"] and jurisdictions["eu"] == everywhere > 0
    languages = {f["value"]: f["count"] for f in page["facets"]["language"]}
    assert sum(languages.values()) == page["total"]  # other facets count the filtered hits
    assert client.get("/api/search?q=frequency", headers=auth(keys.readonly)).json()["facets"] is None


def test_hostile_text_is_returned_verbatim_as_json(client: TestClient, keys: Keys) -> None:
    e = client.get("/api/entries/eu:3A001.b.12", headers=auth(keys.readonly)).json()
    assert e["text"] == HOSTILE  # the API returns data; escaping is the page's job (see test_web)


def test_code_query_lists_the_code_and_sub_items(client: TestClient, keys: Keys) -> None:
    page = client.get("/api/search", params={"q": "3A001.b"}, headers=auth(keys.readonly)).json()
    assert page["items"][0]["entry_id"] == "eu:3A001.b"
    assert {h["entry_id"] for h in page["items"]} == {"eu:3A001.b", "eu:3A001.b.1", "eu:3A001.b.11", "eu:3A001.b.12"}


def test_search_change_kind_filter_facet_and_bad_value(client: TestClient, keys: Keys) -> None:
    # EU 2022-05-05 against 2022-01-07: 3A001.b.1's threshold amended, 3A001.b.12 added; the
    # Canadian list has one version (initial).
    params = {"q": "electronic OR frequency OR converters", "limit": 50, "facets": "true"}
    page = client.get("/api/search", params=params, headers=auth(keys.readonly)).json()
    kinds = {h["entry_id"]: h["change_kind"] for h in page["items"]}
    assert kinds["eu:3A001.b.1"] == "amended" and kinds["eu:3A001.b.12"] == "added"
    assert kinds["eu:3A001.b.11"] == "unchanged" and kinds["ca:5504(2)"] == "initial"
    changed = client.get("/api/search", params={**params, "change_kind": ["added", "amended"]},
                         headers=auth(keys.readonly)).json()
    assert {h["entry_id"] for h in changed["items"]} == {"eu:3A001.b.1", "eu:3A001.b.12"}
    assert changed["filters"]["change_kind"] == ["added", "amended"]
    # the facet lifts its own filter (the values one could switch to); the others apply it
    facet = {f["value"]: f["count"] for f in changed["facets"]["change_kind"]}
    assert facet == {k: list(kinds.values()).count(k) for k in set(kinds.values())}
    assert changed["facets"]["jurisdiction"] == [{"value": "eu", "count": 2}]
    bad = client.get("/api/search", params={"q": "frequency", "change_kind": "changed"},
                     headers=auth(keys.readonly))
    assert bad.status_code == 400
    message = bad.json()["error"]["message"]
    assert "unknown change kind 'changed'" in message and "added, amended, moved" in message
