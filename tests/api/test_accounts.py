"""Accounts: teams, key tokens, hashing, constant-time check, and the CLI that manages them."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportwatch import accounts
from exportwatch.accounts import AccountError, AuthenticationError, ConflictError
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.errors import NotFoundError
from indexer.store import Store

register_all(cli)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite")
    accounts.create_team(s, "acme")
    return s


def test_token_shape_and_stored_hash(store: Store) -> None:
    new = accounts.create_key(store, "acme", "member", "ci")
    assert re.fullmatch(r"ewk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", new.token)
    assert new.token.startswith(f"ewk_{new.key.prefix}_")
    row = store.db.execute("SELECT token_sha256 FROM api_keys WHERE id=?", (new.key.id,)).fetchone()
    assert row[0] == hashlib.sha256(new.token.encode()).hexdigest()
    assert accounts.authenticate(store, new.token).id == new.key.id


def test_every_failure_is_an_authentication_error(store: Store) -> None:
    new = accounts.create_key(store, "acme", "admin")
    wrong_secret = new.token[:-1] + ("A" if new.token[-1] != "A" else "B")
    for token in (None, "", "ewk_short", wrong_secret, "ewk_ffffffff_" + "x" * 43):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(store, token)
    accounts.revoke_key(store, new.key.id)
    with pytest.raises(AuthenticationError, match="revoked"):
        accounts.authenticate(store, new.token)


def test_roles_rank(store: Store) -> None:
    keys = {r: accounts.create_key(store, "acme", r).key for r in accounts.ROLES}
    assert keys["admin"].allows("member") and keys["admin"].allows("read-only")
    assert keys["member"].allows("read-only") and not keys["member"].allows("admin")
    assert not keys["read-only"].allows("member")
    with pytest.raises(AccountError, match="unknown role"):
        accounts.create_key(store, "acme", "owner")


def test_team_names_are_unique_and_checked(store: Store) -> None:
    with pytest.raises(ConflictError):
        accounts.create_team(store, "ACME")
    with pytest.raises(AccountError):
        accounts.create_team(store, "-bad")
    with pytest.raises(NotFoundError):
        accounts.create_key(store, "nobody", "admin")


def test_revoke_is_scoped_to_the_team(store: Store) -> None:
    accounts.create_team(store, "globex")
    key = accounts.create_key(store, "acme", "member").key
    other = accounts.team(store, "globex")
    with pytest.raises(NotFoundError):
        accounts.revoke_key(store, key.id, team_id=other.id)
    assert accounts.key_by_id(store, key.id).active


def test_cli_creates_lists_and_revokes(tmp_path: Path) -> None:
    env = {"EXPORTWATCH_HOME": str(tmp_path)}
    runner = CliRunner()
    r = runner.invoke(cli, ["teams", "create", "acme", "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.output)["name"] == "acme"
    r = runner.invoke(cli, ["teams", "create", "acme"], env=env)
    assert r.exit_code == 2 and "exists already" in r.output
    r = runner.invoke(cli, ["keys", "create", "--team", "acme", "--role", "read-only", "--label", "ci"], env=env)
    assert r.exit_code == 0
    token = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"ewk_[0-9a-f]{8}_\S{43}", token)
    listed = runner.invoke(cli, ["keys", "list", "--json"], env=env)
    rows = json.loads(listed.stdout)
    assert [(k["team"], k["role"], k["label"]) for k in rows] == [("acme", "read-only", "ci")]
    assert token.split("_", 2)[2] not in listed.stdout  # the token is shown once, never listed
    r = runner.invoke(cli, ["keys", "revoke", rows[0]["prefix"], "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.stdout)["revoked_at"]
    r = runner.invoke(cli, ["keys", "revoke", "ewk_00000000"], env=env)
    assert r.exit_code == 3
    r = runner.invoke(cli, ["keys", "create", "--team", "acme", "--role", "owner"], env=env)
    assert r.exit_code == 2
