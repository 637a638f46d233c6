"""`exportwatch teams ...` and `exportwatch keys ...`: accounts for the HTTP API and web UI."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from exportwatch import accounts
from exportwatch.accounts import ROLES, ApiKey
from exportwatch.cli import handle_errors
from exportwatch.output import console, err_console, print_json
from exportwatch.service import Service


def key_json(key: ApiKey) -> dict[str, Any]:
    return {"id": key.id, "prefix": f"ewk_{key.prefix}", "team": key.team, "role": key.role, "label": key.label,
            "created_at": key.created_at, "revoked_at": key.revoked_at, "last_used_at": key.last_used_at}


@click.group()
def teams() -> None:
    """Teams: each owns its API keys, subscriptions and alerts."""


@teams.command("create")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the team as JSON.")
@handle_errors
def teams_create(name: str, as_json: bool) -> None:
    """Create a team (names are unique, case-insensitive)."""
    with Service.open() as svc:
        team = accounts.create_team(svc.store, name)
    if as_json:
        print_json(team)
    else:
        console.print(f"team {team.name!r} created (id {team.id}); give it a key with "
                      f"`exportwatch keys create --team {team.name!r} --role admin`", highlight=False)


@teams.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the teams as JSON.")
@handle_errors
def teams_list(as_json: bool) -> None:
    """List teams and how many active keys each has."""
    with Service.open() as svc:
        rows = [{"id": t.id, "name": t.name, "created_at": t.created_at,
                 "active_keys": sum(k.active for k in accounts.keys(svc.store, team_id=t.id))}
                for t in accounts.teams(svc.store)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Teams")
    for col in ("id", "name", "created", "active keys"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), str(r["name"]), str(r["created_at"]), str(r["active_keys"]))
    console.print(table)


@click.group()
def keys() -> None:
    """API keys: sent in the X-API-Key header, stored hashed, shown once."""


@keys.command("create")
@click.option("--team", "team_name", required=True, metavar="TEAM", help="The team that owns the key.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, member or read-only.")
@click.option("--label", default="", help="What the key is for (shown in listings).")
@click.option("--json", "as_json", is_flag=True, help="Print the key and its token as JSON.")
@handle_errors
def keys_create(team_name: str, role: str, label: str, as_json: bool) -> None:
    """Create a key and print it once: only its hash is stored, it cannot be shown again."""
    with Service.open() as svc:
        new = accounts.create_key(svc.store, team_name, role, label)
    if as_json:
        print_json({**key_json(new.key), "token": new.token})
        return
    # The token alone on stdout, so that `KEY=$(exportwatch keys create ...)` captures just it.
    err_console.print(f"key {new.key.id} (ewk_{new.key.prefix}, {new.key.role}) for team {new.key.team!r}; "
                      "store it now, it is not shown again:", highlight=False)
    print(new.token)


@keys.command("list")
@click.option("--team", "team_name", metavar="TEAM", help="Only this team's keys.")
@click.option("--json", "as_json", is_flag=True, help="Print the keys as JSON (never the tokens).")
@handle_errors
def keys_list(team_name: str | None, as_json: bool) -> None:
    """List keys: id, prefix, team, role, label, created, revoked, last used."""
    with Service.open() as svc:
        team_id = accounts.team(svc.store, team_name).id if team_name else None
        rows = [key_json(k) for k in accounts.keys(svc.store, team_id=team_id)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="API keys")
    for col in ("id", "prefix", "team", "role", "label", "created", "revoked", "last used"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), r["prefix"], r["team"], r["role"], r["label"], r["created_at"],
                      r["revoked_at"] or "-", r["last_used_at"] or "-")
    console.print(table)


@keys.command("revoke")
@click.argument("key_ref", metavar="KEY")
@click.option("--json", "as_json", is_flag=True, help="Print the revoked key as JSON.")
@handle_errors
def keys_revoke(key_ref: str, as_json: bool) -> None:
    """Revoke a key, by id or prefix (ewk_1a2b3c4d). It stops working at once."""
    with Service.open() as svc:
        key = accounts.revoke_key(svc.store, accounts.find_key(svc.store, key_ref).id)
    if as_json:
        print_json(key_json(key))
    else:
        console.print(f"key {key.id} (ewk_{key.prefix}, team {key.team!r}) revoked at {key.revoked_at}",
                      highlight=False)


COMMANDS = [teams, keys]
