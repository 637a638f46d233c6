"""The web UI: server-rendered pages (Jinja2) with a little CSS and vanilla JS, no build step.

Pages are discovered like API routers: every module in exportwatch/web/pages/ that defines
`router` is mounted at /. Sections of the entry page (parameters, definitions, history,
equivalents) are discovered from exportwatch/web/sections/.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from exportwatch.api import errors
from exportwatch.web.auth import LoginRequired
from exportwatch.web.pages import discover
from exportwatch.web.render import render

STATIC = Path(__file__).resolve().parent / "static"


def _error_page(request: Request, status: int, code: str, message: str) -> Response:
    response: Response = render(request, "error.html", {"status": status, "code": code, "message": message},
                                status=status)
    return response


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for _name, router in discover():
        app.include_router(router, include_in_schema=False)
    errors.set_html_renderer(_error_page)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.login_url, status_code=303)
