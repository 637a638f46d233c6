"""Reports through the API: the files `exportwatch report changes` and `report divergence` write,
built by the same functions and returned as a download (Content-Disposition: attachment)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.errors import register_error
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA
from exportwatch.reports import FORMATS, render
from exportwatch.reports.changes import build_changes_report
from exportwatch.reports.divergence import build_divergence_report
from exportwatch.reports.errors import ReportRequestError
from exportwatch.reports.model import Report

register_error(ReportRequestError, 400, "invalid_request")
router = APIRouter(tags=["reports"], dependencies=[Depends(data_access)])
Format = Literal["html", "pdf", "docx", "xlsx", "csv"]
_FILES: dict[int | str, dict[str, Any]] = {200: {
    "description": "The report file in the format asked for.",
    "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for _suffix, media in FORMATS.values()}}}


def _download(report: Report, fmt: str, stem: str) -> Response:
    suffix, media = FORMATS[fmt]
    return Response(render(report, fmt), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}"'})


@router.get("/reports/changes", response_class=Response, responses=_FILES, summary="Changes over a period (a file)",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def changes_report(pool: PoolDep,
                   start: Annotated[dt.date, Query(alias="from", description="First day of the period.")],
                   end: Annotated[dt.date, Query(alias="to", description="Last day of the period.")],
                   jurisdiction: Annotated[list[str] | None, Query(max_length=10, description=(
                       "Only this jurisdiction (repeatable). Default: every one stored."))] = None,
                   equivalents: Annotated[Literal["match", "code", "none"], Query(description=(
                       "Equivalents elsewhere: code alignment (default here: fast), the match module's "
                       "concordance, or none."))] = "code",
                   format: Format = "html") -> Response:
    """`exportwatch report changes --format F`: counts by jurisdiction and kind, changes per month,
    then each change with redline, parameter deltas, linked rule and equivalents."""
    svc = pool.get()
    wanted = [j.lower() for j in jurisdiction or ()]
    report = build_changes_report(svc.store, svc.sources, date_from=start, date_to=end, jurisdictions=wanted,
                                  equivalents=equivalents)
    return _download(report, format, f"changes-{start}-{end}")


@router.get("/reports/divergence", response_class=Response, responses=_FILES,
            summary="Divergence between two jurisdictions (a file)", openapi_extra=VALIDATED_BEYOND_SCHEMA)
def divergence_report(pool: PoolDep,
                      between: Annotated[list[str], Query(min_length=2, max_length=2, description=(
                          "The two jurisdictions, e.g. between=eu&between=us."))],
                      category: Annotated[str | None, Query(max_length=20, description="Only this category.")]
                      = None,
                      level: Literal["item", "entry"] = "item",
                      format: Format = "html") -> Response:
    """`exportwatch report divergence --between J1 J2 --format F`: unilateral entries, equivalent
    entries whose parameters differ, definitions that differ, heat map by category."""
    svc = pool.get()
    left, right = (b.lower() for b in between)
    report = build_divergence_report(svc.store, svc.sources, left=left, right=right, category=category, level=level)
    return _download(report, format, f"divergence-{left}-{right}")
