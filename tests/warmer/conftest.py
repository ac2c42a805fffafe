"""Helpers of the warmer tests: reading the cache counters from /metrics, building warmers."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from oxship.runtime import Runtime
from oxship.warmer import jobs
from oxship.warmer.service import Warmer

HITS = ("hit_local", "hit_redis")
Counts = dict[tuple[str, str, str], float]


async def cache_counts(client: httpx.AsyncClient) -> Counts:
    """(metric, namespace family, result) → value, for both cache counters, read from /metrics."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    counts: Counts = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name in {
                "oxship_cache_requests_total",
                "oxship_cache_warmer_requests_total",
            }:
                key = (sample.name, sample.labels["namespace"], sample.labels["result"])
                counts[key] = sample.value
    return counts


def delta(before: Counts, after: Counts, metric: str) -> dict[tuple[str, str], float]:
    """The non-zero increases of one metric between two readings, by (namespace, result)."""
    changes: dict[tuple[str, str], float] = {}
    for (name, namespace, result), value in after.items():
        previous = before.get((name, namespace, result), 0.0)
        if name == metric and value != previous:
            changes[(namespace, result)] = value - previous
    return changes


def assert_all_hits(changes: dict[tuple[str, str], float]) -> None:
    """Some cache lookups happened, and every one was a hit."""
    assert changes, "no cache lookup"
    misses = {key: value for key, value in changes.items() if key[1] not in HITS}
    assert not misses, changes


def make_warmer(app: FastAPI, runtime: Runtime, **overrides: float) -> Warmer:
    """A warmer of this app with the runtime's settings (fast re-warm timings unless overridden)."""
    warmer = jobs.build(app, runtime)
    warmer.rewarm_delay = overrides.get("rewarm_delay", 0.05)
    warmer.rewarm_min_gap = overrides.get("rewarm_min_gap", 0.2)
    if "interval" in overrides:
        warmer.interval = overrides["interval"]
    return warmer
