"""The Socket.IO server (protocol v5): connect auth, rooms, client events, delivery of events.

It is transport only: who a token belongs to, and which chain rooms a user may join, are asked of
callbacks the application supplies, so this package imports no domain. Events reach it from the
publisher after their transaction commits. With Redis, python-socketio's AsyncRedisManager relays
every emit to the sockets of all processes; a small control channel of ours does the same for
"disconnect this user's sockets" (bans) and gates `leaderboard:updated` to once per second overall.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import engineio
import orjson
import socketio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from oxship.config import Settings
from oxship.kit.metrics import SOCKET_EVENTS, SOCKETS_CONNECTED, SOCKETS_DROPPED
from oxship.kit.outbox import Event
from oxship.realtime.publisher import FEED_ROOM, project_room, user_room

log = logging.getLogger(__name__)

DISCONNECT_EVENT = "!disconnect"  # control: disconnect every socket in `room`
LEADERBOARD_EVENT = "leaderboard:updated"
LEADERBOARD_INTERVAL = 1.0

Authenticate = Callable[[str], Awaitable[uuid.UUID | None]]
ChainRoom = Callable[[uuid.UUID | None, str], Awaitable[str | None]]


class BoundedQueue(asyncio.Queue[Any]):
    """An outbound packet queue that drops packets past `limit` instead of growing without bound.

    A client that stops reading fills its queue; from then on its packets are dropped (and counted)
    until the ping timeout closes the connection. `None`, the writer's stop signal, always goes in.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    async def put(self, item: Any) -> None:
        if item is not None and self.qsize() >= self.limit:
            SOCKETS_DROPPED.inc()
            return
        self.put_nowait(item)


def _server_classes(queue_limit: int) -> type[socketio.AsyncServer]:
    class _EngineIO(engineio.AsyncServer):  # type: ignore[misc]
        def create_queue(self, *args: Any, **kwargs: Any) -> Any:
            return BoundedQueue(queue_limit)

    class _SocketIO(socketio.AsyncServer):  # type: ignore[misc]
        def _engineio_server_class(self) -> type[engineio.AsyncServer]:
            return _EngineIO

    return _SocketIO


