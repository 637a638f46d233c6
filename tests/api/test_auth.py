"""Keys, roles and team scoping.

The pattern for every team-owned resource (keys here; subscriptions and alerts later): one team
creates it, the other team's admin can neither list, read nor change it and gets 404 (not 403,
which would confirm that it exists); a read-only key cannot write; a revoked key stops at once.
tests/api/team_scope.py:assert_team_scoped runs that check for any resource.
"""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from fastapi.testclient import TestClient

from exportwatch.api.app import create_app
from exportwatch.settings import Settings
from tests.api.builder import Keys
from tests.api.conftest import auth
from tests.api.team_scope import assert_team_scoped


def code_of(response: object) -> str:
    return str(response.json()["error"]["code"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["/api/sources", "/api/search?q=frequency", "/api/entries/eu:3A001",
                                 "/api/me", "/api/keys"])
def test_key_only_data_and_team_routes_need_a_key(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 401 and code_of(r) == "unauthorized"
    assert "X-API-Key" in r.json()["error"]["message"]


@pytest.mark.parametrize("bad", ["nonsense", "ewk_00000000_" + "A" * 43, "Bearer xyz", ""])
def test_wrong_keys_are_401_even_where_data_is_public(public_client: TestClient, bad: str) -> None:
    r = public_client.get("/api/sources", headers=auth(bad))
    if bad == "":
        assert r.status_code == 200  # an empty header is no key: public data is served
        return
    assert r.status_code == 401 and code_of(r) == "unauthorized"


def test_public_data_needs_no_key_but_team_routes_still_do(public_client: TestClient) -> None:
    assert public_client.get("/api/search?q=frequency").status_code == 200
    assert public_client.get("/api/entries/eu:3A001").status_code == 200
    assert public_client.get("/api/me").status_code == 401


def test_a_key_in_the_query_string_is_refused(public_client: TestClient, keys: Keys) -> None:
    for name in ("X-API-Key", "api_key"):
        r = public_client.get(f"/api/sources?{name}={keys.admin}")
        assert r.status_code == 401 and "X-API-Key header" in r.json()["error"]["message"]


def test_a_valid_key_of_any_role_reads_data(client: TestClient, keys: Keys) -> None:
    for key in (keys.readonly, keys.member, keys.admin, keys.other_admin):
        assert client.get("/api/search?q=frequency", headers=auth(key)).status_code == 200


def test_me_names_the_team_and_role(client: TestClient, keys: Keys) -> None:
    me = client.get("/api/me", headers=auth(keys.member)).json()
    assert me["team"]["name"] == "acme" and me["key"]["role"] == "member"
    assert keys.member.split("_", 2)[2] not in str(me)  # the secret part is never echoed


def test_read_only_and_member_cannot_create_keys(client: TestClient, keys: Keys) -> None:
    for key in (keys.readonly, keys.member):
        r = client.post("/api/keys", json={"role": "admin"}, headers=auth(key))
        assert r.status_code == 403 and code_of(r) == "forbidden"
    r = client.get("/api/keys", headers=auth(keys.readonly))
    assert r.status_code == 403  # listing needs member


def test_admin_creates_a_key_that_works_and_is_stored_hashed(fresh_home: tuple[Settings, Keys]) -> None:
    settings, keys = fresh_home
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/keys", json={"role": "member", "label": "ci"}, headers=auth(keys.admin))
        assert r.status_code == 201
        token = r.json()["token"]
        assert r.json()["key"]["team"] == "acme" and r.json()["key"]["role"] == "member"
        assert c.get("/api/me", headers=auth(token)).json()["key"]["label"] == "ci"
        listed = c.get("/api/keys", headers=auth(keys.admin)).json()
        assert "token" not in str(listed.get("items")) and token not in str(listed)
    db = sqlite3.connect(settings.store_path)
    dump = "\n".join(db.iterdump())
    assert token not in dump and token.split("_", 2)[2] not in dump  # only the sha256 is stored


def test_revoked_key_is_refused_at_once(fresh_home: tuple[Settings, Keys]) -> None:
    settings, keys = fresh_home
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        created = c.post("/api/keys", json={"role": "read-only"}, headers=auth(keys.admin)).json()
        assert c.get("/api/sources", headers=auth(created["token"])).status_code == 200
        r = c.delete(f"/api/keys/{created['key']['id']}", headers=auth(keys.admin))
        assert r.status_code == 200 and r.json()["revoked_at"]
        r = c.get("/api/sources", headers=auth(created["token"]))
        assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]


def test_a_team_never_sees_or_changes_another_teams_keys(fresh_home: tuple[Settings, Keys]) -> None:
    settings, keys = fresh_home
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        acme = c.get("/api/keys", headers=auth(keys.admin)).json()
        globex = c.get("/api/keys", headers=auth(keys.other_admin)).json()
        assert {k["team"] for k in acme["items"]} == {"acme"} and acme["total"] == 3
        assert {k["team"] for k in globex["items"]} == {"globex"} and globex["total"] == 1
        acme_key_id = acme["items"][0]["id"]
        for method in ("GET", "DELETE"):
            r = c.request(method, f"/api/keys/{acme_key_id}", headers=auth(keys.other_admin))
            assert r.status_code == 404 and code_of(r) == "not_found"
        # Nothing changed: acme's key still works.
        assert c.get("/api/me", headers=auth(keys.admin)).status_code == 200
        assert c.get(f"/api/keys/{acme_key_id}", headers=auth(keys.admin)).json()["revoked_at"] is None


def test_keys_pass_the_team_scope_check(fresh_home: tuple[Settings, Keys]) -> None:
    settings, keys = fresh_home

    def create(c: TestClient, key: str) -> str:
        r = c.post("/api/keys", json={"role": "read-only", "label": "scoped"}, headers=auth(key))
        assert r.status_code == 201
        return f"/api/keys/{r.json()['key']['id']}"

    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert_team_scoped(c, keys, create=create, list_path="/api/keys", change=[("DELETE", None)])


def test_public_setting_does_not_open_team_routes(settings: Settings) -> None:
    with TestClient(create_app(dataclasses.replace(settings, public_data=True))) as c:
        assert c.post("/api/keys", json={"role": "admin"}).status_code == 401
