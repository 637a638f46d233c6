"""CLI commands, one module per area. Every module in this package that defines `COMMANDS` (a
list of click commands) is registered on the `exportwatch` group: adding a command never means
editing a shared list."""

from __future__ import annotations

import importlib
import pkgutil

import click


def register_all(group: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            if command.name not in group.commands:
                group.add_command(command)
