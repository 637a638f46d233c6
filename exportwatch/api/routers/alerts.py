"""`/api/alerts`: the team's alert messages and their delivery status; `/api/feeds/{token}.atom`:
a subscription's Atom feed, public to whoever holds its token (feed readers send no API key)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.feed import atom_feed
from alerts.outbox import count_outbox, outbox_json, outbox_rows
from exportwatch.api.deps import CurrentTeam, PoolDep
from exportwatch.api.models import Page
from exportwatch.api.pagination import Limit, Offset, next_link

router = APIRouter(tags=["alerts"])
_STATUSES: dict[str | None, tuple[str, ...]] = {
    "pending": ("pending", "retrying"), "failed": ("retrying", "dead"), "delivered": ("delivered",), None: ()}


@router.get("/alerts", response_model=Page[dict[str, Any]], summary="The team's alert messages, newest first")
def list_alerts(request: Request, pool: PoolDep, team: CurrentTeam,
                status: Annotated[Literal["pending", "failed", "delivered"] | None, Query(
                    description="pending: queued or waiting for a retry; failed: retrying or dead-lettered; "
                                "delivered")] = None,
                subscription: Annotated[int | None, Query(ge=1, le=2**62,
                                                          description="Only this subscription.")] = None,
                limit: Limit = 50, offset: Offset = 0) -> Page[dict[str, Any]]:
    """As `exportwatch alerts --json`: per message its channel, status, attempts and last error."""
    store = pool.get().store
    statuses = _STATUSES[status]
    total = count_outbox(store, statuses=statuses, team_id=team.id, subscription_id=subscription)
    items = [outbox_json(r) for r in outbox_rows(store, statuses=statuses, team_id=team.id,
                                                 subscription_id=subscription, limit=limit, offset=offset)]
    return Page[dict[str, Any]](items=items, total=total, limit=limit, offset=offset,
                                next=next_link(request, total=total, limit=limit, offset=offset))


@router.get("/feeds/{token}.atom", response_class=Response, summary="A subscription's Atom feed (public by token)",
            responses={200: {"content": {"application/atom+xml": {}}}})
def feed(token: Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
         pool: PoolDep) -> Response:
    store = pool.get().store
    sub = subs.by_feed_token(store, token)
    return Response(atom_feed(store, sub, AlertSettings.from_env().base_url),
                    media_type="application/atom+xml; charset=utf-8")
