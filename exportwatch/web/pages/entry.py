"""The entry page (/entries/{entry_id}): text, notes, sub-items, citation, and the sections that
features add (parameters, definitions, history, equivalents)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep
from exportwatch.api.reads import entry_view, load_entry
from exportwatch.errors import NotFoundError
from exportwatch.service import Service
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render
from exportwatch.web.sections import load_sections

router = APIRouter(dependencies=[Depends(web_data_access)])


@router.get("/entries/{entry_id}")
def entry(request: Request, entry_id: str, pool: PoolDep,
          as_of: Annotated[dt.date | None, Query()] = None) -> Any:
    svc = pool.get()
    data = entry_view(svc, entry_id, as_of)
    ctx = {"entry": data, "ancestors": ancestors(svc, data, as_of), "sections": load_sections(svc, data)}
    return render(request, "entry.html", ctx)


def ancestors(svc: Service, entry: dict[str, Any], as_of: dt.date | None) -> list[dict[str, str]]:
    """The entries above this one (category, group, entry ...), for the breadcrumb."""
    jurisdiction = entry["entry_id"].split(":", 1)[0]
    suffix = f"@{entry['language']}" if "@" in entry["entry_id"] else ""
    out = []
    for code in entry["path"][:-1]:
        ancestor_id = f"{jurisdiction}:{code}{suffix}"
        try:
            heading = load_entry(svc, ancestor_id, as_of)[0].heading
        except NotFoundError:
            heading = ""
        out.append({"entry_id": ancestor_id, "code": code, "heading": heading})
    return out
