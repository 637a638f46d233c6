"""API routers, one module per area. Every module in this package that defines `router` (a
FastAPI APIRouter) is mounted under /api: adding an area (changes, equivalents, subscriptions)
never means editing the app. A router declares its own auth:

- regulatory data: `APIRouter(dependencies=[Depends(data_access)])` (public or key-only, per
  EXPORTWATCH_PUBLIC_DATA);
- a team's resources: take `team: CurrentTeam` and filter by `team.id`; writes add
  `Depends(require_role("member"))` (exportwatch/api/deps.py).
"""

from __future__ import annotations

from fastapi import APIRouter

from exportwatch.plugins import routers_in


def discover() -> list[tuple[str, APIRouter]]:
    return routers_in(__name__, __path__)
