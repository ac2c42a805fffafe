"""bench/soak's measurements and verdict, on this test's own processes and canned samples (no load)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.soak import Sample, Soak, children, markdown, rss_kib, workers_of


def test_rss_is_read_from_proc_and_none_once_the_process_is_gone() -> None:
    assert (rss_kib(os.getpid()) or 0) > 1024  # a Python interpreter is more than 1 MiB
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert rss_kib(child.pid) is None


def test_children_and_workers_of_find_the_direct_children() -> None:
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    tracker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "multiprocessing.resource_tracker"]
    )
    try:
        assert {worker.pid, tracker.pid} <= set(children(os.getpid()))
        workers = workers_of(os.getpid())
        assert worker.pid in workers
        assert tracker.pid not in workers
    finally:
        for process in (worker, tracker):
            process.kill()
            process.wait()


def _soak(totals: list[tuple[float, int, int]]) -> Soak:
    return Soak([Sample(t, 50_000, {1: a, 2: b}) for t, a, b in totals])


def test_growth_is_measured_from_the_baseline_sample_to_the_last() -> None:
    soak = _soak([(5.0, 50_000, 50_000), (60.0, 100_000, 100_000), (600.0, 105_000, 110_000)])
    assert soak.at(60.0).seconds == 60.0
    assert soak.at(30.0).seconds == 60.0  # the first sample at or after
    assert soak.growth(60.0) == pytest.approx(7.5)
    table = markdown(soak, 60.0, None, 10.0)
    assert "+7.5%" in table
    assert "PASS" in table


def test_growth_past_the_limit_is_a_failure_in_the_table() -> None:
    soak = _soak([(60.0, 100_000, 100_000), (600.0, 120_000, 110_000)])
    assert soak.growth(60.0) == pytest.approx(15.0)
    table = markdown(soak, 60.0, None, 10.0)
    assert "+15.0%" in table
    assert "FAIL" in table
