"""Unknown query parameters are an error, not silently ignored: `?jurisdictions=eu` (a typo for
`jurisdiction`) would otherwise return every jurisdiction, and nobody would notice."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from exportwatch.accounts import AuthenticationError

_KEY_NAMES = {"x_api_key", "api_key", "apikey", "key", "token", "access_token"}
_KNOWN: dict[int, frozenset[str]] = {}  # id(route) -> its query parameters (routes live as long as the app)


def _known(route: APIRoute) -> frozenset[str]:
    if (cached := _KNOWN.get(id(route))) is not None:
        return cached
    names: set[str] = set()
    stack: list[Dependant] = [route.dependant]
    while stack:
        dependant = stack.pop()
        names.update(str(f.alias) for f in dependant.query_params)
        stack.extend(dependant.dependencies)
    _KNOWN[id(route)] = frozenset(names)
    return _KNOWN[id(route)]


async def reject_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _known(route)
    unknown = sorted(set(request.query_params) - known)
    if any(name.lower().replace("-", "_") in _KEY_NAMES for name in unknown):
        # Not honoured, and said so: a key in a URL ends up in logs, history and Referer headers.
        raise AuthenticationError("API keys are not accepted in the URL: send the key in the X-API-Key header "
                                  "(and revoke this one if the URL was shared or logged)")
    if unknown:
        hint = f"known: {', '.join(sorted(known))}" if known else "this route takes no query parameters"
        raise RequestValidationError([{"loc": ("query", name), "type": "unknown_parameter",
                                       "msg": f"unknown query parameter; {hint}"} for name in unknown])
