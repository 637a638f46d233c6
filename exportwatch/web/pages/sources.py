"""The source health page (/sources): last success, current version, lag, warnings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from exportwatch.api.deps import PoolDep
from exportwatch.api.reads import source_health, today
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render

router = APIRouter(dependencies=[Depends(web_data_access)])
WARNINGS_SHOWN = 100


@router.get("/sources")
def sources(request: Request, pool: PoolDep) -> Any:
    return render(request, "sources.html", {"sources": source_health(pool.get()), "today": today(),
                                            "warnings_shown": WARNINGS_SHOWN})
