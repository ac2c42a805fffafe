"""Fixtures of the wallet sign-in tests."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from oxship.app import create_app
from oxship.kit.clock import utcnow
from oxship.models import OneTimeToken, User
from oxship.runtime import Runtime
from oxship.web3.service import NONCE_PURPOSE
from tests.conftest import make_settings


class WalletRows:
    """Direct reads of users' wallets and of stored nonces; crafts an expired nonce."""

    def __init__(self, runtime: Runtime) -> None:
        self._sessionmaker = runtime.sessionmaker

    async def wallet(self, user_id: uuid.UUID) -> str | None:
        """The wallet bound to a user, as stored."""
        async with self._sessionmaker() as session:
            value: str | None = await session.scalar(
                select(User.wallet_address).where(User.id == user_id)
            )
            return value

    async def holders(self, address: str) -> list[uuid.UUID]:
        """Every user holding `address`."""
        async with self._sessionmaker() as session:
            rows = await session.scalars(select(User.id).where(User.wallet_address == address))
            return list(rows)

    async def nonce(self, nonce: str) -> OneTimeToken | None:
        """The stored row of a nonce (looked up by its SHA-256)."""
        digest = hashlib.sha256(nonce.encode()).hexdigest()
        async with self._sessionmaker() as session:
            row: OneTimeToken | None = await session.scalar(
                select(OneTimeToken).where(OneTimeToken.token_hash == digest)
            )
            return row

    async def nonce_purposes(self, user_id: uuid.UUID) -> list[str]:
        """The purposes of every one-time token of a user."""
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(OneTimeToken.purpose).where(OneTimeToken.user_id == user_id)
            )
            return list(rows)

    async def expire_nonce(self, nonce: str) -> None:
        """Move a nonce's expiry into the past."""
        digest = hashlib.sha256(nonce.encode()).hexdigest()
        async with self._sessionmaker() as session:
            await session.execute(
                update(OneTimeToken)
                .where(OneTimeToken.token_hash == digest, OneTimeToken.purpose == NONCE_PURPOSE)
                .values(expires_at=utcnow().replace(year=2020))
            )
            await session.commit()

    async def set_wallet(self, user_id: uuid.UUID, address: str | None) -> None:
        """Bind a wallet directly."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(wallet_address=address)
            )
            await session.commit()


@pytest.fixture
def rows(runtime: Runtime) -> WalletRows:
    """Direct row access on the test's database."""
    return WalletRows(runtime)


@pytest.fixture(scope="module")
def shared_app(database_url: str) -> FastAPI:
    """One app per module: building every route's state costs seconds, and these routes come last."""
    return create_app(settings=make_settings(database_url))


@pytest.fixture
def app(shared_app: FastAPI, runtime: Runtime) -> FastAPI:
    """The shared app on this test's runtime (its transaction, settings and cache prefix)."""
    shared_app.state.runtime = runtime
    return shared_app
