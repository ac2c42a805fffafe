"""A small EVM JSON-RPC 2.0 client over httpx: one deadline per use, every failure an `RpcError`."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson

from oxship.certs import abi

MAX_RESPONSE_BYTES = 256 * 1024
"""A JSON-RPC answer to eth_call / eth_blockNumber is tiny; anything past this is refused."""

_ids = itertools.count(1)


class RpcError(Exception):
    """The node did not give a usable answer: unreachable, timed out, an error object, bad JSON."""

    def __init__(self, reason: str, *, timeout: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timeout = timeout


class RpcClient:
    """JSON-RPC calls to one node (`async with RpcClient.open(url, timeout) as rpc: ...`).

    Messages never include the URL: hosted nodes carry an API key in it.
    """

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self._http = http
        self._url = url

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, timeout: float) -> AsyncIterator[RpcClient]:
        """A client whose calls, all together, must finish within `timeout` seconds."""
        try:
            async with (
                asyncio.timeout(timeout),
                httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http,
            ):
                yield cls(http, url)
        except TimeoutError as exc:
            raise RpcError(f"the node did not answer within {timeout:g} s", timeout=True) from exc

    async def call(self, method: str, params: list[Any]) -> Any:
        """The `result` of one JSON-RPC request; RpcError for anything else."""
        request_id = next(_ids)
        payload = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        try:
            async with self._http.stream(
                "POST",
                self._url,
                content=orjson.dumps(payload),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            ) as response:
                body = await _read_capped(response)
        except httpx.TimeoutException as exc:
            raise RpcError("the node did not answer in time", timeout=True) from exc
        except httpx.HTTPError as exc:
            raise RpcError(f"the node could not be reached ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise RpcError(f"the node answered HTTP {response.status_code} to {method}")
        return _result_of(body, request_id, method)

    async def eth_call(self, to: str, data: str) -> Any:
        """`eth_call` of `data` on contract `to` at the latest block."""
        return await self.call("eth_call", [{"to": to, "data": data}, "latest"])

    async def uint256_call(self, to: str, data: str, method: str) -> int:
        """An eth_call whose return value is one uint256."""
        result = await self.eth_call(to, data)
        try:
            return abi.decode_uint256(result)
        except ValueError as exc:
            if result == "0x":
                raise RpcError(f"{method} returned no data: is the contract deployed?") from exc
            raise RpcError(f"{method} returned a malformed result: {exc}") from exc

    async def block_number(self) -> int:
        """`eth_blockNumber` as an int."""
        return _quantity(await self.call("eth_blockNumber", []), "eth_blockNumber")

    async def chain_id(self) -> int:
        """`eth_chainId` as an int."""
        return _quantity(await self.call("eth_chainId", []), "eth_chainId")


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RpcError(f"the node's answer exceeds {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _result_of(body: bytes, request_id: int, method: str) -> Any:
    try:
        message = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise RpcError(f"the node's answer to {method} is not JSON") from exc
    if not isinstance(message, dict) or message.get("id") != request_id:
        raise RpcError(f"the node's answer to {method} is not a JSON-RPC response to it")
    error = message.get("error")
    if error is not None:
        detail = error.get("message") if isinstance(error, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        text = str(detail)[:200] if detail else "no message"
        raise RpcError(f"the node refused {method}: {text} (code {code})")
    if "result" not in message:
        raise RpcError(f"the node's answer to {method} has no result")
    return message["result"]


def _quantity(result: Any, method: str) -> int:
    try:
        return abi.decode_quantity(result)
    except ValueError as exc:
        raise RpcError(f"{method} returned a malformed result: {exc}") from exc
