"""`/api/sources`: what is watched and how healthy each source is."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import Page, SourceHealth
from exportwatch.api.pagination import Limit, Offset, next_link
from exportwatch.api.reads import source_health
from exportwatch.errors import NotFoundError

router = APIRouter(tags=["sources"], dependencies=[Depends(data_access)])


@router.get("/sources", response_model=Page[SourceHealth], summary="Sources and their health")
def sources(request: Request, pool: PoolDep, limit: Limit = 100, offset: Offset = 0) -> Page[SourceHealth]:
    """Per source: last crawl and its status, last success, current version, lag (days since the
    current version's date), entries, parser warnings, and whether the search index is up to date."""
    rows = source_health(pool.get())
    items = [SourceHealth.model_validate(r) for r in rows[offset:offset + limit]]
    return Page[SourceHealth](items=items, total=len(rows), limit=limit, offset=offset,
                              next=next_link(request, total=len(rows), limit=limit, offset=offset))


@router.get("/sources/{source_id}", response_model=SourceHealth, summary="One source and its health")
def source(source_id: str, pool: PoolDep) -> SourceHealth:
    for row in source_health(pool.get()):
        if row["id"] == source_id:
            return SourceHealth.model_validate(row)
    raise NotFoundError(f"no source {source_id!r}")
