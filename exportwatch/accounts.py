"""Teams and API keys: who may read the data and who may change a team's resources.

A key is `ewk_<prefix>_<secret>`: the prefix is public (it finds the row and names the key in
listings), the secret is 256 random bits. Only sha256(token) is stored. A fast unsalted hash is
enough here because the token is high-entropy: salts and slow KDFs (bcrypt, argon2) exist to stop
dictionary attacks on human-chosen passwords, and nobody can enumerate 2^256 secrets, so a leaked
table does not reveal usable keys. A slow KDF would only cost milliseconds on every request.
The stored hash is compared with `hmac.compare_digest`, in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Literal, cast

from exportwatch.errors import ExportWatchError, NotFoundError
from indexer.store import Store

Role = Literal["admin", "member", "read-only"]
ROLES: tuple[Role, ...] = ("admin", "member", "read-only")
# A role may do everything the roles below it may.
_RANK: dict[str, int] = {"read-only": 0, "member": 1, "admin": 2}
_TOKEN = re.compile(r"ewk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
_TEAM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
# Writing last_used_at on every request would turn each read into a write; minutes are enough
# to tell a live key from a forgotten one.
_TOUCH_EVERY = dt.timedelta(minutes=10)


class AuthenticationError(ExportWatchError):
    """No API key, or one that is malformed, unknown or revoked (HTTP 401)."""


class PermissionDeniedError(ExportWatchError):
    """The key is valid but its role may not do this (HTTP 403)."""


class AccountError(ExportWatchError):
    """An invalid team name, role or key reference (HTTP 400)."""

    exit_code = 2


class ConflictError(ExportWatchError):
    """The thing to create exists already (HTTP 409)."""

    exit_code = 2


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    created_at: str


@dataclass(frozen=True)
class ApiKey:
    id: int
    team_id: int
    team: str
    prefix: str
    role: Role
    label: str
    created_at: str
    revoked_at: str | None
    last_used_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, minimum: Role) -> bool:
        """True if this key's role is `minimum` or above (admin > member > read-only)."""
        return _RANK[self.role] >= _RANK[minimum]


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # shown once; only its hash is stored


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
    return role


# --- teams -------------------------------------------------------------------------------------

def create_team(store: Store, name: str) -> Team:
    if not _TEAM_NAME.fullmatch(name):
        raise AccountError(f"team name {name!r}: use 1-64 letters, digits, spaces, '.', '_' or '-', "
                               "starting with a letter or digit")
    try:
        with store.transaction() as db:
            cur = db.execute("INSERT INTO teams(name, created_at) VALUES (?, ?)", (name, _now()))
    except sqlite3.IntegrityError:
        raise ConflictError(f"team {name!r} exists already") from None
    return team(store, int(cur.lastrowid or 0))


def team(store: Store, ref: int | str) -> Team:
    """A team by id or by name (names are case-insensitive)."""
    column = "id" if isinstance(ref, int) else "name"
    row = store.db.execute(f"SELECT * FROM teams WHERE {column}=?", (ref,)).fetchone()
    if row is None:
        raise NotFoundError(f"no team {ref!r}")
    return Team(row["id"], row["name"], row["created_at"])


def teams(store: Store) -> list[Team]:
    return [Team(r["id"], r["name"], r["created_at"])
            for r in store.db.execute("SELECT * FROM teams ORDER BY name")]


# --- keys --------------------------------------------------------------------------------------

_KEY_SQL = "SELECT k.*, t.name AS team_name FROM api_keys k JOIN teams t ON t.id = k.team_id"


def _key(row: sqlite3.Row) -> ApiKey:
    return ApiKey(id=row["id"], team_id=row["team_id"], team=row["team_name"], prefix=row["prefix"],
                  role=cast(Role, row["role"]), label=row["label"], created_at=row["created_at"],
                  revoked_at=row["revoked_at"], last_used_at=row["last_used_at"])


