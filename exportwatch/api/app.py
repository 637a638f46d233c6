"""The HTTP application: REST API under /api (OpenAPI at /api/openapi.json) and the web UI at /.

Both are assembled from discovered modules, as the CLI is: API routers from
exportwatch/api/routers/, web pages from exportwatch/web/pages/, entry-page sections from
exportwatch/web/sections/. A feature adds its own module; this file does not change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import Depends, FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exportwatch.api import errors
from exportwatch.api.deps import Pool
from exportwatch.api.routers import discover
from exportwatch.api.strict import reject_unknown_query
from exportwatch.settings import Settings

API_DESCRIPTION = """\
Export-control lists across jurisdictions: sources and their health, entries with citations,
search. Send your key in the `X-API-Key` header (`exportwatch keys create`); whether regulatory
data needs one is set by `EXPORTWATCH_PUBLIC_DATA`. Every error has the shape
`{"error": {"code", "message", "details"}}`; every list has `items`, `total`, `limit`, `offset`
and `next`.
"""

# Web pages only load what the server itself serves: no inline script, no third-party host.
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    pool = Pool(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(title="ExportWatch API", version=version("exportwatch"), description=API_DESCRIPTION,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.pool = pool
    errors.install(app)
    for _name, router in discover():
        app.include_router(router, prefix="/api", responses=errors.ERROR_RESPONSES,
                           dependencies=[Depends(reject_unknown_query)])

    from exportwatch.web import install as install_web  # the web UI is built on the API's pieces

    install_web(app)

    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds _SECURITY_HEADERS to every response, and `Cache-Control: no-store` to API answers
    (they may carry a team's data). Plain ASGI: no per-request task as BaseHTTPMiddleware has."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if is_api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
