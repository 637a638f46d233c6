"""CLI commands, one module per area. Every module in this package that defines `COMMANDS` (a
list of click commands) is registered on the `exportwatch` group: adding a command never means
editing a shared list."""

from __future__ import annotations

import click

from exportwatch.plugins import plugin_modules


def register_all(group: click.Group) -> None:
    for module in plugin_modules(__name__, __path__):
        for command in getattr(module, "COMMANDS", []):
            if command.name not in group.commands:
                group.add_command(command)
