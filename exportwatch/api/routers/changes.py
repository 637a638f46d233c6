"""Change detection through the API: `/api/changes`, and an entry's `history` and `diff`, read
through the functions `exportwatch changes`, `history` and `diff` use."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA, Page
from exportwatch.api.pagination import Limit, Offset, next_link
from exportwatch.api.reads import check_source
from exportwatch.api.routers.entries import EntryId
from exportwatch.commands.changes import diff_json, history_json
from indexer.changes import change_json, list_changes
from nlp.changes.model import CHANGE_KINDS

router = APIRouter(tags=["changes"], dependencies=[Depends(data_access)])
# The kinds as an enum, so the OpenAPI document lists them.
ChangeKind = StrEnum("ChangeKind", {k: k for k in CHANGE_KINDS})  # type: ignore[misc]
Repeat = Annotated[list[str] | None, Query(max_length=50)]


@router.get("/changes", response_model=Page[dict[str, Any]], summary="Entry-level changes between versions",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def changes(request: Request, pool: PoolDep, source: Repeat = None, jurisdiction: Repeat = None,
            since: Annotated[dt.date | None, Query(description="Only versions dated on or after this date.")] = None,
            kind: Annotated[list[ChangeKind] | None, Query(max_length=10, description="Only this kind (repeatable).")]
            = None,
            significance: Literal["substantive", "editorial"] | None = None,
            entry: Annotated[list[str] | None, Query(max_length=50, description="Only changes of this entry.")] = None,
            limit: Limit = 100, offset: Offset = 0) -> Page[dict[str, Any]]:
    """Added, removed, amended (with redline and parameter deltas), moved and definition changes
    between consecutive versions of each source, as `exportwatch changes --json` lists them."""
    svc = pool.get()
    for sid in source or ():
        check_source(svc, sid)
    found = list_changes(svc.store, sources=source or (), jurisdictions=jurisdiction or (), since=since,
                         kinds=[str(k.value) for k in kind or ()], entry_ids=entry or (), significance=significance)
    items = [change_json(c) for c in found[offset:offset + limit]]
    return Page[dict[str, Any]](items=items, total=len(found), limit=limit, offset=offset,
                                next=next_link(request, total=len(found), limit=limit, offset=offset))


@router.get("/entries/{entry_id}/history", response_model=dict[str, Any], summary="An entry's timeline",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def history(entry_id: EntryId, pool: PoolDep,
            source: Annotated[str | None, Query(max_length=64, description="Only the timeline in this source.")]
            = None) -> dict[str, Any]:
    """Each text the entry had, valid from which version date to which, with the change that
    ended it (`exportwatch history --json`)."""
    svc = pool.get()
    if source:
        check_source(svc, source)
    return history_json(svc, entry_id, source)


@router.get("/entries/{entry_id}/diff", response_model=dict[str, Any],
            summary="Redline of an entry between two dates", openapi_extra=VALIDATED_BEYOND_SCHEMA)
def diff(entry_id: EntryId, pool: PoolDep,
         start: Annotated[dt.date, Query(alias="from", description="The earlier date (the version in force then).")],
         end: Annotated[dt.date, Query(alias="to", description="The later date.")],
         source: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """`exportwatch diff --format json`: both sides, whether it changed, and the change with its
    redline spans and parameter deltas."""
    svc = pool.get()
    if source:
        check_source(svc, source)
    return diff_json(svc, entry_id, start, end, source)
