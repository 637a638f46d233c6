"""Web pages, one module per area. Every module here that defines `router` is mounted at /."""

from __future__ import annotations

from fastapi import APIRouter

from exportwatch.plugins import routers_in


def discover() -> list[tuple[str, APIRouter]]:
    return routers_in(__name__, __path__)
