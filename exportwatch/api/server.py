"""Start the HTTP server. `exportwatch serve` calls `run_server`; a feature that needs to run
beside the server (the alerts scheduler) wraps or extends this function, not the command."""

from __future__ import annotations

import uvicorn

from exportwatch.api.app import create_app
from exportwatch.settings import Settings


def run_server(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API and the web UI until interrupted (Ctrl-C or SIGTERM stops it cleanly)."""
    app = create_app(settings)
    # One process: the store is SQLite (one writer) and each worker thread keeps its own
    # connection; uvicorn's default thread pool serves requests concurrently.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True, proxy_headers=False,
                server_header=False)
