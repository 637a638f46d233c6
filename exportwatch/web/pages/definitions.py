"""A term's definitions side by side (/definitions/{term}), as `exportwatch define` shows them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep
from exportwatch.commands.define import define_json
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render

router = APIRouter(dependencies=[Depends(web_data_access)])


@router.get("/definitions/{term}")
def definition(request: Request, term: str, pool: PoolDep,
               jurisdiction: Annotated[list[str] | None, Query()] = None,
               as_of: Annotated[dt.date | None, Query()] = None) -> Any:
    data = define_json(pool.get(), term, tuple(jurisdiction or ()), as_of)
    return render(request, "definition.html", {"data": data})
