"""One error model for every API error: `{"error": {"code", "message", "details"}}`.

Project exceptions are translated here, at the HTTP boundary, by type: a router raises
`NotFoundError` or `QueryError` as the CLI does, and the client gets 404 or 400 with the same
message the CLI would print. Features add their own exception types with `register_error`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from exportwatch.accounts import AccountError, AuthenticationError, ConflictError, PermissionDeniedError
from exportwatch.errors import (
    ConfigError,
    ExportWatchError,
    NotFoundError,
    QueryError,
    SearchError,
    StoreError,
)

log = logging.getLogger("exportwatch.api")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, bad_query, unauthorized.")
    message: str = Field(description="What went wrong and how to fix it, for people.")
    details: Any = Field(default=None, description="Extra data: for validation_error, the invalid fields.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# Most specific first: the first class in an exception's MRO found here decides.
_STATUS: dict[type[BaseException], tuple[int, str]] = {
    AuthenticationError: (401, "unauthorized"),
    PermissionDeniedError: (403, "forbidden"),
    NotFoundError: (404, "not_found"),
    ConflictError: (409, "conflict"),
    QueryError: (400, "bad_query"),
    AccountError: (400, "invalid_request"),
    ConfigError: (500, "configuration_error"),
    SearchError: (503, "search_unavailable"),
    StoreError: (503, "store_unavailable"),
    ExportWatchError: (500, "internal_error"),
}
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests"}

# Documented on every API route, so clients (and schemathesis) know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description} for status, description in (
        (400, "Invalid request or query"), (401, "Missing, invalid or revoked API key"),
        (403, "The key's role may not do this"), (404, "Not found"),
        (422, "Invalid parameters (details lists them)"), (500, "Server error"),
        (503, "Search index or store unavailable"))
}


def register_error(exc_type: type[BaseException], status: int, code: str) -> None:
    """Map a feature's own exception type to an HTTP status and error code."""
    _STATUS[exc_type] = (status, code)


def status_for(exc: BaseException) -> tuple[int, str]:
    for klass in type(exc).__mro__:
        if klass in _STATUS:
            return _STATUS[klass]
    return 500, "internal_error"


def error_json(status: int, code: str, message: str, details: Any = None,
               headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


# The web UI renders the same errors as pages; it registers its renderer here so that this module
# does not depend on the templates.
HtmlRenderer = Any
_html_renderer: list[HtmlRenderer] = []


def set_html_renderer(renderer: HtmlRenderer) -> None:
    _html_renderer[:] = [renderer]


def _respond(request: Request, status: int, code: str, message: str, details: Any = None,
             headers: dict[str, str] | None = None) -> Response:
    if not is_api(request) and _html_renderer:
        response: Response = _html_renderer[0](request, status, code, message)
        return response
    return error_json(status, code, message, details, headers)


def install(app: FastAPI) -> None:
    """Route every error, ours, FastAPI's and Starlette's, through the one error model."""

    @app.exception_handler(ExportWatchError)
    async def project_error(request: Request, exc: ExportWatchError) -> Response:
        status, code = status_for(exc)
        if status >= 500:
            log.error("request failed: %s %s: %s", request.method, request.url.path, exc)
        return _respond(request, status, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")),
                    "type": str(err.get("type", ""))} for err in exc.errors()]
        where = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details[:5])
        return _respond(request, 422, "validation_error", f"invalid request: {where}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = str(exc.detail) if exc.detail else code.replace("_", " ")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return _respond(request, exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The traceback goes to the log, never to the client.
        log.exception("unhandled error: %s %s", request.method, request.url.path)
        return _respond(request, 500, "internal_error", "internal server error; the server log has details")
