"""`/api/me` and `/api/keys`: the caller's team and its API keys.

Keys are the first team-owned resource, and the pattern for the others (subscriptions, alerts):
every query is filtered by the caller's team, another team's key answers 404 (never 403, which
would confirm that it exists), and writes need a role (`require_role`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from exportwatch import accounts
from exportwatch.accounts import ApiKey, Role
from exportwatch.api.deps import CurrentKey, CurrentTeam, PoolDep, require_role
from exportwatch.api.models import Page
from exportwatch.api.pagination import Limit, Offset, next_link

router = APIRouter(tags=["account"])


class TeamOut(BaseModel):
    id: int
    name: str


class KeyOut(BaseModel):
    id: int
    prefix: str = Field(description="Public part of the key (ewk_<prefix>_…), safe to show and log.")
    team: str
    role: Role
    label: str
    created_at: str
    revoked_at: str | None
    last_used_at: str | None


class Me(BaseModel):
    team: TeamOut
    key: KeyOut


class KeyCreate(BaseModel):
    role: Role
    label: str = Field(default="", max_length=200)


class KeyCreated(BaseModel):
    key: KeyOut
    token: str = Field(description="The key itself. Shown once: only its hash is stored.")


def _out(key: ApiKey) -> KeyOut:
    return KeyOut(id=key.id, prefix=f"ewk_{key.prefix}", team=key.team, role=key.role, label=key.label,
                  created_at=key.created_at, revoked_at=key.revoked_at, last_used_at=key.last_used_at)


KeyId = Annotated[int, Path(ge=1, le=2**62, description="The key's id (from GET /api/keys).")]
Member = Annotated[ApiKey, Depends(require_role("member"))]
Admin = Annotated[ApiKey, Depends(require_role("admin"))]


@router.get("/me", response_model=Me, summary="The caller's team and key")
def me(key: CurrentKey, team: CurrentTeam) -> Me:
    return Me(team=TeamOut(id=team.id, name=team.name), key=_out(key))


@router.get("/keys", response_model=Page[KeyOut], summary="The team's API keys (member or admin)")
def list_keys(request: Request, pool: PoolDep, team: CurrentTeam, _: Member,
              limit: Limit = 100, offset: Offset = 0) -> Page[KeyOut]:
    store = pool.get().store
    total = accounts.count_keys(store, team_id=team.id)
    items = [_out(k) for k in accounts.keys(store, team_id=team.id, limit=limit, offset=offset)]
    return Page[KeyOut](items=items, total=total, limit=limit, offset=offset,
                        next=next_link(request, total=total, limit=limit, offset=offset))


@router.post("/keys", response_model=KeyCreated, status_code=201, summary="Create a key for the team (admin)")
def create_key(body: KeyCreate, pool: PoolDep, team: CurrentTeam, _: Admin) -> KeyCreated:
    new = accounts.create_key(pool.get().store, team.id, body.role, body.label)
    return KeyCreated(key=_out(new.key), token=new.token)


@router.get("/keys/{key_id}", response_model=KeyOut, summary="One of the team's keys (member or admin)")
def get_key(key_id: KeyId, pool: PoolDep, team: CurrentTeam, _: Member) -> KeyOut:
    return _out(accounts.key_by_id(pool.get().store, key_id, team_id=team.id))


@router.delete("/keys/{key_id}", response_model=KeyOut, summary="Revoke one of the team's keys (admin)")
def revoke_key(key_id: KeyId, pool: PoolDep, team: CurrentTeam, _: Admin) -> KeyOut:
    return _out(accounts.revoke_key(pool.get().store, key_id, team_id=team.id))
