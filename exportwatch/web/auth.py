"""Who is using the web UI. A browser cannot set the X-API-Key header on a link, so after
/login the key is kept in a cookie: HttpOnly (no script can read it), SameSite=Strict (no other
site's page can make the browser send it), Secure when served over https. API routes never
accept the cookie: only the header, so no page of another site can call the API as the user.

Pages that change something (POST forms: subscriptions) also check the Origin header with
`check_same_origin` and read their fields with `form_fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from fastapi import Request

from exportwatch.accounts import ApiKey, AuthenticationError, PermissionDeniedError, Role, authenticate
from exportwatch.api.deps import WEB_COOKIE, Pool

SESSION_SECONDS = 8 * 3600
_MAX_FORM_BYTES = 64 * 1024


class LoginRequired(Exception):
    """Answered with a redirect to the sign-in page, which comes back to `next` afterwards."""

    def __init__(self, request: Request, reason: str = "") -> None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        self.login_url = f"/login?next={quote(target, safe='')}" + (f"&reason={quote(reason)}" if reason else "")
        super().__init__(self.login_url)


def web_key_or_none(request: Request) -> ApiKey | None:
    """The key in the session cookie if it is still valid (checked once per request)."""
    if hasattr(request.state, "web_key"):
        key: ApiKey | None = request.state.web_key
        return key
    token = request.cookies.get(WEB_COOKIE)
    key = None
    if token:
        pool: Pool = request.app.state.pool
        try:
            key = authenticate(pool.get().store, token)
        except AuthenticationError:
            key = None  # revoked or garbage: the user signs in again
    request.state.web_key = key
    return key


def web_data_access(request: Request) -> ApiKey | None:
    """Regulatory data pages: open when EXPORTWATCH_PUBLIC_DATA=true, else signed in."""
    key = web_key_or_none(request)
    if key is None and not request.app.state.settings.public_data:
        raise LoginRequired(request)
    return key


def web_signed_in(request: Request) -> ApiKey:
    """Pages of a team's own resources: always signed in."""
    key = web_key_or_none(request)
    if key is None:
        raise LoginRequired(request)
    return key


def web_require_role(minimum: Role) -> Callable[[Request], ApiKey]:
    def check(request: Request) -> ApiKey:
        key = web_signed_in(request)
        if not key.allows(minimum):
            raise PermissionDeniedError(f"this needs the {minimum} role or above; you are signed in as {key.role}")
        return key

    return check


def check_same_origin(request: Request) -> None:
    """Refuse a form POST sent from another site's page (browsers send Origin on POST)."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin != own:
        raise PermissionDeniedError(f"form sent from another site ({origin}); submit it from {own}")


async def form_fields(request: Request) -> dict[str, str]:
    """Fields of an application/x-www-form-urlencoded POST (the only kind our forms send)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM_BYTES:
            raise PermissionDeniedError("form too large")
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect the user to another host after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
