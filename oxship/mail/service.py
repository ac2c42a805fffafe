"""The mailer: SMTP after commit when `SMTP_URL` is set, else the mail outbox in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.config import Settings
from oxship.kit.outbox import outbox_of
from oxship.mail import repository
from oxship.models import MailMessage

log = logging.getLogger(__name__)


class Mailer:
    """Sends mail without ever dropping it silently."""

    def __init__(self, settings: Settings, session_factory: Callable[[], AsyncSession]) -> None:
        self.settings = settings
        self._session_factory = session_factory

    async def send(self, session: AsyncSession, *, to: str, subject: str, body: str) -> None:
        """Send after the transaction commits (SMTP), or store it in the outbox table now."""
        if not self.settings.smtp_url:
            repository.add(session, to=to, subject=subject, body=body)
            return

        async def deliver() -> None:
            await self.deliver(to=to, subject=subject, body=body)

        outbox_of(session).after_commit(deliver, background=True)

    async def deliver(self, *, to: str, subject: str, body: str) -> None:
        """Hand one message to the SMTP server; on failure keep it in the outbox table."""
        assert self.settings.smtp_url
        url = urlsplit(self.settings.smtp_url)
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            await aiosmtplib.send(
                message,
                hostname=url.hostname or "localhost",
                port=url.port or (465 if url.scheme == "smtps" else 25),
                username=unquote(url.username) if url.username else None,
                password=unquote(url.password) if url.password else None,
                use_tls=url.scheme == "smtps",
                start_tls=self.settings.smtp_starttls,
                timeout=self.settings.smtp_timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            log.warning("mail to %s failed (%s); kept in the outbox", to, exc)
            async with self._session_factory() as session:
                repository.add(session, to=to, subject=subject, body=body, error=str(exc))
                await session.commit()


async def outbox_messages(
    session: AsyncSession, *, limit: int = 50, to: str | None = None
) -> Sequence[MailMessage]:
    """The newest messages of the mail outbox."""
    return await repository.latest(session, limit=limit, to=to)
