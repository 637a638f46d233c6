"""`/api/subscriptions`: a team's subscriptions (alerts/). Every query is filtered by the caller's
team; another team's subscription answers 404. Reading needs any key of the team; creating and
deleting need the member role. The webhook secret is shown once, in the answer to the POST."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.model import SubscriptionIn
from alerts.ssrf import UnsafeUrlError
from exportwatch.accounts import ApiKey
from exportwatch.api.deps import CurrentTeam, PoolDep, require_role
from exportwatch.api.errors import register_error
from exportwatch.api.models import VALIDATED_BEYOND_SCHEMA, Page
from exportwatch.api.pagination import Limit, Offset, next_link

router = APIRouter(tags=["subscriptions"])
register_error(subs.SubscriptionError, 400, "invalid_subscription")
register_error(UnsafeUrlError, 400, "unsafe_url")

SubscriptionId = Annotated[int, Path(ge=1, le=2**62, description="The subscription's id.")]
Member = Annotated[ApiKey, Depends(require_role("member"))]


@router.get("/subscriptions", response_model=Page[dict[str, Any]], summary="The team's subscriptions")
def list_subscriptions(request: Request, pool: PoolDep, team: CurrentTeam, limit: Limit = 100,
                       offset: Offset = 0) -> Page[dict[str, Any]]:
    """Each with what it watches, its frequency and channels (webhook secrets masked), as
    `exportwatch subscriptions --json`."""
    store, base = pool.get().store, AlertSettings.from_env().base_url
    total = subs.count_subscriptions(store, team_id=team.id)
    items = [subs.subscription_json(s, base_url=base)
             for s in subs.list_subscriptions(store, team_id=team.id, limit=limit, offset=offset)]
    return Page[dict[str, Any]](items=items, total=total, limit=limit, offset=offset,
                                next=next_link(request, total=total, limit=limit, offset=offset))


@router.post("/subscriptions", response_model=dict[str, Any], status_code=201,
             summary="Subscribe the team to changes (member or admin)",
             # Queries must parse and webhook URLs must pass the address check: refusals beyond
             # what the schema can say.
             openapi_extra=VALIDATED_BEYOND_SCHEMA)
def create_subscription(body: SubscriptionIn, pool: PoolDep, team: CurrentTeam, _: Member) -> dict[str, Any]:
    """`spec.kind` is `code`, `search`, `term` or `source`; channels `email`, `webhook` (its
    `secret` is generated when omitted and returned here, once) or `feed`."""
    settings = AlertSettings.from_env()
    sub = subs.create(pool.get().store, team.id, body, settings)
    return subs.subscription_json(sub, show_secrets=True, base_url=settings.base_url)


@router.get("/subscriptions/{subscription_id}", response_model=dict[str, Any],
            summary="One of the team's subscriptions")
def get_subscription(subscription_id: SubscriptionId, pool: PoolDep, team: CurrentTeam) -> dict[str, Any]:
    sub = subs.get(pool.get().store, subscription_id, team_id=team.id)
    return subs.subscription_json(sub, base_url=AlertSettings.from_env().base_url)


@router.delete("/subscriptions/{subscription_id}", response_model=dict[str, Any],
               summary="Stop one of the team's subscriptions (member or admin)")
def delete_subscription(subscription_id: SubscriptionId, pool: PoolDep, team: CurrentTeam,
                        _: Member) -> dict[str, Any]:
    sub = subs.delete(pool.get().store, subscription_id, team_id=team.id)
    return subs.subscription_json(sub, base_url=AlertSettings.from_env().base_url)
