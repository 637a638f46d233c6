"""Fetched JSON documents: decoded (BOM tolerated) and checked to be an object, or a ParseError."""

from __future__ import annotations

import json
from typing import Any

from exportwatch.errors import ParseError


def json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"{what}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError(f"{what}: top level is not an object")
    return data
