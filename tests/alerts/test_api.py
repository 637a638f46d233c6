"""The subscription and alert routes: team scoping (tests/api/team_scope.py), validation errors
in the API's one error shape, the public-by-token Atom feed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from exportwatch.api.app import create_app
from tests.api.builder import Keys, build
from tests.api.team_scope import assert_team_scoped

BODY = {"name": "3A001 everywhere", "spec": {"kind": "code", "jurisdiction": "eu", "codes": ["3A001"],
                                             "include_equivalents": True},
        "frequency": "daily", "channels": [{"kind": "webhook", "url": "https://93.184.216.34/hook"}, {"kind": "feed"}]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys]]:
    settings, keys = build(tmp_path_factory.mktemp("alerts-api") / "site")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, keys


def h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def create(client: TestClient, key: str) -> str:
    r = client.post("/api/subscriptions", json=BODY, headers=h(key))
    assert r.status_code == 201, r.text
    return f"/api/subscriptions/{r.json()['id']}"


def test_subscriptions_are_team_scoped(site: tuple[TestClient, Keys]) -> None:
    client, keys = site
    assert_team_scoped(client, keys, create=create, list_path="/api/subscriptions", change=[("DELETE", None)],
                       creator=keys.member)


def test_create_shows_the_secret_once(site: tuple[TestClient, Keys]) -> None:
    client, keys = site
    r = client.post("/api/subscriptions", json=BODY, headers=h(keys.admin))
    created = r.json()
    webhook = next(c for c in created["channels"] if c["kind"] == "webhook")
    assert webhook["secret"].startswith("whsec_") and len(webhook["secret"]) > 40
    again = client.get(f"/api/subscriptions/{created['id']}", headers=h(keys.admin)).json()
    assert next(c for c in again["channels"] if c["kind"] == "webhook")["secret"] == "whsec_…"
    assert client.post("/api/subscriptions", json=BODY, headers=h(keys.readonly)).status_code == 403
    assert client.get("/api/subscriptions").status_code == 401


@pytest.mark.parametrize(("change", "says"), [
    ({"spec": {"kind": "code", "jurisdiction": "eu", "codes": ["eu:3A001"]}}, "without its jurisdiction"),
    ({"spec": {"kind": "search", "query": "radar", "mode": "semantic"}}, "cannot drive alerts"),
    ({"spec": {"kind": "search", "query": '"unbalanced'}}, "unbalanced quote"),
    ({"spec": {"kind": "source"}}, "at least one source or jurisdiction"),
    ({"frequency": "hourly"}, "frequency"),
    ({"channels": []}, "channels"),
    ({"channels": [{"kind": "email", "address": "not-an-address"}]}, "not an e-mail address"),
    ({"channels": [{"kind": "webhook", "url": "https://169.254.169.254/latest"}]}, "link-local"),
    ({"channels": [{"kind": "webhook", "url": "https://93.184.216.34/h", "secret": "short"}]}, "whsec_"),
])
def test_invalid_subscriptions_are_refused_with_a_clear_message(site: tuple[TestClient, Keys],
                                                                change: dict[str, object], says: str) -> None:
    client, keys = site
    r = client.post("/api/subscriptions", json={**BODY, **change}, headers=h(keys.admin))
    assert r.status_code in (400, 422), r.text
    assert says in r.text


def test_feed_is_public_by_token_and_alerts_list_is_scoped(site: tuple[TestClient, Keys]) -> None:
    client, keys = site
    created = client.post("/api/subscriptions", json=BODY, headers=h(keys.admin)).json()
    url = next(c["url"] for c in created["channels"] if c["kind"] == "feed")
    path = url[url.index("/api/feeds/"):]
    r = client.get(path)  # no key: feed readers cannot send one
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(r.content, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.findtext("{http://www.w3.org/2005/Atom}title") == "ExportWatch: 3A001 everywhere"
    assert client.get("/api/feeds/" + "x" * 43 + ".atom").status_code == 404
    listed = client.get("/api/alerts?status=pending", headers=h(keys.other_admin)).json()
    assert listed["total"] == 0 and listed["items"] == []
    assert client.get("/api/alerts?status=bogus", headers=h(keys.admin)).status_code in (400, 422)


def test_openapi_lists_the_routes(site: tuple[TestClient, Keys], tmp_path: Path) -> None:
    client, _ = site
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/subscriptions", "/api/subscriptions/{subscription_id}", "/api/alerts",
            "/api/feeds/{token}.atom"} <= set(paths)
