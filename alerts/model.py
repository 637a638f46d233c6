"""What a subscription says, validated with pydantic: one input model for the CLI and the API, so
both give the same clear errors.

Four kinds of subscription (`spec.kind`):

- `code`: control codes or code prefixes in one jurisdiction (`us`, `["9A012", "3A001.b"]`),
  optionally with their equivalents elsewhere (`include_equivalents`: "3A001 everywhere" is
  `eu`/`3A001` with equivalents, matching `us:3A001`, `au:3A001`, `wa:3.A.1` ...);
- `search`: a saved search (query in the search language, filters), matched through the search
  backend against the changed entries only;
- `term`: a defined term ("technology"): changes of its definition;
- `source`: whole sources and/or jurisdictions.

Channels: `email` (address), `webhook` (https URL, Standard Webhooks secret generated when not
given) and `feed` (an Atom feed at /api/feeds/{token}.atom).
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from exportwatch.errors import QueryError
from indexer.query import parse_query

Frequency = Literal["immediate", "daily", "weekly"]
Significance = Literal["substantive", "all"]
JURISDICTION = r"^[a-z]{2,4}$"
SOURCE_ID = r"^[a-z][a-z0-9-]{1,40}$"
# Codes as the lists write them: 3A001.b.1, 3.A.1, ML8.a, 5504(2)(d), 0A502, 1-3.A.1 ...
_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.()\-/ ]{0,63}$"
_CODE = re.compile(_CODE_PATTERN)
_EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
_EMAIL = re.compile(_EMAIL_PATTERN)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CodeSpec(_Strict):
    kind: Literal["code"]
    jurisdiction: Annotated[str, Field(pattern=JURISDICTION, description="us, eu, wa, au, ca ...")]
    codes: Annotated[list[Annotated[str, Field(pattern=_CODE_PATTERN)]], Field(
        min_length=1, max_length=200, description="Codes or code prefixes: 3A001 covers 3A001.b.1.")]
    include_equivalents: bool = Field(default=False, description=(
        "Also the same control in other jurisdictions, by code alignment (EU/US/AU 3A001 = WA 3.A.1)."))

    @field_validator("codes", mode="before")
    @classmethod
    def _codes(cls, codes: object) -> object:
        if not isinstance(codes, list):
            return codes
        out = []
        for code in codes:
            if not isinstance(code, str):
                return codes  # the type check reports it
            code = code.strip()
            if ":" in code:
                raise ValueError(f"code {code!r}: give the code without its jurisdiction (3A001, not us:3A001)")
            if not _CODE.fullmatch(code):
                raise ValueError(f"code {code!r} is not a control code (e.g. 3A001, 3.A.1.b, ML8.a, 5504(2))")
            out.append(code)
        return sorted(set(out))


class SearchSpec(_Strict):
    kind: Literal["search"]
    query: Annotated[str, Field(min_length=1, max_length=500)]
    mode: Literal["bm25"] = Field(default="bm25", description=(
        "Only bm25: semantic and hybrid rank by nearness and have no match/no-match line to alert on."))
    jurisdictions: list[Annotated[str, Field(pattern=JURISDICTION)]] = Field(default_factory=list, max_length=20)
    sources: list[Annotated[str, Field(pattern=SOURCE_ID)]] = Field(default_factory=list, max_length=20)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=list, max_length=10)
    categories: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list, max_length=20)
    code_prefixes: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=20)
    # what the change did to the entry: "added" hears of new entries only (empty: every kind)
    change_kinds: list[Literal["added", "removed", "amended", "moved"]] = Field(default_factory=list, max_length=4)

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, mode: object) -> object:
        if mode in ("semantic", "hybrid"):
            raise ValueError(f"mode {mode!r} cannot drive alerts: it ranks every entry by nearness, so nothing "
                             "says whether a changed entry matches; use bm25")
        return mode

    @field_validator("query")
    @classmethod
    def _query(cls, query: str) -> str:
        try:
            parse_query(query)
        except QueryError as exc:  # pydantic reports ValueErrors with the field's location
            raise ValueError(str(exc)) from exc
        return query


class TermSpec(_Strict):
    kind: Literal["term"]
    term: Annotated[str, Field(min_length=2, max_length=200, description="A defined term, e.g. technology.")]
    jurisdictions: list[Annotated[str, Field(pattern=JURISDICTION)]] = Field(default_factory=list, max_length=20)


class SourceSpec(_Strict):
    kind: Literal["source"]
    sources: list[Annotated[str, Field(pattern=SOURCE_ID)]] = Field(default_factory=list, max_length=50)
    jurisdictions: list[Annotated[str, Field(pattern=JURISDICTION)]] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _some(self) -> SourceSpec:
        if not self.sources and not self.jurisdictions:
            raise ValueError("name at least one source or jurisdiction")
        return self


Spec = Annotated[CodeSpec | SearchSpec | TermSpec | SourceSpec, Field(discriminator="kind")]


def new_webhook_secret() -> str:
    """`whsec_` + base64 of 32 random bytes (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    """The signing key of a `whsec_...` secret."""
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


class EmailChannel(_Strict):
    kind: Literal["email"]
    address: Annotated[str, Field(max_length=254, pattern=_EMAIL_PATTERN)]

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, address: object) -> object:
        if isinstance(address, str) and not _EMAIL.fullmatch(address.strip()):
            raise ValueError(f"{address!r} is not an e-mail address")
        return address


class WebhookChannel(_Strict):
    kind: Literal["webhook"]
    url: Annotated[str, Field(max_length=2000)]
    secret: str | None = Field(default=None, description="whsec_<base64, 24-64 bytes>; generated when omitted.")

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        from alerts.ssrf import check_url_syntax

        check_url_syntax(url)
        return url

    @field_validator("secret")
    @classmethod
    def _secret(cls, secret: str | None) -> str | None:
        if secret is None:
            return None
        try:
            key = secret_bytes(secret) if secret.startswith("whsec_") else b""
        except ValueError:
            key = b""
        if not 24 <= len(key) <= 64:
            raise ValueError("the secret must be whsec_ followed by the base64 of 24 to 64 bytes")
        return secret


class FeedChannel(_Strict):
    kind: Literal["feed"]


Channel = Annotated[EmailChannel | WebhookChannel | FeedChannel, Field(discriminator="kind")]


class SubscriptionIn(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    spec: Spec
    frequency: Frequency = "immediate"
    significance: Significance = Field(default="substantive", description=(
        "substantive: only changes of wording or meaning; all: also editorial ones (case, punctuation)."))
    channels: Annotated[list[Channel], Field(min_length=1, max_length=10)]

    @model_validator(mode="after")
    def _one_feed(self) -> SubscriptionIn:
        if sum(isinstance(c, FeedChannel) for c in self.channels) > 1:
            raise ValueError("at most one feed channel per subscription")
        return self
