"""Licence determination and licensing-data changes through the API, read through the
functions `exportwatch license-check` and `license-changes` use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA
from exportwatch.api.reads import check_source
from exportwatch.commands.license import run_check
from indexer import licensing

router = APIRouter(tags=["licensing"], dependencies=[Depends(data_access)])
Table = Literal["chart-cell", "chart-row", "chart-footnote", "eccn-controls", "eccn-exceptions", "country-group",
                "eu-destinations", "eu-items", "eu-section-i"]


@router.get("/license-check", response_model=dict[str, Any], summary="Is a licence required?",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def license_check(pool: PoolDep,
                  item: Annotated[str, Query(min_length=1, max_length=100,
                                             description="An ECCN (3A001, 3A001.b.2) or EU Annex I code (eu:3A001)")],
                  destination: Annotated[str, Query(min_length=1, max_length=100,
                                                    description="Country name or ISO code")],
                  as_of: Annotated[dt.date | None, Query(description="Under the rules in force on this date.")]
                  = None) -> dict[str, Any]:
    """The determination with its reasons and citations (`exportwatch license-check --json`)."""
    return run_check(pool.get(), item, destination, as_of)


@router.get("/license-changes", response_model=list[dict[str, Any]],
            summary="Licensing data changed between versions", openapi_extra=VALIDATED_BEYOND_SCHEMA)
def license_changes(pool: PoolDep,
                    source: Annotated[list[str] | None, Query(max_length=20)] = None,
                    table: Annotated[list[Table] | None, Query(max_length=20)] = None,
                    since: dt.date | None = None,
                    limit: Annotated[int, Query(ge=1, le=10000)] = 500) -> list[dict[str, Any]]:
    """Country Chart cells, ECCN control rows and licence exceptions, Country Group members, EU
    general authorisations (`exportwatch license-changes --json`)."""
    svc = pool.get()
    for sid in source or ():
        check_source(svc, sid)
    rows = licensing.changes(svc.store, sources=source or (), tables=table or (), since=since, limit=limit)
    return [{k: r[k] for k in ("source_id", "version_date", "previous_date", "table_name", "item", "change",
                               "before", "after", "version_id", "previous_version_id")} for r in rows]
