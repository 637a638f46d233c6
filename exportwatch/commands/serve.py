"""`exportwatch serve`: the HTTP API and the web UI."""

from __future__ import annotations

import click

from exportwatch.cli import handle_errors
from exportwatch.output import err_console
from exportwatch.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--no-scheduler", is_flag=True,
              help="Do not run the scheduler (crawls, alert delivery, digests): API and web UI only.")
@handle_errors
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the REST API (/api/, OpenAPI at /api/openapi.json) and the web UI (/), and run the
    scheduler in the same process: each source's crawl on its schedule, alert delivery every
    minute, daily and weekly digests (`exportwatch jobs` shows them)."""
    from exportwatch.api.server import run_server  # FastAPI loads only for this command

    settings = Settings.from_env()
    access = "public" if settings.public_data else "key-only (EXPORTWATCH_PUBLIC_DATA=false)"
    built = None
    if not no_scheduler:
        from alerts import scheduler  # APScheduler loads only when it runs

        built = scheduler.build_scheduler(settings)
        scheduler.start(built)
        err_console.print(f"scheduler: {len(built.scheduler.get_jobs())} job(s) (exportwatch jobs)", highlight=False)
    err_console.print(f"serving http://{host}:{port}/ (API /api/, data {access}); Ctrl-C to stop", highlight=False)
    try:
        run_server(settings, host=host, port=port)
    finally:
        if built is not None:
            scheduler.shutdown(built, wait=False)


COMMANDS = [serve]
