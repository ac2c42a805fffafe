"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.responses import Response

from oxship.auth.dependencies import RuntimeDep
from oxship.errors import Unavailable
from oxship.kit import metrics
from oxship.kit.envelope import ERROR_RESPONSES, JSONBody, OutModel
from oxship.ops import service

router = APIRouter(tags=["operations"])


class HealthOut(OutModel):
    """The process is up."""

    status: Literal["ok"]


class ReadyOut(OutModel):
    """Every dependency answered."""

    status: Literal["ready"]
    checks: dict[str, str]


@router.get("/health", response_model=HealthOut)
async def health() -> JSONBody:
    """200 while the process is up."""
    return JSONBody({"status": "ok"})


@router.get("/ready", response_model=ReadyOut, responses={503: ERROR_RESPONSES[503]})
async def ready(runtime: RuntimeDep) -> JSONBody:
    """200 when the database and the cache answer; 503 naming the one that failed."""
    checks = await service.readiness(runtime)
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        raise Unavailable(f"Not ready: {', '.join(failed)} unavailable", details=checks)
    return JSONBody({"status": "ready", "checks": checks})


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def prometheus_metrics() -> Response:
    """Prometheus exposition: latency, statuses, cache hit rate, DB pool."""
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
