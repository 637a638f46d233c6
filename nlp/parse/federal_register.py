"""Parser for Federal Register API v1 document pages (`/api/v1/documents.json`), format
`federal-register-json`: BIS rules as regulation-update records.

Input: the pages one crawl fetched (each `{count, total_pages, next_page_url, results: [...]}`),
newest first. Each result is one document with the API's field names: `document_number`,
`title`, `type`, `action`, `abstract`, `publication_date`, `effective_on`, `citation`,
`docket_ids`, `cfr_references` (`[{title, part}]`), `agency_names` or `agencies` (`[{name}]`),
`html_url`, `json_url`; `ccl_supplements` (not an API field: the replay mirror adds it from the
corpus, see crawlers/mirror_federal_register.py) is read when present.

Output: one entry per document (kind "entry", code = document number, e.g. "2025-18992";
heading = title; text = abstract, or "" when the API has none; notes carry the action, dates,
citation, CFR parts, CCL supplements, dockets, agencies and the document's URL), so that rules are
searchable beside the lists they amend. `read_pages` gives the same documents as structured
`UpdateRecord`s, which the `updates` processor stores (indexer/updates.py).

The version date is the newest publication date among the documents. A result without a document
number, title or publication date is skipped with a warning; a document listed twice with
different content keeps its first (newest page) copy, with a warning; a type other than "Rule"
in a source that asks for rules is a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from exportwatch.errors import ParseError
from nlp.model import Note, ParsedDocument, ParsedEntry
from nlp.parse import Bundle

__all__ = ["PagesResult", "UpdateRecord", "parse", "read_pages"]

_NUMBER = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
TITLE = "Federal Register API v1: Bureau of Industry and Security documents"


@dataclass(frozen=True)
class UpdateRecord:
    """One Federal Register document as a regulation-update record."""

    document_number: str
    title: str
    publication_date: dt.date
    abstract: str | None = None
    type: str | None = None
    action: str | None = None
    effective_on: dt.date | None = None
    citation: str | None = None
    cfr_parts: tuple[tuple[int | None, int | str | None], ...] = ()  # (title, part), e.g. (15, 774)
    supplements: tuple[str, ...] = ()  # supplements to 15 CFR 774 the rule touches (mirror only)
    docket_ids: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    html_url: str | None = None
    json_url: str | None = None

    def content_sha256(self) -> str:
        """Identity of the record's content: a corrected record is a new record."""
        data = asdict(self)
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class PagesResult:
    records: list[UpdateRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def read_pages(pages: Sequence[tuple[str, bytes]], *, expect_type: str | None = "Rule") -> PagesResult:
    """The documents on API pages (url, body), in the order served, each number once.

    Raises ParseError when a page is not an API page at all (not JSON, no `results` list).
    """
    out = PagesResult()
    seen: dict[str, UpdateRecord] = {}
    reported: int | None = None
    total_pages: int | None = None
    unexpected_types: dict[str | None, int] = {}
    for url, body in pages:
        data = _page(url, body)
        if reported is None:
            reported, total_pages = _int_or_none(data.get("count")), _int_or_none(data.get("total_pages"))
        for i, result in enumerate(data.get("results") or []):
            where = f"{url} result {i + 1}"
            record = _record(result, where, out.warnings)
            if record is None:
                continue
            if record.document_number in seen:
                if seen[record.document_number] != record:
                    out.warnings.append(f"{where}: document {record.document_number} listed again with different"
                                        " content (the list changed while it was paged?); first copy kept")
                continue
            seen[record.document_number] = record
            out.records.append(record)
            if expect_type is not None and record.type != expect_type:
                unexpected_types[record.type] = unexpected_types.get(record.type, 0) + 1
    for kind, n in sorted(unexpected_types.items(), key=lambda kv: str(kv[0])):
        what = "no type" if kind is None else f"type {kind!r}"
        out.warnings.append(f"{n} document(s) with {what} where {expect_type!r} documents were asked for")
    out.stats = {"pages": len(pages), "documents": len(out.records),
                 "with_abstract": sum(1 for r in out.records if r.abstract)}
    if reported is not None:
        out.stats["api_count"] = reported
        missing = reported - len(out.records)
        if total_pages is not None and len(pages) >= total_pages and missing > 0:
            out.warnings.append(f"the API reported {reported} documents but its {total_pages} page(s) held"
                                f" {len(out.records)} distinct ones")
        elif missing > 0:
            # Stopped at the source's max_pages: the oldest documents are not in this version (their
            # update records from earlier crawls stay stored).
            out.stats["not_fetched"] = missing
    return out


def parse(bundle: Bundle) -> ParsedDocument:
    pages = [(f.url, f.content) for f in bundle.files if f.role == "list"]
    if not pages:
        raise ParseError(f"{bundle.source_id}: no Federal Register API pages (files with role 'list') in the bundle")
    result = read_pages(pages)
    if not result.records:
        raise ParseError(f"{bundle.source_id}: the API pages hold no usable document ({len(pages)} page(s))")
    entries = tuple(_entry(r, i) for i, r in enumerate(result.records))
    return ParsedDocument(
        version_date=max(r.publication_date for r in result.records),
        title=TITLE,
        entries=entries,
        warnings=tuple(result.warnings),
        stats=result.stats,
    )


def _page(url: str, body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"{url}: not a Federal Register API page: invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("results", []), list):
        shape = sorted(data)[:10] if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"{url}: not a Federal Register API page: no 'results' list (got {shape})")
    return data


def _record(result: Any, where: str, warnings: list[str]) -> UpdateRecord | None:
    if not isinstance(result, dict):
        warnings.append(f"{where}: not an object ({type(result).__name__}); skipped")
        return None
    number, title = result.get("document_number"), result.get("title")
    if not isinstance(number, str) or not _NUMBER.match(number.strip()):
        warnings.append(f"{where}: no valid document_number ({number!r}); skipped")
        return None
    number = number.strip()
    if not isinstance(title, str) or not title.strip():
        warnings.append(f"{where}: document {number} has no title; skipped")
        return None
    published = _date(result.get("publication_date"), f"{where}: {number} publication_date", warnings)
    if published is None:
        warnings.append(f"{where}: document {number} has no publication_date; skipped")
        return None
    return UpdateRecord(
        document_number=number,
        title=_clean(title) or "",
        publication_date=published,
        abstract=_clean(result.get("abstract")),
        type=_clean(result.get("type")),
        action=_clean(result.get("action")),
        effective_on=_date(result.get("effective_on"), f"{where}: {number} effective_on", warnings),
        citation=_clean(result.get("citation")),
        cfr_parts=_cfr_parts(result.get("cfr_references"), f"{where}: {number}", warnings),
        supplements=_strings(result.get("ccl_supplements")),
        docket_ids=_strings(result.get("docket_ids")),
        agencies=_agencies(result),
        html_url=_clean(result.get("html_url")),
        json_url=_clean(result.get("json_url")),
    )


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def _date(value: Any, what: str, warnings: list[str]) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        warnings.append(f"{what} is not a date: {value!r}")
        return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip())


