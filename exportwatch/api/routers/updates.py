"""Regulation updates (Federal Register BIS rules) through the API, read through the functions
`exportwatch updates` and `exportwatch update` use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import Page
from exportwatch.api.pagination import Limit, Offset, next_link
from exportwatch.commands.updates import update_json
from indexer.updates import get_update, list_updates

router = APIRouter(tags=["updates"], dependencies=[Depends(data_access)])


@router.get("/updates", response_model=Page[dict[str, Any]], summary="Regulation updates, newest first")
def updates(request: Request, pool: PoolDep,
            since: Annotated[dt.date | None, Query(description="Published on or after this date.")] = None,
            part: Annotated[int | None, Query(ge=1, le=10_000, description="Only rules amending this CFR part.")]
            = None, limit: Limit = 50, offset: Offset = 0) -> Page[dict[str, Any]]:
    """Each with the CCL version it took effect in and its entry changes (`exportwatch updates --json`)."""
    svc = pool.get()
    found = list_updates(svc.store, since=since, part=part)
    items = [update_json(svc, u) for u in found[offset:offset + limit]]
    return Page[dict[str, Any]](items=items, total=len(found), limit=limit, offset=offset,
                                next=next_link(request, total=len(found), limit=limit, offset=offset))


@router.get("/updates/{document_number}", response_model=dict[str, Any], summary="One regulation update")
def update(pool: PoolDep, document_number: Annotated[str, Path(max_length=40, examples=["2025-18992"])]
           ) -> dict[str, Any]:
    """Abstract, dates, citation, and its link to the CCL versions (`exportwatch update --json`)."""
    svc = pool.get()
    return update_json(svc, get_update(svc.store, document_number), full=True)
