"""The demo dataset behind `oxship seed --demo` (later domains add their part here)."""

from __future__ import annotations

from sqlalchemy import func, select

from oxship.db import transaction
from oxship.models import User
from oxship.runtime import Runtime
from oxship.users import service as users

DEMO_PASSWORD = "demo-password-1"
DEMO_USERS: tuple[tuple[str, str, dict[str, bool]], ...] = (  # username, display name, roles
    ("admin", "Demo Admin", {"is_admin": True}),
    ("ada", "Ada Builder", {}),
    ("grace", "Grace Validator", {"is_validator": True}),
    ("linus", "Linus Investor", {"is_investor": True}),
    ("margaret", "Margaret Hacker", {}),
)


async def seed_demo(runtime: Runtime, *, only_if_empty: bool) -> str | None:
    """Create the demo accounts; None when `only_if_empty` and users already exist."""
    async with transaction(runtime) as session:
        if only_if_empty and (await session.scalar(select(func.count()).select_from(User))):
            return None
        password_hash = await runtime.passwords.hash(DEMO_PASSWORD)
        for username, display_name, roles in DEMO_USERS:
            user = await users.create(
                session,
                email=f"{username}@demo.oxship.local",
                username=username,
                password_hash=password_hash,
                display_name=display_name,
            )
            if roles:
                await users.set_fields(session, user, **roles)
    return f"{len(DEMO_USERS)} users (password {DEMO_PASSWORD!r}, e.g. login 'ada')"
