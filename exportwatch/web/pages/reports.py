"""Reports in the web UI: a form (/reports) and the downloads it asks for (/reports/changes,
/reports/divergence), built by the functions `exportwatch report` uses. The web UI signs in with
a cookie the API does not accept, so the downloads are served here too."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from exportwatch.api.deps import PoolDep
from exportwatch.reports import FORMATS, render
from exportwatch.reports.changes import build_changes_report
from exportwatch.reports.divergence import build_divergence_report
from exportwatch.web.auth import web_data_access
from exportwatch.web.render import render as render_page

router = APIRouter(dependencies=[Depends(web_data_access)])
Format = Literal["html", "pdf", "docx", "xlsx", "csv"]


def _file(data: bytes, fmt: str, stem: str) -> Response:
    suffix, media = FORMATS[fmt]
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}"'})


@router.get("/reports")
def reports_form(request: Request, pool: PoolDep) -> Any:
    svc = pool.get()
    stored = {r[0] for r in svc.store.db.execute("SELECT DISTINCT source_id FROM versions")}
    jurisdictions = sorted({s.jurisdiction for s in svc.sources if s.id in stored})
    return render_page(request, "reports.html", {"jurisdictions": jurisdictions, "formats": list(FORMATS),
                                                 "today": dt.date.today().isoformat()})


@router.get("/reports/changes")
def changes_file(pool: PoolDep, start: Annotated[dt.date, Query(alias="from")],
                 end: Annotated[dt.date, Query(alias="to")],
                 jurisdiction: Annotated[list[str] | None, Query(max_length=10)] = None,
                 format: Format = "html") -> Response:
    svc = pool.get()
    report = build_changes_report(svc.store, svc.sources, date_from=start, date_to=end,
                                  jurisdictions=[j.lower() for j in jurisdiction or ()], equivalents="code")
    return _file(render(report, format), format, f"changes-{start}-{end}")


@router.get("/reports/divergence")
def divergence_file(pool: PoolDep, left: Annotated[str, Query(max_length=4)],
                    right: Annotated[str, Query(max_length=4)],
                    category: Annotated[str | None, Query(max_length=20)] = None,
                    format: Format = "html") -> Response:
    svc = pool.get()
    report = build_divergence_report(svc.store, svc.sources, left=left.lower(), right=right.lower(),
                                     category=category or None)
    return _file(render(report, format), format, f"divergence-{left}-{right}")
