"""The official JavaScript client (`socket.io-client` from npm, run by Node) against a live server."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed

JS_DIR = Path(__file__).resolve().parent / "js"
TIMEOUT = 15.0


def _node_modules() -> None:
    """Install the locked client once (`make dev` does it too); fail, never skip, without npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            "Node.js and npm are required for tests/realtime/test_js_client.py "
            "(install Node.js 18+, then run `make dev` or `npm ci --prefix tests/realtime/js`)"
        )
    if (JS_DIR / "node_modules" / "socket.io-client").is_dir():
        return
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci failed in {JS_DIR}:\n{result.stdout}\n{result.stderr}")


async def _line(stream: asyncio.StreamReader) -> str:
    return (await asyncio.wait_for(stream.readline(), timeout=TIMEOUT)).decode().strip()


async def test_official_js_client_receives_vote_updated(
    live_url: str, users: UserFactory, projects: ProjectFactory
) -> None:
    _node_modules()
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    watcher = await users.actor()
    node = shutil.which("node")
    assert node is not None

    process = await asyncio.create_subprocess_exec(
        node,
        "client.mjs",
        live_url,
        watcher.access,
        pid,
        str(int(TIMEOUT * 1000)),
        cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        first = await _line(process.stdout)
        if first != "subscribed":
            stderr = await asyncio.wait_for(process.stderr.read(), timeout=TIMEOUT)
            raise AssertionError(f"client did not subscribe: {first!r} {stderr.decode()}")

        voter = await users.actor()
        response = await voter.client.post(
            "/api/votes", json={"project_id": pid, "vote_type": "up"}
        )
        assert response.status_code == 200, response.text

        payload = json.loads(await _line(process.stdout))
        assert await asyncio.wait_for(process.wait(), timeout=TIMEOUT) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert payload["project_id"] == pid
    assert (payload["upvotes"], payload["downvotes"], payload["vote_count"]) == (1, 0, 1)
    assert payload["upvote_ratio"] == 1.0
    assert set(payload) >= {"proof_score", "trending_score"}
