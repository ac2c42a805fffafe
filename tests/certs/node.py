"""A local EVM JSON-RPC node (an ASGI app served by a real uvicorn server in a thread).

It answers what oxship calls, from fixed state, the way a node does:
- `eth_call` `[{"to", "data"}, "latest"]` on the 0xCert contract: `balanceOf(address)` and
  `tokenOfOwnerByIndex(address,uint256)` (ABI-decoded strictly: a wrong selector, length or padding
  is a JSON-RPC error, so a bad encoding fails the test), an index past the balance reverts;
  a call to any other address returns `0x` (no code there);
- `eth_blockNumber`, `eth_chainId` as hex quantities.
`mode` makes every answer fail (an error object, HTTP 500, not JSON, a wrong id, a malformed result,
or a sleep past the client's timeout). Every request is recorded in `calls`.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

CONTRACT = "0x" + "c0" * 20
BALANCE_OF = "70a08231"
TOKEN_OF_OWNER_BY_INDEX = "2f745c59"
CHAIN_ID = 11_155_111  # sepolia

Mode = Literal["ok", "error", "http_500", "not_json", "wrong_id", "bad_result", "slow"]


@dataclass
class Call:
    """One JSON-RPC request the node received."""

    method: str
    function: str | None = None
    """For eth_call: `balanceOf` or `tokenOfOwnerByIndex` (None for another selector)."""
    path: str = "/"


@dataclass
class FakeNode:
    """The node's state, shared between the test (its thread) and the server's thread."""

    holders: dict[str, list[int]] = field(default_factory=dict)
    """lowercase owner address → token ids it holds (balance = how many)."""
    block_number: int = 0x1B4
    mode: Mode = "ok"
    slow_seconds: float = 3.0
    calls: list[Call] = field(default_factory=list)
    base_url: str = ""

    def reset(self) -> None:
        """Forget holders, calls and failure modes (between tests)."""
        self.holders.clear()
        self.calls.clear()
        self.mode = "ok"
        self.block_number = 0x1B4

    def functions(self) -> list[str | None]:
        """The eth_call functions received, in order."""
        return [c.function for c in self.calls if c.method == "eth_call"]

    def app(self) -> Starlette:
        """The ASGI app: JSON-RPC on every POST path (hosted nodes put a key in the path)."""
        return Starlette(routes=[Route("/{path:path}", self.rpc, methods=["POST"])])

    async def rpc(self, request: Request) -> Response:
        """Answer one JSON-RPC request."""
        try:
            message = json.loads(await request.body())
        except ValueError:
            return _error(None, -32700, "parse error")
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            return _error(None, -32600, "invalid request")
        request_id, method, params = message.get("id"), message.get("method"), message.get("params")
        call = Call(method=str(method), path=request.url.path)
        self.calls.append(call)
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        if self.mode == "error":
            return _error(request_id, -32000, "header not found")
        if self.mode == "http_500":
            return PlainTextResponse("upstream unavailable", status_code=500)
        if self.mode == "not_json":
            return PlainTextResponse("<html>gateway</html>")
        if self.mode == "wrong_id":
            return JSONResponse({"jsonrpc": "2.0", "id": 999_999_999, "result": "0x1"})
        if self.mode == "bad_result":
            return JSONResponse({"jsonrpc": "2.0", "id": request_id, "result": "0x12"})
        if method == "eth_blockNumber" and params == []:
            return _result(request_id, hex(self.block_number))
        if method == "eth_chainId" and params == []:
            return _result(request_id, hex(CHAIN_ID))
        if method == "eth_call":
            return self.eth_call(request_id, params, call)
        return _error(request_id, -32601, "method not found")

    def eth_call(self, request_id: Any, params: Any, call: Call) -> Response:
        """Run balanceOf / tokenOfOwnerByIndex on the contract's fixed state."""
        if not (
            isinstance(params, list)
            and len(params) == 2
            and params[1] == "latest"
            and isinstance(params[0], dict)
            and set(params[0]) == {"to", "data"}
        ):
            return _error(request_id, -32602, "invalid params")
        to, data = str(params[0]["to"]).lower(), str(params[0]["data"])
        if to != CONTRACT:
            return _result(request_id, "0x")  # no code at that address
        if not data.startswith("0x"):
            return _error(request_id, -32602, "data is not hex")
        selector, words = data[2:10], _words(data[10:])
        if selector == BALANCE_OF and words is not None and len(words) == 1:
            call.function = "balanceOf"
            owner = _address(words[0])
            if owner is None:
                return _error(request_id, 3, "execution reverted: bad address padding")
            return _result(request_id, _word(len(self.holders.get(owner, []))))
        if selector == TOKEN_OF_OWNER_BY_INDEX and words is not None and len(words) == 2:
            call.function = "tokenOfOwnerByIndex"
            owner, index = _address(words[0]), int(words[1], 16)
            tokens = self.holders.get(owner or "", [])
            if owner is None or index >= len(tokens):
                return _error(request_id, 3, "execution reverted: owner index out of bounds")
            return _result(request_id, _word(tokens[index]))
        return _error(request_id, 3, "execution reverted")


def _words(hex_digits: str) -> list[str] | None:
    if len(hex_digits) % 64 or any(c not in "0123456789abcdef" for c in hex_digits):
        return None
    return [hex_digits[i : i + 64] for i in range(0, len(hex_digits), 64)]


def _address(word: str) -> str | None:
    """The address in an ABI word, None unless its 12 leading bytes are zero."""
    return None if word[:24] != "0" * 24 else "0x" + word[24:]


def _word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def _result(request_id: Any, result: Any) -> Response:
    return JSONResponse({"jsonrpc": "2.0", "id": request_id, "result": result})


def _error(request_id: Any, code: int, message: str) -> Response:
    return JSONResponse(
        {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    )
