"""Templates and the filters they use."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from exportwatch.web.auth import web_key_or_none

TEMPLATES = Path(__file__).resolve().parent / "templates"
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def snippet_html(snippet: str) -> Markup:
    """Escape everything in a search snippet except the backends' own <mark> tags."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(str(escape(MARK_OPEN)), MARK_OPEN)  # noqa: S704 - escaped above
                  .replace(str(escape(MARK_CLOSE)), MARK_CLOSE))


def entry_url(entry_id: str) -> str:
    """/entries/eu:3A001.b.1, /entries/ca:5504(2)(d): ids stay readable in the address bar."""
    return "/entries/" + quote(entry_id, safe=":@().-_~")


def when(timestamp: str | None) -> Markup:
    """An ISO UTC timestamp as `<time>` reading "2026-11-27 19:33 UTC"."""
    if not timestamp:
        return Markup("never")
    shown = timestamp.replace("T", " ")[:16] + (" UTC" if timestamp.endswith(("+00:00", "Z")) else "")
    return Markup('<time datetime="{}">{}</time>').format(timestamp, shown)


templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["when"] = when
templates.env.filters["snippet"] = snippet_html
templates.env.filters["entry_url"] = entry_url


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200) -> Any:
    ctx = {"viewer": web_key_or_none(request), "public": request.app.state.settings.public_data,
           **(context or {})}
    return templates.TemplateResponse(request, name, ctx, status_code=status)
