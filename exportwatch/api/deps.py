"""Dependencies shared by every router: the service (store + search backend) and who is calling.

Threads: FastAPI runs each sync dependency and each sync endpoint in a worker thread, not
necessarily the same one, and a sqlite3 connection may only be used by the thread that opened it.
So routes take the `Pool` and call `pool.get()` where they use it: every worker thread gets its own
Service, opened once and reused by later requests on that thread.

Auth: the key travels in the `X-API-Key` header (never in a query string: URLs end up in logs,
browser history and Referer headers). Team-owned resources use `CurrentTeam` and filter every
query by `team.id`; writes add `require_role("member")` (or "admin"). See tests/api/test_auth.py
for the test pattern a team-scoped router should copy.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from exportwatch.accounts import (
    ApiKey,
    AuthenticationError,
    PermissionDeniedError,
    Role,
    Team,
    authenticate,
    team,
)
from exportwatch.service import Service
from exportwatch.settings import Settings

API_KEY_HEADER = "X-API-Key"
WEB_COOKIE = "ewk"  # the web UI keeps the key in an HttpOnly, SameSite=Strict cookie


class Pool:
    """One Service per worker thread, opened on first use.

    The thread pool ends threads idle for a few seconds (anyio: 10 s), so the pool holds its
    Services weakly: when a thread ends, its thread-local Service is released and its SQLite
    connections are closed by the garbage collector, instead of piling up.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[weakref.ref[Service]] = []

    def get(self) -> Service:
        svc: Service | None = getattr(self._local, "svc", None)
        if svc is None:
            svc = Service.open(self.settings)
            self._local.svc = svc
            with self._lock:
                self._opened = [r for r in self._opened if r() is not None] + [weakref.ref(svc)]
        return svc

    def live(self) -> int:
        """Services still open (one per live worker thread that used the pool)."""
        with self._lock:
            return sum(r() is not None for r in self._opened)

    def close(self) -> None:
        """At shutdown: close what this thread may close; the rest closes with its thread."""
        with self._lock:
            opened, self._opened = self._opened, []
        for ref in opened:
            if (svc := ref()) is None:
                continue
            try:
                svc.close()
            except Exception:  # noqa: S112 - a connection of another thread cannot be closed here
                continue


# Dependencies that do not block are `async`: FastAPI runs a sync dependency in a worker thread,
# a round trip that costs more than these functions themselves.
async def get_pool(request: Request) -> Pool:
    pool: Pool = request.app.state.pool
    return pool


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


PoolDep = Annotated[Pool, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                           description="An API key (`exportwatch keys create`), e.g. ewk_1a2b3c4d_…")


async def optional_key(pool: PoolDep, token: Annotated[str | None, Security(_key_header)] = None) -> ApiKey | None:
    """The caller's key if one was sent; a key that was sent must be valid."""
    if token is None:
        return None
    # The store lookup blocks: in a worker thread, with that thread's own connection.
    return await run_in_threadpool(lambda: authenticate(pool.get().store, token))


async def current_key(key: Annotated[ApiKey | None, Depends(optional_key)]) -> ApiKey:
    """The caller's key; 401 without one."""
    if key is None:
        raise AuthenticationError(f"an API key is required: send it in the {API_KEY_HEADER} header")
    return key


CurrentKey = Annotated[ApiKey, Depends(current_key)]


def current_team(key: CurrentKey, pool: PoolDep) -> Team:
    """The team that owns the caller's key: the only team whose resources it may see."""
    return team(pool.get().store, key.team_id)


CurrentTeam = Annotated[Team, Depends(current_team)]


def require_role(minimum: Role) -> Callable[[ApiKey], Awaitable[ApiKey]]:
    """A dependency that admits keys of role `minimum` or above (admin > member > read-only)."""

    async def check(key: CurrentKey) -> ApiKey:
        if not key.allows(minimum):
            raise PermissionDeniedError(f"this needs the {minimum} role or above; key ewk_{key.prefix} "
                                        f"is {key.role}")
        return key

    return check


async def data_access(settings: SettingsDep, key: Annotated[ApiKey | None, Depends(optional_key)]) -> ApiKey | None:
    """Regulatory data: open to all when EXPORTWATCH_PUBLIC_DATA=true, else any valid key."""
    if key is None and not settings.public_data:
        raise AuthenticationError(f"an API key is required to read this server's data: send it in the "
                                  f"{API_KEY_HEADER} header (EXPORTWATCH_PUBLIC_DATA=false)")
    return key
