"""Mail goes out by SMTP when SMTP_URL is set (a real local SMTP server), else to the outbox table."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from oxship.kit.outbox import drain_background
from oxship.models import MailMessage
from oxship.runtime import Runtime
from tests.support.servers import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


SMTP_PORT = free_port()
CLOSED_PORT = free_port()


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield inbox
    controller.stop()


async def _outbox(runtime: Runtime) -> list[MailMessage]:
    async with runtime.sessionmaker() as session:
        return list((await session.scalars(select(MailMessage))).all())


def _register(email: str) -> dict[str, str]:
    return {"email": email, "username": email.split("@")[0], "password": "secret123"}


@pytest.mark.parametrize("settings_overrides", [{"smtp_url": f"smtp://127.0.0.1:{SMTP_PORT}"}])
async def test_registration_mail_is_delivered_by_smtp(
    smtp_server: Inbox, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await client.post("/api/auth/register", json=_register("sam@example.com"))
    assert response.status_code == 201
    await drain_background()

    (message,) = smtp_server.messages
    assert message["To"] == "sam@example.com"
    assert message["Subject"] == "Verify your oxship email"
    assert "/verify-email?token=" in message.get_payload()
    assert await _outbox(runtime) == []


@pytest.mark.parametrize("settings_overrides", [{"smtp_url": f"smtp://127.0.0.1:{CLOSED_PORT}"}])
async def test_failed_smtp_delivery_is_kept_in_the_outbox(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await client.post("/api/auth/register", json=_register("kim@example.com"))
    assert response.status_code == 201
    await drain_background()

    (kept,) = await _outbox(runtime)
    assert kept.to == "kim@example.com"
    assert kept.error


@pytest.mark.parametrize("settings_overrides", [{"smtp_url": f"smtp://127.0.0.1:{SMTP_PORT}"}])
async def test_no_mail_for_a_refused_registration(
    smtp_server: Inbox, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert (
        await client.post("/api/auth/register", json=_register("alex1@example.com"))
    ).status_code == 201
    await drain_background()
    smtp_server.messages.clear()
    duplicate = _register("alex1@example.com") | {"username": "another"}

    assert (await client.post("/api/auth/register", json=duplicate)).status_code == 409
    await drain_background()
    assert smtp_server.messages == []
