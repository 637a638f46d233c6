"""The `exportwatch` command line. Every listing command takes --json (stable, documented in
docs/cli.md); errors print one clear line and exit non-zero."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from exportwatch.errors import ExportWatchError
from exportwatch.output import err_console

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn project errors into a message and an exit code instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ExportWatchError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="exportwatch")
def cli() -> None:
    """ExportWatch: watch export-control lists across jurisdictions."""


def main() -> None:
    from exportwatch.commands import register_all

    register_all(cli)
    cli()


if __name__ == "__main__":
    main()
