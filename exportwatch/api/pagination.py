"""Consistent pagination: every list takes `limit` and `offset` and answers `total` and `next`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page (1-500).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]


def next_link(request: Request, *, total: int, limit: int, offset: int) -> str | None:
    """The same request for the following page (path and query, relative to the server), or None
    on the last page."""
    if offset + limit >= total:
        return None
    url = request.url.include_query_params(offset=offset + limit, limit=limit)
    return f"{url.path}?{url.query}"
