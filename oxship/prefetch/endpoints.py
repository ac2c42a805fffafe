"""HTTP routes of /api/prefetch: per-caller bundles, never cached."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.auth.dependencies import CurrentUser, RuntimeDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok
from oxship.prefetch import service
from oxship.prefetch.schemas import BootstrapOut, DashboardOut

router = APIRouter(prefix="/api/prefetch", tags=["prefetch"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


@router.get("/bootstrap", response_model=Envelope[BootstrapOut])
async def bootstrap(user: CurrentUser, runtime: RuntimeDep) -> JSONBody:
    """Everything a client needs at start, computed concurrently; fails whole if a part fails."""
    return ok(await service.bootstrap(runtime, user=user), headers=PRIVATE)


@router.get("/dashboard-data", response_model=Envelope[DashboardOut])
async def dashboard_data(user: CurrentUser, runtime: RuntimeDep) -> JSONBody:
    """The caller's dashboard: counters, projects and one `role_data` key per role they have."""
    return ok(await service.dashboard(runtime, user=user), headers=PRIVATE)
