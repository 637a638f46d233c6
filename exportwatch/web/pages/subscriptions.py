"""The team's alert subscriptions in the web UI (/subscriptions): the list, a form to create one
and a delete button per row. Signed in only; members and admins change, read-only keys only look.
Every read and change is filtered by the signed-in key's team (another team's subscription is
"not found", as in the API)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from exportwatch.accounts import ApiKey, PermissionDeniedError
from exportwatch.api.deps import Pool, PoolDep
from exportwatch.web.auth import check_same_origin, form_fields, web_signed_in
from exportwatch.web.render import render

router = APIRouter()
SignedIn = Annotated[ApiKey, Depends(web_signed_in)]
KINDS = ("code", "search", "term", "source")
FREQUENCIES = ("immediate", "daily", "weekly")
SIGNIFICANCES = ("substantive", "all")
# The form's fields, with what an empty form starts from.
FIELDS = {"name": "", "kind": "code", "jurisdiction": "", "codes": "", "include_equivalents": "",
          "query": "", "term": "", "sources": "", "frequency": "immediate", "significance": "substantive",
          "channel": "feed", "webhook_url": ""}
_LIST_SPLIT = re.compile(r"[,\s]+")


def _split(value: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(value.strip()) if part]


def subscription_input(form: dict[str, str]) -> dict[str, Any]:
    """The raw input `alerts.subscriptions.parse_input` validates, from the form's fields. Only the
    fields of the chosen kind are read; lists are written comma- or space-separated."""
    kind = form.get("kind", "")
    jurisdictions = [j.lower() for j in _split(form.get("jurisdiction", ""))]
    spec: dict[str, Any] = {"kind": kind}
    if kind == "code":
        spec |= {"jurisdiction": jurisdictions[0] if len(jurisdictions) == 1 else form.get("jurisdiction", ""),
                 "codes": _split(form.get("codes", "")), "include_equivalents": bool(form.get("include_equivalents"))}
    elif kind == "search":
        spec |= {"query": form.get("query", ""), "jurisdictions": jurisdictions}
    elif kind == "term":
        spec |= {"term": form.get("term", ""), "jurisdictions": jurisdictions}
    elif kind == "source":
        spec |= {"sources": _split(form.get("sources", "")), "jurisdictions": jurisdictions}
    channel = form.get("channel", "")
    channels: list[dict[str, Any]] = [{"kind": "webhook", "url": form.get("webhook_url", "").strip()}
                                      if channel == "webhook" else {"kind": channel}]
    return {"name": form.get("name", ""), "spec": spec, "frequency": form.get("frequency", ""),
            "significance": form.get("significance", ""), "channels": channels}


def spec_summary(sub: subs.Subscription) -> str:
    """One line saying what a subscription watches."""
    spec = sub.spec
    where = f" in {', '.join(spec.jurisdictions)}" if getattr(spec, "jurisdictions", None) else ""
    if sub.kind == "code":
        return (f"{spec.jurisdiction}: {', '.join(spec.codes)}"
                + (" and equivalents elsewhere" if spec.include_equivalents else ""))
    if sub.kind == "search":
        return f"search “{spec.query}”{where}"
    if sub.kind == "term":
        return f"definition of “{spec.term}”{where}"
    parts = ([f"sources {', '.join(spec.sources)}"] if spec.sources else []) + (
        [f"jurisdictions {', '.join(spec.jurisdictions)}"] if spec.jurisdictions else [])
    return "; ".join(parts)


def _page(request: Request, pool: Pool, key: ApiKey, form: dict[str, str], *, error: str | None = None,
          notice: str | None = None, status: int = 200) -> Any:
    svc = pool.get()
    rows = subs.list_subscriptions(svc.store, team_id=key.team_id)
    items = [{"sub": s, "summary": spec_summary(s), "json": subs.subscription_json(s)} for s in rows]
    return render(request, "subscriptions.html", {
        "items": items, "form": form, "error": error, "notice": notice, "can_edit": key.allows("member"),
        "kinds": KINDS, "frequencies": FREQUENCIES, "significances": SIGNIFICANCES,
        "jurisdictions": sorted({s.jurisdiction for s in svc.sources}),
        "source_ids": sorted(s.id for s in svc.sources)}, status=status)


@router.get("/subscriptions")
def subscriptions_page(request: Request, pool: PoolDep, key: SignedIn,
                       kind: Annotated[str, Query(max_length=20)] = "",
                       jurisdiction: Annotated[str, Query(max_length=8)] = "",
                       codes: Annotated[str, Query(max_length=200)] = "",
                       created: Annotated[int | None, Query()] = None,
                       deleted: Annotated[int | None, Query()] = None) -> Any:
    # kind/jurisdiction/codes prefill the form: a "subscribe" link from an entry page.
    form = {**FIELDS, **{k: v for k, v in (("kind", kind), ("jurisdiction", jurisdiction), ("codes", codes))
                         if v}}
    notice = (f"Subscription {created} created." if created is not None else
              f"Subscription {deleted} deleted: it sends no new alerts." if deleted is not None else None)
    return _page(request, pool, key, form, notice=notice)


def _require_member(request: Request, key: ApiKey) -> None:
    check_same_origin(request)
    if not key.allows("member"):
        raise PermissionDeniedError(f"changing subscriptions needs the member role or above; you are signed "
                                    f"in as {key.role}")


@router.post("/subscriptions")
async def create_subscription(request: Request, pool: PoolDep, key: SignedIn) -> Any:
    _require_member(request, key)
    fields = await form_fields(request)
    form = {**FIELDS, **{k: fields.get(k, "") for k in FIELDS}}

    def work() -> Any:
        try:
            data = subs.parse_input(subscription_input(form))
            sub = subs.create(pool.get().store, key.team_id, data, AlertSettings.from_env())
        except subs.SubscriptionError as exc:
            return _page(request, pool, key, form, error=str(exc), status=400)
        return RedirectResponse(f"/subscriptions?created={sub.id}", status_code=303)

    # Store reads and writes block: in a worker thread, with that thread's own connection.
    return await run_in_threadpool(work)


@router.post("/subscriptions/{sub_id}/delete")
async def delete_subscription(request: Request, pool: PoolDep, key: SignedIn, sub_id: int) -> Any:
    _require_member(request, key)
    await form_fields(request)  # drain the (empty) form body

    def work() -> Any:
        subs.delete(pool.get().store, sub_id, team_id=key.team_id)  # NotFoundError for another team's
        return RedirectResponse(f"/subscriptions?deleted={sub_id}", status_code=303)

    return await run_in_threadpool(work)
