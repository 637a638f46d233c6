"""CLI commands, one module per area; registered on the `exportwatch` group."""

from __future__ import annotations

import click


def register_all(group: click.Group) -> None:
    from exportwatch.commands import crawl, demo, entries, mirror, search, sources

    for module in (crawl, sources, search, entries, mirror, demo):
        for command in module.COMMANDS:
            group.add_command(command)