def _agencies(result: dict[str, Any]) -> tuple[str, ...]:
    names = _strings(result.get("agency_names"))
    if names:
        return names
    objects = result.get("agencies")
    if not isinstance(objects, list):
        return ()
    return tuple(n for o in objects if isinstance(o, dict) and (n := _clean(o.get("name") or o.get("raw_name"))))


def _cfr_parts(value: Any, where: str, warnings: list[str]) -> tuple[tuple[int | None, int | str | None], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append(f"{where}: cfr_references is not a list: {value!r}")
        return ()
    parts = []
    for ref in value:
        if not isinstance(ref, dict) or ref.get("part") is None:
            warnings.append(f"{where}: cfr_references item without a part: {ref!r}")
            continue
        title = _as_int(ref.get("title"))
        parts.append((title if isinstance(title, int) else None, _as_int(ref.get("part"))))
    return tuple(parts)


def _as_int(value: Any) -> int | str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, str) else None


def _entry(r: UpdateRecord, position: int) -> ParsedEntry:
    notes = [Note("other", label, text) for label, text in _note_lines(r) if text]
    return ParsedEntry(code=r.document_number, parent=None, path=(r.document_number,), kind="entry",
                       heading=r.title, text=r.abstract or "", language="en", notes=tuple(notes),
                       position=position)


def _note_lines(r: UpdateRecord) -> list[tuple[str, str | None]]:
    parts = ", ".join(f"{t if t is not None else '?'} CFR {p}" for t, p in r.cfr_parts)
    supplements = ", ".join(f"Supplement No. {s} to Part 774" for s in r.supplements)
    return [
        ("Type", r.type),
        ("Action", r.action),
        ("Publication date", r.publication_date.isoformat()),
        ("Effective date", r.effective_on.isoformat() if r.effective_on else None),
        ("Citation", r.citation),
        ("CFR parts", parts or None),
        ("CCL supplements", supplements or None),
        ("Dockets", "; ".join(r.docket_ids) or None),
        ("Agencies", "; ".join(r.agencies) or None),
        ("Document", r.html_url),
    ]
