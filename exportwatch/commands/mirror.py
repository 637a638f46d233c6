"""`exportwatch mirror`: serve the corpus at production URL paths on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from crawlers.mirror import MirrorServer, load_catalog
from crawlers.registry import load_sources
from exportwatch.cli import handle_errors
from exportwatch.errors import ConfigError
from exportwatch.output import console
from exportwatch.settings import Settings


@click.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus directory (default: EXPORTWATCH_CORPUS, ../shared/corpus).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--at", "pins", multiple=True, metavar="SOURCE=DATE",
              help="Serve this dated version of a source (repeatable); default: the newest.")
@handle_errors
def mirror(corpus: Path | None, port: int, pins: tuple[str, ...]) -> None:
    """Replay mirror for tests and demos: serves corpus files at the production URL paths.

    Crawl against it with `exportwatch crawl --mirror http://127.0.0.1:PORT`. Change the version a
    source serves while it runs with `POST /_mirror/select?source=ID&version=YYYY-MM-DD|latest`.
    """
    settings = Settings.from_env()
    catalog = load_catalog(settings.mirror_config, corpus or settings.corpus, load_sources(settings.sources_file))
    for pin in pins:
        sid, _, date = pin.partition("=")
        try:
            catalog.pin(sid, dt.date.fromisoformat(date))
        except ValueError:
            raise ConfigError(f"--at {pin!r}: expected SOURCE=YYYY-MM-DD") from None
    server = MirrorServer(catalog, port)
    console.print(f"mirror serving {len(catalog.sources)} sources at {server.url} (Ctrl-C to stop)")
    for sid, source in catalog.sources.items():
        active = source.active()
        console.print(f"  {sid}: {len(source.versions)} versions, serving {active.date if active else '-'}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [mirror]
