"""API routers, one module per area. Every module in this package that defines `router` (a
FastAPI APIRouter) is mounted under /api: adding an area (changes, equivalents, subscriptions)
never means editing the app. A router declares its own auth:

- regulatory data: `APIRouter(dependencies=[Depends(data_access)])` (public or key-only, per
  EXPORTWATCH_PUBLIC_DATA);
- a team's resources: take `team: CurrentTeam` and filter by `team.id`; writes add
  `Depends(require_role("member"))` (exportwatch/api/deps.py).
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def discover() -> list[tuple[str, APIRouter]]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append((info.name, router))
    return found
