"""Definitions through the API, read through the functions `exportwatch define` and
`exportwatch definitions` use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA
from exportwatch.commands.define import define_json, definitions_json

router = APIRouter(tags=["definitions"], dependencies=[Depends(data_access)])
Jurisdictions = Annotated[list[str] | None, Query(max_length=10, description="Only this jurisdiction (repeatable).")]


@router.get("/definitions", response_model=dict[str, Any], summary="Defined terms per source",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def definitions(pool: PoolDep, jurisdiction: Jurisdictions = None) -> dict[str, Any]:
    """How many terms each source defines in its latest version, and the terms
    (`exportwatch definitions --json`)."""
    return definitions_json(pool.get(), tuple(jurisdiction or ()))


@router.get("/definitions/{term}", response_model=dict[str, Any], summary="A term's definitions side by side",
            openapi_extra=VALIDATED_BEYOND_SCHEMA)
def define(pool: PoolDep, term: Annotated[str, Path(min_length=1, max_length=200)],
           jurisdiction: Jurisdictions = None,
           as_of: Annotated[dt.date | None, Query(description="As defined on this date.")] = None) -> dict[str, Any]:
    """The term's definition in every jurisdiction, how they differ, and their history
    (`exportwatch define --json`)."""
    return define_json(pool.get(), term, tuple(jurisdiction or ()), as_of)
