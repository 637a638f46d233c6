"""Packages whose modules register themselves (commands, processors, API routers, web pages,
entry sections): adding one never means editing a shared list."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter


def plugin_modules(package: str, path: Iterable[str]) -> list[ModuleType]:
    """Every module of `package` (its `__name__` and `__path__`), imported, in name order."""
    return [importlib.import_module(f"{package}.{info.name}")
            for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name)]


def routers_in(package: str, path: Iterable[str]) -> list[tuple[str, APIRouter]]:
    """(module name, router) for every module of `package` that defines `router`."""
    from fastapi import APIRouter  # only the web app needs it

    found = []
    for module in plugin_modules(package, path):
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append((module.__name__.rsplit(".", 1)[1], router))
    return found
