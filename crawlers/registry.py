"""Sources as data: load and validate `config/sources.yml`.

Adding a jurisdiction means adding a block to that file (and a parser if its format is new);
the crawl pipeline does not change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exportwatch.errors import ConfigError

_CRON_FIELDS = 5


class Politeness(BaseModel):
    """Per-source overrides of the polite crawl defaults in crawlers/settings.py."""

    model_config = ConfigDict(extra="forbid")

    download_delay: float = Field(default=2.0, ge=0, le=600)
    concurrency: int = Field(default=1, ge=1, le=4)
    timeout_s: float = Field(default=120.0, gt=0, le=3600)
    max_bytes: int = Field(default=64 * 1024 * 1024, gt=0, le=1024 * 1024 * 1024)
    obey_robots: bool = True
    user_agent: str | None = None


class Document(BaseModel):
    """One URL to fetch. `kind: index` pages are read for links to the documents themselves;
    `kind: api-pages` is a paged JSON API whose pages each name the next (`next_page_url`)."""

    model_config = ConfigDict(extra="forbid")

    url: str
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    role: str = "list"
    kind: Literal["file", "index", "ecfr-part", "api-pages"] = "file"
    # For kind=index: a regular expression the link URLs must match to be fetched.
    link_pattern: str | None = None
    # For kind=index: fetch every matching link, or only the one that sorts last (the newest
    # consolidated version, whose URL ends in its date).
    select: Literal["all", "latest"] = "all"
    # For kind=api-pages: follow next_page_url for at most this many pages (the newest first).
    max_pages: int = Field(default=10, ge=1, le=1000)

    @field_validator("url")
    @classmethod
    def _absolute_https(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError("must be an absolute https:// URL")
        return value

    @model_validator(mode="after")
    def _index_has_pattern(self) -> Document:
        if self.kind == "index" and not self.link_pattern:
            raise ValueError("an index document needs link_pattern")
        return self


class EntryBounds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> EntryBounds:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Source(BaseModel):
    """A published control list or regulation that ExportWatch watches."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
    name: str
    jurisdiction: Annotated[str, Field(pattern=r"^[a-z]{2,4}$")]
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    format: str
    documents: list[Document] = Field(min_length=1)
    schedule: str = "0 6 * * *"
    politeness: Politeness = Field(default_factory=Politeness)
    expected_entries: EntryBounds
    homepage: str | None = None
    notes: str | None = None

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != _CRON_FIELDS:
            raise ValueError("must be a 5-field cron expression, e.g. '0 6 * * *'")
        return value

    @model_validator(mode="after")
    def _known_format(self) -> Source:
        from nlp.parse import known_formats

        if self.format not in known_formats():
            raise ValueError(f"unknown format {self.format!r}; known: {', '.join(known_formats())}")
        return self


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source]

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"duplicate source id {source.id!r}")
            seen.add(source.id)
        return self


def _describe(exc: ValidationError, data: object) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        # Name the source by id rather than by list index when we can.
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int) and isinstance(data, dict):
            try:
                sid = data["sources"][loc[1]].get("id")
            except (KeyError, IndexError, AttributeError, TypeError):
                sid = None
            if sid:
                where = f"sources[{sid}]." + ".".join(str(p) for p in loc[2:])
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def load_sources(path: Path) -> list[Source]:
    """Read and validate the sources file; raise ConfigError naming the file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return SourcesFile.model_validate(data).sources
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid sources file:\n{_describe(exc, data)}") from exc


def select_sources(sources: list[Source], ids: list[str] | tuple[str, ...]) -> list[Source]:
    """The sources named by `ids` (all when empty), in config order; unknown ids are an error."""
    if not ids:
        return list(sources)
    by_id = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError(f"unknown source id(s): {', '.join(unknown)}; known: {', '.join(by_id)}")
    return [s for s in sources if s.id in ids]