def create_key(store: Store, team_ref: int | str, role: str, label: str = "") -> NewKey:
    """A new key for a team. The returned token is the only copy: it cannot be shown again."""
    owner = team(store, team_ref)
    checked = check_role(role)
    for _ in range(5):  # 8 hex digits: a collision is rare, retry it rather than fail
        prefix = secrets.token_hex(4)
        token = f"ewk_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with store.transaction() as db:
                cur = db.execute(
                    "INSERT INTO api_keys(team_id, prefix, token_sha256, role, label, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)", (owner.id, prefix, hash_token(token), checked, label, _now()))
        except sqlite3.IntegrityError:
            continue
        return NewKey(key_by_id(store, int(cur.lastrowid or 0)), token)
    raise ExportWatchError("could not allocate a unique key prefix; try again")


def key_by_id(store: Store, key_id: int, *, team_id: int | None = None) -> ApiKey:
    """A key by id. With `team_id`, another team's key is reported as missing: a team never
    learns what other teams hold."""
    row = store.db.execute(f"{_KEY_SQL} WHERE k.id=?", (key_id,)).fetchone()
    if row is None or (team_id is not None and row["team_id"] != team_id):
        raise NotFoundError(f"no API key {key_id}")
    return _key(row)


def find_key(store: Store, ref: str) -> ApiKey:
    """A key by id (`12`) or by prefix (`ewk_1a2b3c4d` or `1a2b3c4d`)."""
    if ref.isdigit():
        return key_by_id(store, int(ref))
    prefix = ref.removeprefix("ewk_").split("_", 1)[0]
    row = store.db.execute(f"{_KEY_SQL} WHERE k.prefix=?", (prefix,)).fetchone()
    if row is None:
        raise NotFoundError(f"no API key {ref!r}")
    return _key(row)


def keys(store: Store, *, team_id: int | None = None, limit: int = 1000, offset: int = 0) -> list[ApiKey]:
    where, args = (" WHERE k.team_id=?", [team_id]) if team_id is not None else ("", [])
    rows = store.db.execute(f"{_KEY_SQL}{where} ORDER BY k.id LIMIT ? OFFSET ?", (*args, limit, offset))
    return [_key(r) for r in rows]


def count_keys(store: Store, *, team_id: int | None = None) -> int:
    if team_id is None:
        return int(store.db.execute("SELECT count(*) FROM api_keys").fetchone()[0])
    return int(store.db.execute("SELECT count(*) FROM api_keys WHERE team_id=?", (team_id,)).fetchone()[0])


def revoke_key(store: Store, key_id: int, *, team_id: int | None = None) -> ApiKey:
    """Revoke a key (idempotent: revoking twice keeps the first date)."""
    key_by_id(store, key_id, team_id=team_id)
    with store.transaction() as db:
        db.execute("UPDATE api_keys SET revoked_at=? WHERE id=? AND revoked_at IS NULL", (_now(), key_id))
    return key_by_id(store, key_id)


def authenticate(store: Store, token: str | None) -> ApiKey:
    """The active key for `token`, or AuthenticationError saying what is wrong with it."""
    if not token:
        raise AuthenticationError("an API key is required: send it in the X-API-Key header")
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        raise AuthenticationError("malformed API key: expected ewk_<8 hex digits>_<43 characters>")
    row = store.db.execute(f"{_KEY_SQL} WHERE k.prefix=?", (match.group(1),)).fetchone()
    # Compare against a dummy hash when the prefix is unknown, so both failures cost the same.
    stored = row["token_sha256"] if row is not None else hash_token("")
    if not hmac.compare_digest(hash_token(token.strip()), stored) or row is None:
        raise AuthenticationError("invalid API key")
    key = _key(row)
    if not key.active:
        raise AuthenticationError(f"API key ewk_{key.prefix} was revoked at {key.revoked_at}")
    _touch(store, key)
    return key


def _touch(store: Store, key: ApiKey) -> None:
    now = dt.datetime.now(dt.UTC)
    if key.last_used_at and now - dt.datetime.fromisoformat(key.last_used_at) < _TOUCH_EVERY:
        return
    # Best effort: a busy store must not turn a valid read into an error.
    try:
        store.db.execute("UPDATE api_keys SET last_used_at=? WHERE id=?",
                         (now.isoformat(timespec="seconds"), key.id))
    except sqlite3.Error:
        return
