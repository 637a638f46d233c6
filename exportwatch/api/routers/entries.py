"""`/api/entries/{entry_id}`: one entry with its notes, sub-items and citation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from exportwatch.api.deps import PoolDep, data_access
from exportwatch.api.models import Entry
from exportwatch.api.reads import entry_view

router = APIRouter(tags=["entries"], dependencies=[Depends(data_access)])

EntryId = Annotated[str, Path(description="`{jurisdiction}:{code}`, `@lang` for secondary languages: "
                                          "eu:3A001.b.1, us:9A012, ca:5504(2)(d), ca:5101@fr",
                              examples=["eu:3A001.b.1"])]


@router.get("/entries/{entry_id}", response_model=Entry, summary="An entry and its citation")
def entry(entry_id: EntryId, pool: PoolDep,
          as_of: Annotated[dt.date | None, Query(description="Show the entry as in the version in force "
                                                             "on this date (YYYY-MM-DD).")] = None) -> Entry:
    """The entry as in force now (or on `as_of`): heading, text, notes, sub-items, and the citation:
    source, version date, document URL and the sha256 of the exact bytes it was parsed from."""
    return Entry.model_validate(entry_view(pool.get(), entry_id, as_of))
