"""Prometheus metrics: HTTP latency and status, cache hits/misses, DB pool, jobs."""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_LATENCY = Histogram(
    "oxship_http_request_duration_seconds",
    "Request latency by route template",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "oxship_http_requests_total",
    "Requests by route template and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
CACHE_REQUESTS = Counter(
    "oxship_cache_requests_total",
    "Cache lookups by namespace family and result (hit_local, hit_redis, miss, bypass)",
    ["namespace", "result"],
    registry=REGISTRY,
)
CACHE_ERRORS = Counter(
    "oxship_cache_errors_total", "Redis errors seen by the cache", registry=REGISTRY
)
DB_POOL = Gauge(
    "oxship_db_pool_connections",
    "Database pool connections by state",
    ["state"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
SOCKETS_CONNECTED = Gauge(
    "oxship_sockets_connected",
    "Socket.IO connections open in this process",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
SOCKET_EVENTS = Counter(
    "oxship_socket_events_total", "Real-time events emitted, by name", ["event"], registry=REGISTRY
)
SOCKETS_DROPPED = Counter(
    "oxship_socket_packets_dropped_total",
    "Outbound packets dropped because a client's queue was full (slow reader)",
    registry=REGISTRY,
)
JOB_RUNS = Counter(
    "oxship_job_runs_total",
    "Periodic job runs by job and outcome",
    ["job", "outcome"],
    registry=REGISTRY,
)

_pool_probe: Callable[[], dict[str, int]] | None = None


def set_pool_probe(probe: Callable[[], dict[str, int]] | None) -> None:
    """Register the function that reports pool usage at scrape time."""
    global _pool_probe
    _pool_probe = probe


def render() -> tuple[bytes, str]:
    """The exposition text and its content type (multi-process aware)."""
    if _pool_probe is not None:
        for state, value in _pool_probe().items():
            DB_POOL.labels(state=state).set(value)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
