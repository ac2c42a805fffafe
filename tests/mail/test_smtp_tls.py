"""Mail over TLS against real local SMTP servers with a self-signed certificate: STARTTLS on smtp://
with SMTP_STARTTLS, implicit TLS on smtps://, and the server certificate always verified (an
untrusted one, or a server demanding STARTTLS from a client told not to, keeps the mail in the
outbox with the error)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
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
    """An aiosmtpd handler that keeps every message it receives, and whether TLS carried it."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.over_tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.over_tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 OK"


PORT = free_port()
STARTTLS = {"smtp_url": f"smtp://127.0.0.1:{PORT}", "smtp_starttls": True}
PLAIN = {"smtp_url": f"smtp://127.0.0.1:{PORT}", "smtp_starttls": False}
IMPLICIT = {"smtp_url": f"smtps://127.0.0.1:{PORT}"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "1",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(cert),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the self-signed certificate the client's trust store (OpenSSL reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    """A submission server that refuses mail before STARTTLS."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=PORT,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def implicit_tls_server(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    """An SMTPS server: TLS from the first byte."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=PORT, ssl_context=_server_context(certificate)
    )
    controller.start()
    yield inbox
    controller.stop()


async def _register(client: httpx.AsyncClient, name: str) -> None:
    body = {"email": f"{name}@example.com", "username": name, "password": "secret123"}
    assert (await client.post("/api/auth/register", json=body)).status_code == 201
    await drain_background()


async def _outbox(runtime: Runtime) -> list[MailMessage]:
    async with runtime.sessionmaker() as session:
        return list((await session.scalars(select(MailMessage))).all())


@pytest.mark.parametrize("settings_overrides", [STARTTLS])
async def test_starttls_delivers_over_tls(
    trusted: None, starttls_server: Inbox, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _register(client, "tess")

    (message,) = starttls_server.messages
    assert message["To"] == "tess@example.com"
    assert "/verify-email?token=" in message.get_payload()
    assert starttls_server.over_tls == [True]
    assert await _outbox(runtime) == []


@pytest.mark.parametrize("settings_overrides", [PLAIN])
async def test_without_smtp_starttls_a_server_requiring_it_refuses_and_the_mail_is_kept(
    trusted: None, starttls_server: Inbox, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _register(client, "pete")

    assert starttls_server.messages == []
    (kept,) = await _outbox(runtime)
    assert kept.to == "pete@example.com"
    assert kept.error


@pytest.mark.parametrize("settings_overrides", [IMPLICIT])
async def test_smtps_delivers_over_implicit_tls(
    trusted: None, implicit_tls_server: Inbox, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _register(client, "ivy")

    (message,) = implicit_tls_server.messages
    assert message["To"] == "ivy@example.com"
    assert implicit_tls_server.over_tls == [True]
    assert await _outbox(runtime) == []


@pytest.mark.parametrize("settings_overrides", [IMPLICIT, STARTTLS])
async def test_an_untrusted_certificate_is_refused_and_the_mail_is_kept(
    settings_overrides: dict[str, Any],
    certificate: tuple[Path, Path],
    client: httpx.AsyncClient,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/oxship-ca.pem")  # trust nothing
    inbox = Inbox()
    implicit = settings_overrides is IMPLICIT
    context = _server_context(certificate)
    tls: dict[str, Any] = (
        {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT, **tls)
    controller.start()
    try:
        await _register(client, "umar")
    finally:
        controller.stop()

    assert inbox.messages == []
    (kept,) = await _outbox(runtime)
    assert kept.to == "umar@example.com"
    assert kept.error
    assert "certificate" in kept.error.lower()
