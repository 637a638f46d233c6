"""Sign in with an API key (/login) and sign out (/logout)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from exportwatch.accounts import AuthenticationError, authenticate
from exportwatch.api.deps import WEB_COOKIE, PoolDep
from exportwatch.web.auth import SESSION_SECONDS, check_same_origin, form_fields, safe_next
from exportwatch.web.render import render

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> Any:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
async def login(request: Request, pool: PoolDep) -> Any:
    check_same_origin(request)
    fields = await form_fields(request)
    target = safe_next(fields.get("next"))
    token = fields.get("key", "").strip()
    try:
        # A blocking store read on the event loop: one indexed lookup, rare (sign-in only).
        key = authenticate(pool.get().store, token)
    except AuthenticationError as exc:
        return render(request, "login.html", {"next": target, "error": str(exc)}, status=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(WEB_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    request.state.web_key = key
    return response


@router.post("/logout")
async def logout(request: Request) -> Any:
    check_same_origin(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(WEB_COOKIE, path="/", httponly=True, samesite="strict")
    return response
