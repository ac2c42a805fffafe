"""bench/report's parsing and table formatting, from canned wrk and /metrics output (no load)."""

from __future__ import annotations

import httpx
import pytest

from bench import ceiling
from bench.report import (
    WRK_DIR,
    Fixtures,
    Row,
    WrkResult,
    cache_counts,
    hit_rate,
    markdown_table,
    parse_wrk,
    vote_pairs,
)

WRK_TEXT = """\
Running 30s test @ http://127.0.0.1:8000
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    8.02ms 204.11ms   91.20%
    Req/Sec     2.71k   312.45     3.40k    71.33%
  Latency Distribution
     50%   10.52ms
     75%   14.01ms
     90%   19.87ms
     99%   41.20ms
  162208 requests in 30.02s, 1.21GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   5403.33
Transfer/sec:     41.27MB
"""

WRK_WITH_JSON = (
    WRK_TEXT + 'WRK_JSON {"requests":162208,"duration_us":30020000,"bytes":1299227033,"connect":0,'
    '"read":2,"write":0,"status":7,"timeout":3,"p50_us":10520,"p75_us":14010,"p90_us":19870,'
    '"p95_us":25400,"p99_us":41200,"mean_us":12310.4,"max_us":204110}\n'
)

METRICS = """\
# HELP oxship_cache_requests_total Cache lookups by namespace family and result
# TYPE oxship_cache_requests_total counter
oxship_cache_requests_total{namespace="feed",result="hit_local"} 900.0
oxship_cache_requests_total{namespace="feed",result="miss"} 50.0
oxship_cache_requests_total{namespace="project",result="hit_redis"} 40.0
oxship_cache_requests_total{namespace="project",result="bypass"} 10.0
oxship_http_requests_total{method="GET",route="/api/projects",status="200"} 1000.0
"""


def test_parse_wrk_text_latency_distribution() -> None:
    r = parse_wrk(WRK_TEXT)
    assert (r.requests, r.seconds, r.rps) == (162208, 30.02, 5403.33)
    assert r.percentiles == {50: 10.52, 75: 14.01, 90: 19.87, 99: 41.2}
    assert (r.p50, r.p95, r.p99) == (10.52, None, 41.2)
    assert (r.socket_errors, r.status_errors, r.errors) == (5, 7, 12)


def test_parse_wrk_units_and_clean_runs() -> None:
    text = WRK_TEXT.replace("10.52ms", "812.00us").replace("41.20ms", "1.20s")
    text = text.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
    text = text.replace("  Non-2xx or 3xx responses: 7\n", "")
    r = parse_wrk(text)
    assert r.p50 == pytest.approx(0.812)
    assert r.p99 == pytest.approx(1200.0)
    assert r.errors == 0


def test_parse_wrk_prefers_the_json_summary_with_p95() -> None:
    r = parse_wrk(WRK_WITH_JSON)
    assert r.p95 == pytest.approx(25.4)
    assert r.rps == pytest.approx(162208 / 30.02)
    assert r.p50 == pytest.approx(10.52)
    assert r.p99 == pytest.approx(41.2)
    assert r.errors == 12


def test_parse_wrk_rejects_output_without_latency() -> None:
    with pytest.raises(ValueError, match="unrecognised"):
        parse_wrk("Running 1s test @ http://x\nRequests/sec: 10\n")


def test_cache_hit_rate_from_two_scrapes() -> None:
    before = cache_counts(METRICS)
    assert before == {"hit_local": 900.0, "miss": 50.0, "hit_redis": 40.0, "bypass": 10.0}
    after = dict(before, hit_local=1800.0, miss=150.0)
    assert hit_rate(before, after) == pytest.approx(0.9)
    assert hit_rate(before, before) is None


def test_markdown_table() -> None:
    ceiling_run = parse_wrk(WRK_WITH_JSON)
    reads = WrkResult(1000, 10.0, 2701.6, 1.234, 2.5, 9.87, 0, 0)
    table = markdown_table(
        [Row("ceiling", ceiling_run, None, None), Row("cached reads", reads, 0.9876, 5403.3)]
    )
    lines = table.splitlines()
    assert lines[0] == (
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | cache hit rate | % of ceiling |"
    )
    assert lines[2] == "| ceiling | 5,403 | 10.52 | 25.40 | 41.20 | 12 of 162,208 | — | — |"
    assert lines[3] == "| cached reads | 2,702 | 1.23 | 2.50 | 9.87 | 0 of 1,000 | 98.8% | 50% |"


def test_vote_pairs_never_target_the_voters_own_project() -> None:
    fixtures = Fixtures(
        projects=[(f"p{i}", f"u{i % 3}") for i in range(30)],
        users=[("u0", "a"), ("u1", "b"), ("u2", "c")],
    )
    lines = vote_pairs(fixtures, ["ta", "tb", "tc"], 300)
    owner_of = dict(fixtures.projects)
    token_user = {"ta": "u0", "tb": "u1", "tc": "u2"}
    assert len(lines) == 300
    for line in lines:
        token, project = line.split()
        assert owner_of[project] != token_user[token]
    assert {line.split()[0] for line in lines} == {"ta", "tb", "tc"}


def test_lua_scripts_exist_and_share_the_summary() -> None:
    common = (WRK_DIR / "common.lua").read_text()
    assert "WRK_JSON" in common
    assert "percentile(95)" in common
    for name in ("reads", "votes", "mixed", "ceiling"):
        assert "function request()" in (WRK_DIR / f"{name}.lua").read_text()


async def test_ceiling_serves_the_stored_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b'{"data":[{"id":"x"}],"meta":{"page":1}}'
    monkeypatch.setattr(ceiling, "_body", body)
    transport = httpx.ASGITransport(app=ceiling.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.get("/api/projects?page=3")
    assert response.status_code == 200
    assert response.content == body
    assert response.headers["content-type"] == "application/json"
