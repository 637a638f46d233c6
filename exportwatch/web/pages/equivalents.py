"""An entry's equivalents abroad (/entries/{entry_id}/equivalents), as `exportwatch equivalents`
finds them: candidates per jurisdiction, differing parameters marked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep
from exportwatch.commands.match import equivalents_json
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render

router = APIRouter(dependencies=[Depends(web_data_access)])


@router.get("/entries/{entry_id}/equivalents")
def equivalents(request: Request, entry_id: str, pool: PoolDep,
                to: Annotated[list[str] | None, Query()] = None,
                top_k: Annotated[int, Query(ge=1, le=10)] = 3) -> Any:
    data = equivalents_json(pool.get(), entry_id, tuple(to or ()), top_k)
    return render(request, "equivalents.html", {"data": data})
