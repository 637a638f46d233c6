"""The changes feed (/changes): what changed between consecutive versions of each list, newest
first, filtered by source, jurisdiction, kind of change and date, in pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render
from indexer.changes import ChangeRow, list_changes
from nlp.changes.model import CHANGE_KINDS

router = APIRouter(dependencies=[Depends(web_data_access)])
PAGE = 50
MAX_PAGE = 500


@router.get("/changes")
def changes(request: Request, pool: PoolDep, source: Annotated[str, Query(max_length=60)] = "",
            jurisdiction: Annotated[str, Query(max_length=8)] = "",
            kind: Annotated[str, Query(max_length=20)] = "",
            since: Annotated[str, Query(max_length=20)] = "",
            offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE) -> Any:
    svc = pool.get()
    source_names = {s.id: s.name for s in svc.sources}
    jurisdictions = sorted({s.jurisdiction for s in svc.sources})
    ctx: dict[str, Any] = {"selected": {"source": source, "jurisdiction": jurisdiction, "kind": kind,
                                        "since": since},
                           "source_names": source_names, "jurisdictions": jurisdictions, "kinds": CHANGE_KINDS,
                           "changes": [], "pages": None, "error": None}
    problems = []
    if source and source not in source_names:
        problems.append(f"unknown source {source!r}: choose one of {', '.join(sorted(source_names))}")
    if jurisdiction and jurisdiction not in jurisdictions:
        problems.append(f"unknown jurisdiction {jurisdiction!r}: choose one of {', '.join(jurisdictions)}")
    if kind and kind not in CHANGE_KINDS:
        problems.append(f"unknown kind of change {kind!r}: choose one of {', '.join(CHANGE_KINDS)}")
    since_date = None
    if since:
        try:
            since_date = dt.date.fromisoformat(since)
        except ValueError:
            problems.append(f"since={since!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-01-31")
    if problems:
        ctx["error"] = "; ".join(problems)
        return render(request, "changes.html", ctx, status=400)
    found = list_changes(svc.store, sources=[source] if source else (),
                         jurisdictions=[jurisdiction] if jurisdiction else (),
                         kinds=[kind] if kind else (), since=since_date)
    found = newest_first(found)
    ctx["changes"] = found[offset:offset + limit]
    ctx["pages"] = _pages(request, len(found), offset, limit)
    return render(request, "changes.html", ctx)


def newest_first(found: list[ChangeRow]) -> list[ChangeRow]:
    """Newest version pair first; within a pair, the order of the list (position in the set)."""
    by_position = sorted(found, key=lambda c: (c.change_set.source_id, c.change_set.id, c.seq))
    return sorted(by_position, key=lambda c: c.change_set.to_version.version_date, reverse=True)


def _pages(request: Request, total: int, offset: int, limit: int) -> dict[str, Any]:
    def link(new_offset: int) -> str:
        url = request.url.include_query_params(offset=new_offset)
        return f"{url.path}?{url.query}"

    return {"first": offset + 1 if offset < total else 0, "last": min(offset + limit, total),
            "total": total, "prev": link(max(0, offset - limit)) if offset > 0 else None,
            "next": link(offset + limit) if offset + limit < total else None}
