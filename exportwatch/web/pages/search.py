"""The search page (/): a query box, facets, highlighted snippets, pages of results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from exportwatch.api.deps import PoolDep
from exportwatch.api.reads import SearchParams, search_page
from exportwatch.errors import QueryError
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render

router = APIRouter(dependencies=[Depends(web_data_access)])
PAGE = 20
FACET_LABELS = {"jurisdiction": "Jurisdiction", "source": "Source", "language": "Language",
                "category": "Category", "kind": "Kind", "status": "Status", "change_kind": "Change"}


@router.get("/")
def search(request: Request, pool: PoolDep, q: Annotated[str, Query(max_length=500)] = "",
           jurisdiction: Annotated[list[str] | None, Query()] = None,
           source: Annotated[list[str] | None, Query()] = None,
           language: Annotated[list[str] | None, Query()] = None,
           category: Annotated[list[str] | None, Query()] = None,
           kind: Annotated[list[str] | None, Query()] = None,
           status: Annotated[list[str] | None, Query()] = None,
           change_kind: Annotated[list[str] | None, Query()] = None,
           offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> Any:
    svc = pool.get()
    selected = {"jurisdiction": jurisdiction or [], "source": source or [], "language": language or [],
                "category": category or [], "kind": kind or [], "status": status or [],
                "change_kind": change_kind or []}
    ctx: dict[str, Any] = {"q": q, "selected": selected, "result": None, "error": None,
                           "facet_labels": FACET_LABELS, "source_names": {s.id: s.name for s in svc.sources}}
    http_status = 200
    if q.strip():
        try:
            ctx["result"] = search_page(svc, SearchParams(
                q, selected["jurisdiction"], selected["source"], selected["language"], selected["category"],
                kinds=selected["kind"], statuses=selected["status"], change_kinds=selected["change_kind"],
                limit=PAGE, offset=offset, facets=True))
        except QueryError as exc:
            ctx["error"], http_status = str(exc), 400
        else:
            ctx["pages"] = _pages(request, ctx["result"]["total"], offset)
    return render(request, "search.html", ctx, status=http_status)


def _pages(request: Request, total: int, offset: int) -> dict[str, Any]:
    def link(new_offset: int) -> str:
        url = request.url.include_query_params(offset=new_offset)
        return f"{url.path}?{url.query}"

    return {"first": offset + 1 if total else 0, "last": min(offset + PAGE, total), "total": total,
            "prev": link(max(0, offset - PAGE)) if offset > 0 else None,
            "next": link(offset + PAGE) if offset + PAGE < total else None}
