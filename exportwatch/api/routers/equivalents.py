"""Equivalents of an entry in other jurisdictions, read through the function
`exportwatch equivalents` uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.routers.entries import EntryId
from exportwatch.commands.match import equivalents_json

router = APIRouter(tags=["equivalents"], dependencies=[Depends(data_access)])


@router.get("/entries/{entry_id}/equivalents", response_model=dict[str, Any],
            summary="Ranked equivalents of an entry in other jurisdictions")
def equivalents(entry_id: EntryId, pool: PoolDep,
                to: Annotated[list[str] | None, Query(max_length=10, description=(
                    "Only this jurisdiction (repeatable); J@lang for a language version (ca@fr)."))] = None,
                top_k: Annotated[int, Query(ge=1, le=50, description="Candidates per jurisdiction.")] = 3
                ) -> dict[str, Any]:
    """Per target jurisdiction: candidates with score, status and the evidence (code alignment,
    meaning, parameters compared side by side), or `unilateral` when there is no counterpart
    (`exportwatch equivalents --json`). The first call per list embeds it (cached in the store)."""
    return equivalents_json(pool.get(), entry_id, tuple(to or ()), top_k)
