"""`/api/health`: liveness for load balancers and monitors; needs no key."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter

from exportwatch.api.deps import PoolDep
from exportwatch.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Service health (no key needed)")
def health(pool: PoolDep) -> Health:
    svc = pool.get()
    svc.store.db.execute("SELECT 1").fetchone()  # the store answers (raises StoreError -> 503 if not)
    return Health(status="ok", version=version("exportwatch"), search_backend=svc.backend.name,
                  public_data=svc.settings.public_data)
