"""`/api/search`: full-text, semantic or hybrid search over the current version of every source
(or the versions in force on a date), as `exportwatch search` does it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA, SearchPage
from exportwatch.api.pagination import Limit, Offset, next_link
from exportwatch.api.reads import SearchParams, search_page
from indexer.base import CHANGE_KIND_VALUES, DEFAULT_DEPTH, MAX_DEPTH

router = APIRouter(tags=["search"], dependencies=[Depends(data_access)])


def _filter(what: str) -> object:
    return Query(max_length=20, description=f"Only {what} (repeatable).")


Filter = list[str] | None


@router.get("/search", response_model=SearchPage, summary="Search entries",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def search(request: Request, pool: PoolDep,
           q: Annotated[str, Query(min_length=1, max_length=500, description=(
               'Words (all must match), "a phrase", prefix*, a OR b, -excluded, or a control code '
               "(3A001.b, 3.A.1, ML8, 5504) to list it in every list."))],
           jurisdiction: Annotated[Filter, _filter("this jurisdiction: ca, eu, us, au, wa")] = None,
           source: Annotated[Filter, _filter("this source id")] = None,
           language: Annotated[Filter, _filter("entries in this language: en, fr")] = None,
           category: Annotated[Filter, _filter("this category: 0-9, ML, group-5")] = None,
           code_prefix: Annotated[Filter, _filter("codes starting with this: 3A, 3A001, 3.A.1, ML8")] = None,
           kind: Annotated[Filter, _filter("this kind of entry: category, group, entry, item")] = None,
           status: Annotated[Filter, _filter("entries with this status: active, reserved, not-used")] = None,
           change_kind: Annotated[Filter, _filter(
               "entries the indexed version changed so: " + ", ".join(CHANGE_KIND_VALUES))] = None,
           mode: Annotated[Literal["bm25", "semantic", "hybrid"], Query(
               description="bm25: words; semantic: meaning (needs embeddings); hybrid: both, fused.")] = "bm25",
           depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="semantic/hybrid: how many nearest "
                                                                         "entries are ranked.")] = DEFAULT_DEPTH,
           as_of: Annotated[dt.date | None, Query(description="Search the versions in force on this date "
                                                              "(bm25 only).")] = None,
           limit: Limit = 20, offset: Offset = 0,
           facets: Annotated[bool, Query(description="Also count hits per jurisdiction, source, language, "
                                                     "category, kind, status and change kind.")] = False
           ) -> SearchPage:
    """Hits ordered by score (then entry id); snippets mark matched words with `<mark>`. Filters
    repeat: `?jurisdiction=eu&jurisdiction=us`. An invalid query answers 400 saying what to fix."""
    data = search_page(pool.get(), SearchParams(
        q, jurisdiction or (), source or (), language or (), category or (), code_prefix or (), kind or (),
        status or (), mode, depth, as_of, limit, offset, facets, change_kind or ()))
    return SearchPage(items=data["hits"], total=data["total"], limit=limit, offset=offset,
                      next=next_link(request, total=data["total"], limit=limit, offset=offset),
                      query=q, mode=mode, as_of=as_of, filters=data["filters"], facets=data["facets"])