class RealtimeServer:
    """One process's Socket.IO server and the sink that turns committed events into emits."""

    def __init__(
        self,
        settings: Settings,
        *,
        authenticate: Authenticate,
        chain_room: ChainRoom | None = None,
    ) -> None:
        self.settings = settings
        self._authenticate = authenticate
        self._chain_room = chain_room
        manager = None
        if settings.redis_url:
            manager = socketio.AsyncRedisManager(
                settings.redis_url, channel=f"{settings.cache_prefix}:socketio"
            )
        server_class = _server_classes(settings.realtime_queue_limit)
        self.sio: socketio.AsyncServer = server_class(
            async_mode="asgi",
            client_manager=manager,
            cors_allowed_origins=settings.cors_origins or [],
            max_http_buffer_size=64 * 1024,
            logger=False,
            engineio_logger=False,
        )
        self.asgi = socketio.ASGIApp(self.sio, socketio_path="socket.io")
        self._redis: Redis | None = None
        self._control: asyncio.Task[None] | None = None
        self._control_channel = f"{settings.cache_prefix}:realtime-control"
        self._leaderboard_kinds: set[str] = set()
        self._leaderboard_task: asyncio.Task[None] | None = None
        self._leaderboard_last = 0.0
        self._register()

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self, redis: Redis | None) -> None:
        """Listen to the control channel (when Redis is configured)."""
        self._redis = redis
        if redis is not None and self._control is None:
            self._control = asyncio.create_task(self._listen_control(), name="realtime-control")

    async def close(self) -> None:
        """Stop background tasks."""
        for task in (self._control, self._leaderboard_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._control = self._leaderboard_task = None

    # ---- client events ---------------------------------------------------------------------

    def _register(self) -> None:
        handlers: dict[str, Callable[..., Awaitable[Any]]] = {
            "connect": self._on_connect,
            "disconnect": self._on_disconnect,
            "subscribe": self._on_subscribe,
            "unsubscribe": self._on_unsubscribe,
            "subscribe_feed": self._on_subscribe_feed,
            "unsubscribe_feed": self._on_unsubscribe_feed,
            "subscribe_chain": self._on_subscribe_chain,
            "typing": self._on_typing,
        }
        for name, handler in handlers.items():
            self.sio.on(name, handler)

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        user_id: uuid.UUID | None = None
        if token:
            user_id = await self._authenticate(str(token))
            if user_id is None:
                # A bad token is refused (not downgraded to anonymous): the client learns now.
                raise socketio.exceptions.ConnectionRefusedError(
                    {"error": "unauthorized", "message": "Invalid or expired token"}
                )
            await self.sio.enter_room(sid, user_room(user_id))
        await self.sio.save_session(sid, {"user_id": str(user_id) if user_id else None})
        SOCKETS_CONNECTED.inc()
        return True

    async def _on_disconnect(self, sid: str, *args: Any) -> None:
        SOCKETS_CONNECTED.dec()

    async def _on_subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        project_id = _uuid_field(data, "project_id")
        if project_id is None:
            return {"ok": False, "error": "validation_error", "field": "project_id"}
        await self.sio.enter_room(sid, project_room(project_id))
        return {"ok": True, "room": project_room(project_id)}

    async def _on_unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        project_id = _uuid_field(data, "project_id")
        if project_id is None:
            return {"ok": False, "error": "validation_error", "field": "project_id"}
        await self.sio.leave_room(sid, project_room(project_id))
        return {"ok": True}

    async def _on_subscribe_feed(self, sid: str, data: Any = None) -> dict[str, Any]:
        await self.sio.enter_room(sid, FEED_ROOM)
        return {"ok": True, "room": FEED_ROOM}

    async def _on_unsubscribe_feed(self, sid: str, data: Any = None) -> dict[str, Any]:
        await self.sio.leave_room(sid, FEED_ROOM)
        return {"ok": True}

    async def _on_subscribe_chain(self, sid: str, data: Any = None) -> dict[str, Any]:
        slug = data.get("slug") if isinstance(data, dict) else None
        if not isinstance(slug, str) or not 1 <= len(slug) <= 120:
            return {"ok": False, "error": "validation_error", "field": "slug"}
        room = None
        if self._chain_room is not None:
            room = await self._chain_room(await self._user_of(sid), slug)
        if room is None:
            return {"ok": False, "error": "not_found"}
        await self.sio.enter_room(sid, room)
        return {"ok": True, "room": room}

    async def _on_typing(self, sid: str, data: Any = None) -> dict[str, Any]:
        user_id = await self._user_of(sid)
        recipient = _uuid_field(data, "recipient_id")
        if user_id is None:
            return {"ok": False, "error": "unauthorized"}
        if recipient is None or recipient == user_id:
            return {"ok": False, "error": "validation_error", "field": "recipient_id"}
        await self.sio.emit("typing", {"user_id": str(user_id)}, room=user_room(recipient))
        return {"ok": True}

    async def _user_of(self, sid: str) -> uuid.UUID | None:
        try:
            session = await self.sio.get_session(sid)
        except KeyError:
            return None
        raw = session.get("user_id")
        return uuid.UUID(raw) if raw else None

    # ---- server events ---------------------------------------------------------------------

    async def deliver(self, event: Event) -> None:
        """Publisher sink: emit one committed event to its room (None = every socket)."""
        if event.name == DISCONNECT_EVENT:
            await self._disconnect_everywhere(event.room)
            return
        if event.name == LEADERBOARD_EVENT:
            self._coalesce_leaderboard(event.payload.get("kinds", []))
            return
        SOCKET_EVENTS.labels(event=event.name).inc()
        await self.sio.emit(event.name, event.payload, room=event.room)

    def _coalesce_leaderboard(self, kinds: list[str]) -> None:
        self._leaderboard_kinds.update(kinds)
        if self._leaderboard_task is None or self._leaderboard_task.done():
            self._leaderboard_task = asyncio.create_task(self._flush_leaderboard())

    async def _flush_leaderboard(self) -> None:
        while self._leaderboard_kinds:
            wait = self._leaderboard_last + LEADERBOARD_INTERVAL - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not await self._leaderboard_gate():
                await asyncio.sleep(LEADERBOARD_INTERVAL / 4)
                continue
            kinds, self._leaderboard_kinds = sorted(self._leaderboard_kinds), set()
            self._leaderboard_last = time.monotonic()
            SOCKET_EVENTS.labels(event=LEADERBOARD_EVENT).inc()
            await self.sio.emit(LEADERBOARD_EVENT, {"kinds": kinds})

    async def _leaderboard_gate(self) -> bool:
        """At most one `leaderboard:updated` per second across every process (Redis gate)."""
        if self._redis is None:
            return True
        try:
            key = f"{self.settings.cache_prefix}:realtime:leaderboard-gate"
            return bool(
                await self._redis.set(key, b"1", nx=True, px=int(LEADERBOARD_INTERVAL * 1000))
            )
        except (RedisError, OSError):
            return True

    async def _disconnect_everywhere(self, room: str | list[str] | None) -> None:
        if not isinstance(room, str):
            return
        await self._disconnect_local(room)
        if self._redis is not None:
            try:
                await self._redis.publish(self._control_channel, orjson.dumps({"disconnect": room}))
            except (RedisError, OSError) as exc:
                log.warning("realtime: could not relay a disconnect of %s: %s", room, exc)

    async def _disconnect_local(self, room: str) -> None:
        participants = [sid for sid, _ in self.sio.manager.get_participants("/", room)]
        for sid in participants:
            await self.sio.disconnect(sid)

    async def _listen_control(self) -> None:
        assert self._redis is not None
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._control_channel)
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    payload = orjson.loads(message["data"])
                    if isinstance(payload, dict) and isinstance(payload.get("disconnect"), str):
                        await self._disconnect_local(payload["disconnect"])
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                raise
            except (RedisError, OSError, ValueError) as exc:
                log.warning("realtime: control channel error (%s); retrying", exc)
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                await asyncio.sleep(0.5)


def _uuid_field(data: Any, name: str) -> uuid.UUID | None:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
