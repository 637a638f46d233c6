"""Replay mirror: the Federal Register API v1 (`/api/v1/documents.json`, `/api/v1/documents/{n}.json`)
generated from the two corpus files that describe BIS documents.

The corpus has no API responses. It has (FORMATS.md section 10):

* a metadata file (`federal-register-documents.json`): 284 BIS rules with the API's fields
  renamed to camelCase (`documentNumber`, `publicationDate`, `effectiveOn`, ...), plus an upstream
  field `supplements` (which supplements to 15 CFR Part 774 a rule touches), and no abstract;
* Jekyll posts (`_posts/*.md`), each carrying one document's official title, number, publication
  date, abstract (under `## Summary`) and URLs, wrapped in machine-generated text that is ignored.

This module RESHAPES both into the API's documented schema (field names `document_number`,
`publication_date`, `effective_on`, `cfr_references`, ...), merged by document number, so that the
spider and the parser read exactly what the live API serves. What the corpus does not record is
served as unknown, never guessed: the posts give no type, action, effective date or citation, so
documents known only from a post have `type: null` (and therefore match no `conditions[type][]`
filter), `effective_on: null`, `citation: null`. Upstream's `cfrReferences` is empty for every
document and is served as such. One field is not the API's: `ccl_supplements` carries upstream's
`supplements` and is added to every result whatever `fields[]` asks (the live API has no such
field, so the source's URL cannot ask for it; the parser treats it as optional).

Queries honoured: `conditions[agencies][]` (the corpus holds BIS documents only, so any other
agency gets no results), `conditions[type][]` (RULE, PRORULE, NOTICE, PRESDOCU),
`conditions[publication_date][gte|lte]`, `fields[]`, `per_page` (1-1000, default 20), `page`,
`order` (newest, oldest; relevance is served as newest). Dated replays: only documents published
on or before the date the mirror serves are visible.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import yaml

from exportwatch.errors import ConfigError

HOST = "https://www.federalregister.gov"
DOCUMENTS_PATH = "/api/v1/documents.json"
_DOCUMENT_PATH = re.compile(r"^/api/v1/documents/([A-Za-z0-9-]+)\.json$")
AGENCY_SLUG = "industry-and-security-bureau"
TYPES = {"RULE": "Rule", "PRORULE": "Proposed Rule", "NOTICE": "Notice", "PRESDOCU": "Presidential Document"}
# The API's order of fields in a result; every generated result has all of them.
FIELDS = ("document_number", "title", "type", "action", "abstract", "publication_date", "effective_on",
          "signing_date", "html_url", "json_url", "citation", "docket_ids", "cfr_references",
          "agency_names", "ccl_supplements")
# What the API returns when no fields[] are asked for (the subset of its defaults the corpus has).
DEFAULT_FIELDS = ("document_number", "title", "type", "abstract", "html_url", "publication_date")
_PER_PAGE_DEFAULT, _PER_PAGE_MAX = 20, 1000
# The posts' generator writes this when the API had no abstract: it is not abstract text.
_NO_SUMMARY = "No summary provided."
JSON_MEDIA_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Merged:
    """The documents built from the corpus, and where each came from (for tests and reports)."""

    documents: tuple[dict[str, Any], ...]  # API result objects, newest first
    from_metadata: frozenset[str]
    from_posts: frozenset[str]
    post_files: int


def load_corpus(metadata: Path, posts: list[Path]) -> Merged:
    """Read the metadata file and the posts and merge them by document number into API results.

    Raises ConfigError naming the file when one cannot be read or does not have the expected shape.
    """
    by_number: dict[str, dict[str, Any]] = {}
    for doc in _metadata_documents(metadata):
        number = doc["document_number"]
        if number in by_number:
            raise ConfigError(f"{metadata}: document {number} listed twice")
        by_number[number] = doc
    from_metadata = frozenset(by_number)
    seen_posts: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in posts:
        post = _post_document(path)
        number = post["document_number"]
        if number in seen_posts:
            # The same document posted again must say the same (official) things.
            first_path, first = seen_posts[number]
            if first != post:
                raise ConfigError(f"{path}: document {number} differs from its other post {first_path.name}")
            continue
        seen_posts[number] = (path, post)
        base = by_number.get(number)
        if base is None:
            by_number[number] = post
        else:
            # The metadata is the API record; the post adds the abstract it lacks.
            base["abstract"] = post["abstract"]
    # Newest first; on the same date, document numbers in descending order (a stable order).
    documents = sorted(by_number.values(), key=lambda d: str(d["document_number"]), reverse=True)
    documents.sort(key=lambda d: str(d["publication_date"]), reverse=True)
    return Merged(tuple(documents), from_metadata, frozenset(seen_posts), len(posts))


def _empty(number: str) -> dict[str, Any]:
    doc: dict[str, Any] = dict.fromkeys(FIELDS)
    doc.update(document_number=number, docket_ids=[], cfr_references=[], agency_names=[], ccl_supplements=[],
               json_url=f"{HOST}/api/v1/documents/{number}.json")
    return doc


def _metadata_documents(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = data["documents"]
        if not isinstance(raw, list):
            raise TypeError("'documents' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a Federal Register metadata file ({exc})") from exc
    out = []
    for i, item in enumerate(raw):
        try:
            doc = _empty(str(item["documentNumber"]))
            doc.update(
                title=str(item["title"]), type=item.get("type"), action=item.get("action"),
                publication_date=_iso(item["publicationDate"]), effective_on=_iso_or_none(item.get("effectiveOn")),
                signing_date=_iso_or_none(item.get("signingDate")), html_url=item.get("htmlUrl"),
                citation=item.get("citation"), docket_ids=list(item.get("docketIds") or []),
                cfr_references=[{"title": r.get("title"), "part": r.get("part")}
                                for r in item.get("cfrReferences") or []],
                agency_names=list(item.get("agencies") or []),
                ccl_supplements=[str(s) for s in item.get("supplements") or []],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"{path}: document #{i} is malformed ({exc!r})") from exc
        out.append(doc)
    return out


def _iso(value: Any) -> str:
    return dt.date.fromisoformat(str(value)[:10]).isoformat()


def _iso_or_none(value: Any) -> str | None:
    return None if value is None else _iso(value)


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_NUMBER_LINE = re.compile(r"^\*\*Document Number:\*\*\s*(\S+)\s*$", re.M)
_PRIMARY = re.compile(r"^- Primary source: \[[^\]]*\]\((https://www\.federalregister\.gov/documents/[^)\s]+)\)", re.M)


def _post_document(path: Path) -> dict[str, Any]:
    """The official fields of one Jekyll post: number, title, publication date, abstract, URL.

    The generated fields (`date`, `author`, `significance`, `categories`, the Significance and
    Context sections) are not read.
    """
    try:
        text = path.read_text(encoding="utf-8")
        match = _FRONT_MATTER.match(text)
        if match is None:
            raise ValueError("no front matter")
        front = yaml.safe_load(match.group(1))
        item_id = str(front["item_id"])
        if not item_id.startswith("federal_register:"):
            raise ValueError(f"item_id {item_id!r} is not a Federal Register document")
        number = item_id.removeprefix("federal_register:")
        stated = _NUMBER_LINE.search(text)
        if stated is None or stated.group(1) != number:
            raise ValueError(f"**Document Number:** line disagrees with item_id {number}")
        published = front["original_published"]
        day = published.date() if isinstance(published, dt.datetime) else dt.date.fromisoformat(str(published)[:10])
        title = str(front["title"]).strip()
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not a Federal Register post ({exc})") from exc
    doc = _empty(number)
    primary = _PRIMARY.search(text)
    doc.update(title=title, publication_date=day.isoformat(), abstract=_summary(text),
               html_url=primary.group(1) if primary else None)
    return doc


def _summary(text: str) -> str | None:
    """The text under `## Summary`, up to the next `## ` heading (the official abstract)."""
    parts = re.split(r"^## Summary[ \t]*\n", text, maxsplit=1, flags=re.M)
    if len(parts) < 2:
        return None
    body = re.split(r"^## ", parts[1], maxsplit=1, flags=re.M)[0].strip()
    return None if not body or body == _NO_SUMMARY else body


class FederalRegisterApi:
    """Answers the API's document endpoints for the documents published on or before a date."""

    def __init__(self, merged: Merged, host: str = HOST) -> None:
        self.merged = merged
        self.host = host
        self._by_number = {d["document_number"]: d for d in merged.documents}

    def resolve(self, key: str, through: dt.date | None) -> tuple[bytes, str] | None:
        """Body and media type for a path+query, or None (not an API path this mirror answers)."""
        parts = urlsplit(key)
        if parts.path == DOCUMENTS_PATH:
            page = self.documents_page(parse_qs(parts.query, keep_blank_values=True), through)
            return None if page is None else (_dump(page), JSON_MEDIA_TYPE)
        match = _DOCUMENT_PATH.match(parts.path)
        if match:
            doc = self._by_number.get(match.group(1))
            if doc is None or not _visible(doc, through):
                return None
            return _dump(doc), JSON_MEDIA_TYPE
        return None

    def documents_page(self, query: dict[str, list[str]], through: dt.date | None) -> dict[str, Any] | None:
        """One page of `/api/v1/documents.json`, or None for a query this mirror cannot answer."""
        try:
            per_page = min(max(int(query.get("per_page", [str(_PER_PAGE_DEFAULT)])[0]), 1), _PER_PAGE_MAX)
            page = max(int(query.get("page", ["1"])[0]), 1)
            gte = _query_date(query, "conditions[publication_date][gte]")
            lte = _query_date(query, "conditions[publication_date][lte]")
        except ValueError:
            return None
        known = {"per_page", "page", "order", "fields[]", "conditions[agencies][]", "conditions[type][]",
                 "conditions[publication_date][gte]", "conditions[publication_date][lte]"}
        if set(query) - known:
            return None  # a condition the mirror does not implement: better a 404 than a wrong answer
        order = query.get("order", ["relevance"])[0]
        if order not in ("newest", "oldest", "relevance"):
            return None
        agencies = query.get("conditions[agencies][]")
        types = query.get("conditions[type][]")
        if types and any(t not in TYPES for t in types):
            return None
        docs = [d for d in self.merged.documents if _visible(d, through)
                and (not agencies or AGENCY_SLUG in agencies)
                and (not types or d["type"] in {TYPES[t] for t in types})
                and (gte is None or d["publication_date"] >= gte)
                and (lte is None or d["publication_date"] <= lte)]
        if order == "oldest":
            docs.reverse()
        fields = [f for f in query.get("fields[]", []) if f in FIELDS] or list(DEFAULT_FIELDS)
        total_pages = math.ceil(len(docs) / per_page)
        chunk = docs[(page - 1) * per_page: page * per_page]
        body: dict[str, Any] = {"count": len(docs), "description": self._description(types),
                                "total_pages": total_pages}
        if page < total_pages:
            body["next_page_url"] = self._page_url(query, page + 1)
        if 1 < page <= total_pages:
            body["previous_page_url"] = self._page_url(query, page - 1)
        # ccl_supplements is the mirror's own field (not the API's): always served, never asked for.
        body["results"] = [{**{f: d[f] for f in fields if f != "ccl_supplements"},
                            "ccl_supplements": d["ccl_supplements"]} for d in chunk]
        return body

    def _page_url(self, query: dict[str, list[str]], page: int) -> str:
        pairs = [(k, v) for k, values in query.items() if k != "page" for v in values]
        pairs.append(("page", str(page)))
        return f"{self.host}{DOCUMENTS_PATH}?{urlencode(pairs)}"

    @staticmethod
    def _description(types: list[str] | None) -> str:
        kinds = " or ".join(TYPES[t] for t in types) if types else "any type"
        return f"Documents of {kinds} from Industry and Security Bureau (ExportWatch replay mirror)"


def _visible(doc: dict[str, Any], through: dt.date | None) -> bool:
    return through is None or doc["publication_date"] <= through.isoformat()


def _query_date(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return None if not values else dt.date.fromisoformat(values[0]).isoformat()


def _dump(data: Any) -> bytes:
    # Deterministic bytes: the same query on the same corpus is the same snapshot.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_api(source_id: str, spec: dict[str, Any], corpus_dir: Path, missing: list[str]) -> FederalRegisterApi | None:
    """Build the generator a `generator: {kind: federal-register-api, ...}` block in mirror.yml names.

    Missing corpus files are appended to `missing` (the mirror then refuses to start and lists them).
    """
    try:
        metadata_rel, posts_glob = str(spec["metadata"]), str(spec["posts"])
    except KeyError as exc:
        raise ConfigError(f"mirror source {source_id}: federal-register-api generator needs {exc}") from exc
    metadata = corpus_dir / metadata_rel
    posts = sorted(corpus_dir.glob(posts_glob))
    if not metadata.is_file():
        missing.append(metadata_rel)
    if not posts:
        missing.append(posts_glob)
    if not metadata.is_file() or not posts:
        return None
    return FederalRegisterApi(load_corpus(metadata, posts))
