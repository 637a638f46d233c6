"""Response models of the core API (published in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

# `openapi_extra` of a route some of whose schema-valid inputs are still refused with 400: a query
# that must parse, ids that come from the sources file, rules across fields (from <= to). Clients
# learn that a 400 names the problem; the schemathesis test skips its "valid input is accepted"
# check there (and only that check).
VALIDATED_BEYOND_SCHEMA: dict[str, object] = {"x-validated-beyond-schema": True}


class Page(BaseModel, Generic[T]):
    """Every list: `items`, the `total` that match, the window asked for, and the next window."""

    items: list[T]
    total: int = Field(description="Items matching, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page (same parameters), or null on the last page.")


class Health(BaseModel):
    status: str = Field(description="'ok'")
    version: str
    search_backend: str
    public_data: bool


class IndexStatus(BaseModel):
    backend: str
    indexed_version_id: int | None
    up_to_date: bool = Field(description="The search index holds the source's current version.")
    updated_at: str | None


class SourceHealth(BaseModel):
    id: str
    name: str
    jurisdiction: str
    format: str
    schedule: str
    last_crawl: str | None
    last_status: str | None
    last_error: str | None
    last_success: str | None = Field(description="When the last crawl that fetched the source finished (UTC).")
    current_version: dt.date | None
    lag_days: int | None = Field(description="Days since the current version's date (its date of publication "
                                            "or consolidation), as of today (UTC); 0 if that date is ahead.")
    versions: int
    entries: int
    warnings: list[str] = Field(description="Parser warnings of the current version, and the last "
                                           "crawl's error if it failed.")
    index: IndexStatus


class Note(BaseModel):
    kind: str
    label: str
    text: str


class ChildRef(BaseModel):
    entry_id: str
    code: str
    heading: str
    status: str


class Document(BaseModel):
    url: str
    sha256: str = Field(description="sha256 of the exact bytes the entry was parsed from.")
    language: str


class EntrySource(BaseModel):
    id: str
    name: str
    jurisdiction: str
    title: str
    version_id: int
    version_date: dt.date
    documents: list[Document]


class Entry(BaseModel):
    """`exportwatch show --json`, with sub-items' headings, the source's name and a citation. Fields
    that features add to `show --json` (extraction, validity) pass through."""

    model_config = ConfigDict(extra="allow")

    entry_id: str
    code: str
    kind: str
    status: str
    language: str
    heading: str
    text: str
    notes: list[Note]
    parent_id: str | None
    path: list[str]
    children: list[ChildRef]
    source: EntrySource
    as_of: dt.date | None = Field(description="The date asked for, or null for the version in force now.")
    citation: str = Field(description="A citation to copy: list, code, version date, document URL and sha256.")
    validity: dict[str, str | None] | None = Field(
        default=None, description="With as_of: the version dates between which this text stood "
                                  "({from, to}, to exclusive).")
    extractor: int | None = Field(default=None, description="Version of the extraction run on this entry, "
                                                            "null where extraction has not run.")
    parameters: list[dict[str, Any]] = Field(default_factory=list, description="Technical parameters extracted "
                                             "from the text and notes (`field` says which).")
    references: list[dict[str, Any]] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list, description="Defined terms the entry uses.")
    referenced_by: list[dict[str, Any]] = Field(default_factory=list)


class SearchHit(BaseModel):
    entry_id: str
    source_id: str
    jurisdiction: str
    code: str
    kind: str
    heading: str
    snippet: str = Field(description="Plain text with matched words in <mark>…</mark>; escape everything else.")
    language: str
    version_date: dt.date
    score: float
    category: str = ""
    status: str = ""
    change_kind: str = Field(default="unknown", description=(
        "What the indexed version did to the entry compared with the version before it: added, amended, "
        "moved, removed (still listed, no longer in force), unchanged, initial (first version of its "
        "source) or unknown (change detection not run)."))


class FacetValue(BaseModel):
    value: str
    count: int


class SearchFilters(BaseModel):
    jurisdiction: list[str]
    source: list[str]
    language: list[str]
    category: list[str] = []
    code_prefix: list[str] = []
    kind: list[str] = []
    status: list[str] = []
    change_kind: list[str] = []


class SearchPage(Page[SearchHit]):
    query: str
    mode: str
    as_of: dt.date | None
    filters: SearchFilters
    facets: dict[str, list[FacetValue]] | None = Field(
        default=None, description="With facets=true: hits per jurisdiction, source, language, category, kind, "
                                  "status and change_kind, most first; each counted with the other filters applied and "
                                  "its own filter lifted (the values you could switch to).")
